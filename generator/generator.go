// Package generator is strata makemigrations: it runs the generator's
// pipeline from the model structs to the files of a new migration.
//
// The stages each live in a package of their own:
//
//	load      model structs (go/packages, tags) -> schema.Schema
//	snapshot  migrations/schema_snapshot.go <-> schema.Schema and head id
//	diff      snapshot schema x model schema -> operations, inverses, guard
//	emit      operations -> migration file (jennifer)
//	files     all files written, or none
//
// [Make] runs every stage in memory and checks the result, including that
// every dialect can render the new migration; [Result.Write] writes the
// files last, all of them or none.
package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/generator/emit"
	"github.com/strata-go/strata/generator/files"
	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/generator/snapshot"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/mysql"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// Config says where the models and the migrations are, and how to name and
// guard the new migration.
type Config struct {
	// Dir is the migrations directory: the package holding the migration
	// files, the snapshot and the Migrator variable.
	Dir string
	// Models are the package patterns of the model structs, resolved in Dir
	// (so "../models" names a sibling directory).
	Models []string
	// Name names the new migration; empty means a name derived from its
	// operations, such as "add_users_bio".
	Name string
	// Force lets destructive changes through the guard.
	Force bool
	// Preview computes the migration even when the guard refuses it,
	// without letting it through: for --dry-run and --check, which write
	// nothing and must show every pending change. [Result.Refused] then
	// lists what the guard refuses.
	Preview bool
	// Dialects names the engines the project targets, each a name
	// [DialectsNamed] takes; every new migration must render on each.
	// Empty means [DefaultDialects].
	Dialects []string
	// Includes are the package patterns, resolved in Dir, of the
	// migrations packages of the sets whose migrations the app's Migrator
	// includes (runtime's Migrator.Include): the models may reference
	// their tables, which their own migrations make, and each new
	// migration depends on the latest migration of each set.
	Includes []string
	// Replaces puts tables of the package's own in the place of tables of
	// the included sets, each as "TABLE=BY" (runtime's
	// Migrator.Replacing): the sets' migrations leave TABLE out and their
	// foreign keys to it reference BY, which the models declare.
	Replaces []string
}

// Result is a new migration, rendered and checked but not written yet.
type Result struct {
	// ID is the new migration's id, such as "0002_add_users_bio"; empty when
	// the models match the snapshot.
	ID string
	// Plan holds its operations, their inverses and the guard's findings.
	Plan *diff.Plan
	// DependsOn is the migration's field of the same name: the latest
	// migration of each set the package includes (Config.Includes).
	DependsOn []string
	// Files are the migration file and the new snapshot.
	Files []files.File
	// SQL holds, per dialect name, the statements the migration's Up runs,
	// and Dialects names those dialects, in the order the project names
	// them.
	SQL      map[string][]dialect.Step
	Dialects []string
	// Before is the schema the migration starts from: the snapshot's.
	Before *schema.Schema
	// Refused, under Config.Preview without Config.Force, holds the
	// changes the guard refuses: Make would have returned a [*GuardError].
	Refused *GuardError
}

// NoChanges reports whether the models match the snapshot, so that there is
// nothing to write.
func (r *Result) NoChanges() bool { return r.ID == "" }

// Write writes the result's files, all of them or, on failure, none.
func (r *Result) Write() error { return files.WriteAll(r.Files) }

// Dialects are the dialects every generated migration renders on when a
// project names none: those of [DefaultDialects].
var Dialects = []dialect.Dialect{postgres.Dialect{}, sqlite.Dialect{}}

// DefaultDialects names the engines a project targets when it names none
// (makemigrations --dialects): PostgreSQL and SQLite, as before there was
// a choice, so that no project's models break on an upgrade.
var DefaultDialects = []string{"postgres", "sqlite"}

// knownDialects are the dialects a project may name, by name.
var knownDialects = map[string]dialect.Dialect{
	"postgres": postgres.Dialect{},
	"sqlite":   sqlite.Dialect{},
	"mysql":    mysql.Dialect{},
}

// DialectsNamed returns the dialects of names, in that order: "postgres",
// "sqlite", "mysql" (which covers MariaDB). No name means
// [DefaultDialects]; an unknown name, or one given twice, is an error.
func DialectsNamed(names []string) ([]dialect.Dialect, error) {
	if len(names) == 0 {
		names = DefaultDialects
	}
	var ds []dialect.Dialect
	seen := map[string]bool{}
	for _, n := range names {
		d, ok := knownDialects[n]
		switch {
		case !ok:
			return nil, fmt.Errorf("unknown dialect %q: the dialects are mysql, postgres and sqlite", n)
		case seen[n]:
			return nil, fmt.Errorf("dialect %q is named twice", n)
		}
		seen[n] = true
		ds = append(ds, d)
	}
	return ds, nil
}

// Make computes the next migration: it loads the models, reads the
// snapshot, compares them, applies the destructive guard, renders the
// migration for every dialect, and encodes the migration file and the new
// snapshot. It writes nothing.
//
// When the snapshot holds, byte for byte, what Make would write for the
// models at the latest migration, the models have not changed since: Make
// returns a Result without changes at once, without decoding the
// snapshot, which costs many times what encoding it does. Otherwise, and
// whenever something fails, it goes the whole way, which reports the
// errors of the directory and its snapshot before those of the models.
func Make(ctx context.Context, cfg Config) (*Result, error) {
	sets, err := loadSets(ctx, cfg.Dir, cfg.Includes, cfg.Replaces)
	if err != nil {
		return nil, err
	}
	if err := settle(cfg.Dir, sets); err != nil {
		return nil, err
	}
	if len(cfg.Models) > 0 {
		dir, src, err := readSnapshotSource(cfg.Dir)
		if err != nil {
			return makeAll(ctx, cfg, sets)
		}
		models, err := load.ModelsWith(ctx, cfg.Dir, externalTables(sets), cfg.Models...)
		if err != nil {
			if _, _, derr := openDirWith(cfg.Dir, wasTables(sets)); derr != nil {
				return nil, derr
			}
			return nil, err
		}
		if unchanged(dir, src, models) {
			return &Result{Plan: &diff.Plan{}, Before: withSets(models.Schema, sets)}, nil
		}
		dir, snap, err := openDirWith(cfg.Dir, wasTables(sets))
		if err != nil {
			return nil, err
		}
		return makeWith(cfg, dir, snap, models, sets)
	}
	return makeAll(ctx, cfg, sets)
}

// makeAll is [Make] without its shortcut.
func makeAll(ctx context.Context, cfg Config, sets []includedSet) (*Result, error) {
	dir, snap, err := openDirWith(cfg.Dir, wasTables(sets))
	if err != nil {
		return nil, err
	}
	return makeFrom(ctx, cfg, dir, snap, sets)
}

// readSnapshotSource reads the migrations directory path and the source
// of its snapshot, nil when there is none, for [unchanged]. Its errors
// are [openDir]'s to report.
func readSnapshotSource(path string) (*migrationsDir, []byte, error) {
	dir, err := readDir(path)
	if err != nil || dir.sharedNumber() {
		return nil, nil, errors.New("makemigrations: the migrations directory needs checking")
	}
	src, err := os.ReadFile(filepath.Join(path, snapshot.FileName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	return dir, src, nil
}

// unchanged reports whether src, the source of the snapshot of dir, is
// the snapshot of models at dir's latest migration, as [snapshot.Encode]
// writes it. Since decoding what Encode writes gives back what it was
// given, the snapshot then decodes to the schema of the models, its head
// is the latest migration, and there is nothing to migrate.
func unchanged(dir *migrationsDir, src []byte, models *load.Result) bool {
	if len(src) == 0 {
		return false
	}
	want, err := snapshot.Encode(dir.pkg, &snapshot.File{Head: dir.latest(), Schema: models.Schema, Models: models.Models})
	return err == nil && bytes.Equal(src, want)
}

// makeFrom is [Make] on the migrations directory dir, whose snapshot is
// snap, with the sets it includes.
func makeFrom(ctx context.Context, cfg Config, dir *migrationsDir, snap *snapshot.File, sets []includedSet) (*Result, error) {
	if len(cfg.Models) == 0 {
		return nil, errors.New("makemigrations: no model packages given (--models)")
	}
	models, err := load.ModelsWith(ctx, cfg.Dir, externalTables(sets), cfg.Models...)
	if err != nil {
		return nil, err
	}
	return makeWith(cfg, dir, snap, models, sets)
}

// makeWith is [makeFrom] with the models loaded. The tables of sets are
// on both sides of the comparison, as they are today: what changed in
// them is their own migrations' business.
func makeWith(cfg Config, dir *migrationsDir, snap *snapshot.File, models *load.Result, sets []includedSet) (*Result, error) {
	old, err := oldWithSets(snap.Schema, sets)
	if err != nil {
		return nil, err
	}
	plan, err := diff.Compare(old, withSets(models.Schema, sets), hints(models, snap.Models))
	if err != nil {
		return nil, fmt.Errorf("makemigrations: %w", err)
	}
	if plan.Empty() {
		return &Result{Plan: plan, Before: old}, nil
	}
	var refused *GuardError
	if guarded := plan.Guarded(); len(guarded) > 0 && !cfg.Force {
		refused = &GuardError{Changes: guarded, Renames: plan.Warnings}
		if !cfg.Preview {
			return nil, refused
		}
	}
	name := cfg.Name
	switch {
	case name != "":
	case len(sets) > 0 && dir.latest() == "":
		name = "initial" // the old schema holds the sets' tables only
	default:
		name = plan.Name()
	}
	id, err := dir.nextID(name)
	if err != nil {
		return nil, err
	}
	dialects, err := DialectsNamed(cfg.Dialects)
	if err != nil {
		return nil, fmt.Errorf("makemigrations: %w", err)
	}
	res, err := build(dir, id, old, plan, models.Models, models.Offline, dialects, sets)
	if err != nil {
		return nil, err
	}
	res.Refused = refused
	return res, nil
}

// build renders on each of dialects and encodes the migration id that
// carries out plan on old, and the snapshot after it, which records the
// tables' model structs. offline names the tables whose models carry
// //strata:offline.
func build(dir *migrationsDir, id string, old *schema.Schema, plan *diff.Plan, models map[string]string, offline []string, dialects []dialect.Dialect, sets []includedSet) (*Result, error) {
	up := plan.Ops()
	after := old.Fork() // Apply copies what it changes: old stays as it is
	if err := after.ApplyAll(up); err != nil {
		return nil, fmt.Errorf("makemigrations: the plan does not apply to the snapshot (a strata bug): %w", err)
	}
	res := &Result{ID: id, Plan: plan, Before: old, SQL: map[string][]dialect.Step{}}
	plain := offlineTables(offline, up, plan.Down)
	for _, d := range dialects {
		res.Dialects = append(res.Dialects, d.Name())
		if o, ok := d.(dialect.Offliner); ok && len(plain) > 0 {
			d = o.Offline(plain...)
		}
		steps, err := renderOn(d, id, old, after, up, plan.Down)
		if err != nil {
			return nil, err
		}
		res.SQL[d.Name()] = steps
	}
	res.DependsOn = dependsOn(sets, up)
	migration, err := emitMigration(dir.pkg, id, plan, plain, res.DependsOn)
	if err != nil {
		return nil, err
	}
	snap, err := snapshot.Encode(dir.pkg, &snapshot.File{Head: id, Schema: withoutSets(after, sets), Models: models})
	if err != nil {
		return nil, fmt.Errorf("makemigrations: %w", err)
	}
	res.Files = []files.File{
		{Path: filepath.Join(dir.path, id+".go"), Content: migration},
		{Path: filepath.Join(dir.path, snapshot.FileName), Content: snap},
	}
	return res, nil
}

// renderOn renders migration id on d: its Up, ops, from old, which it
// returns, and its Down from after, the schema Up leaves, to check that
// the migration can be reverted.
func renderOn(d dialect.Dialect, id string, old, after *schema.Schema, up, down []schema.Operation) ([]dialect.Step, error) {
	steps, err := d.Render(old, up)
	if err != nil {
		return nil, fmt.Errorf("makemigrations: migration %s cannot run on %s: %w\n%s", id, d.Name(), err, waysOut(d.Name()))
	}
	if _, err := d.Render(after, down); err != nil {
		return nil, fmt.Errorf("makemigrations: migration %s cannot be reverted on %s: %w\n%s", id, d.Name(), err, waysOut(d.Name()))
	}
	return steps, nil
}

// waysOut says what to do about a change that an engine the project
// targets cannot build.
func waysOut(engine string) string {
	return "change the models so that " + engine + " can build them, or, if the project does not run on " + engine +
		", leave it out of makemigrations --dialects in the //go:generate line (the default is " +
		strings.Join(DefaultDialects, ",") + ")"
}

// emitMigration returns the file of migration id, which carries out plan,
// for package pkg, with a note above each destructive operation, and the
// tables whose changes keep their plain form.
func emitMigration(pkg, id string, plan *diff.Plan, offline, dependsOn []string) ([]byte, error) {
	notes := map[int]string{}
	for i, c := range plan.Up {
		var note []string
		if c.Destructive != "" {
			note = append(note, "Destructive: "+c.Destructive+".")
		}
		if c.Rewrites != "" {
			reason := diff.RewritesReason(c.Rewrites)
			note = append(note, strings.ToUpper(reason[:1])+reason[1:]+".")
		}
		if len(note) > 0 {
			notes[i] = strings.Join(note, "\n")
		}
	}
	migration, err := emit.Migration(emit.File{Package: pkg, ID: id, DependsOn: dependsOn, Up: plan.Ops(), Notes: notes, Down: plan.Down, Offline: offline})
	if err != nil {
		return nil, fmt.Errorf("makemigrations: %w", err)
	}
	return migration, nil
}

// GuardError is returned by [Make] when the migration would lose data or
// could fail on existing rows and Config.Force is not set.
type GuardError struct {
	// Changes are the changes the guard refuses, each with its reason.
	Changes []diff.Change
	// Renames are the plan's warnings: a dropped and an added column or
	// table of the same definition, with the renamed_from hint that makes
	// them a rename. The message puts them first, since adding the hint
	// is usually the fix, and --force the wrong one.
	Renames []string
}

func (e *GuardError) Error() string {
	var b strings.Builder
	kind := "destructive change(s)"
	for _, c := range e.Changes {
		if c.Rewrites != "" {
			kind = "change(s) that lose data, may fail on existing rows or rewrite a table,"
		}
	}
	fmt.Fprintf(&b, "makemigrations: refusing %d %s without --force", len(e.Changes), kind)
	if len(e.Renames) > 0 {
		b.WriteString(".\nFirst, if you renamed something, say so, and its data stays:")
		for _, w := range e.Renames {
			fmt.Fprintf(&b, "\n  %s", w)
		}
		b.WriteString("\nThe guarded change(s):")
	} else {
		b.WriteString(":")
	}
	for _, c := range e.Changes {
		reasons := []string{}
		if c.Destructive != "" {
			reasons = append(reasons, c.Destructive)
		}
		if c.Rewrites != "" {
			reasons = append(reasons, diff.RewritesReason(c.Rewrites)+" (fine on a small table, or in a window of downtime)")
		}
		fmt.Fprintf(&b, "\n  %s: %s", c.Op, strings.Join(reasons, "; "))
	}
	b.WriteString("\nIf this is what you mean, run again with --force (under go generate, which cannot pass flags: " +
		"STRATA_FORCE=1 go generate ./...); the migration will mark these operations.")
	return b.String()
}

// openDir reads the migrations directory path and its snapshot, and checks
// that they agree: the snapshot's head is the latest migration, and no two
// migrations share a number.
func openDir(path string) (*migrationsDir, *snapshot.File, error) {
	return openDirWith(path, nil)
}

// openDirWith is [openDir] for a migrations package that includes sets,
// whose tables, external, the snapshot's foreign keys may reference.
func openDirWith(path string, external *schema.Schema) (*migrationsDir, *snapshot.File, error) {
	dir, err := readDir(path)
	if err != nil {
		return nil, nil, err
	}
	if dir.sharedNumber() {
		return nil, nil, historyProblems(path)
	}
	snap, err := snapshot.ReadWith(path, external)
	if err != nil {
		// An unfinished merge breaks the snapshot; say so rather than
		// where its Go stops parsing.
		if _, herr := history.Read(path); herr != nil {
			return nil, nil, fmt.Errorf("makemigrations: %w", herr)
		}
		return nil, nil, err
	}
	if snap.Head != dir.latest() {
		return nil, nil, headMismatch(path, snap.Head, dir)
	}
	return dir, snap, nil
}

// historyProblems returns what [history.Read] finds wrong in dir.
func historyProblems(dir string) error {
	if _, err := history.Read(dir); err != nil {
		return fmt.Errorf("makemigrations: %w", err)
	}
	return errors.New("makemigrations: two migrations share a number; run strata check")
}

// headMismatch explains why the snapshot's head is not the latest
// migration file of dir, and names the command that sets it right.
func headMismatch(path, head string, dir *migrationsDir) error {
	latest := dir.latest()
	switch {
	case latest == "":
		return fmt.Errorf("makemigrations: %s names head %s, but no migration file is left; "+
			"if you deleted migrations that no database applied, run strata adopt to empty the snapshot, "+
			"otherwise restore %s.go from version control", snapshot.FileName, head, head)
	case head == "":
		return fmt.Errorf("makemigrations: migration %s exists but %s is missing or names no head; "+
			"restore it from version control, or run strata adopt to rebuild it from the migrations", latest, snapshot.FileName)
	case !slices.Contains(dir.ids, head):
		return fmt.Errorf("makemigrations: %s names head %s, whose file is gone (the latest migration is %s).\n"+
			"If you deleted a migration that no database applied, run strata adopt to rebuild the snapshot from the migrations that remain "+
			"(strata makemigrations --undo removes the latest migration and does both); otherwise restore %s.go from version control",
			snapshot.FileName, head, latest, head)
	}
	h, err := history.Read(path)
	if err != nil {
		return fmt.Errorf("makemigrations: %w", err)
	}
	var byHand, byStrata []string
	for _, m := range h.Migrations {
		if m.ID <= head {
			continue
		}
		if m.Generated {
			byStrata = append(byStrata, m.ID+".go")
		} else {
			byHand = append(byHand, m.ID+".go")
		}
	}
	if len(byStrata) == 0 {
		return fmt.Errorf("makemigrations: %w: %s, after %s, which %s names.\n"+
			"Run strata adopt to make the last of them the head: strata replays their operations into the snapshot "+
			"(a RunSQL that changes the schema lists what it stands for in Declares); then run makemigrations again",
			errHandWritten, strings.Join(byHand, ", "), head, snapshot.FileName)
	}
	return fmt.Errorf("makemigrations: %s names head %s, but %s, written by strata makemigrations, came after it: "+
		"the snapshot is older than the migrations, as when a merge kept the other branch's %s.\n"+
		"If you merged another branch, run strata rebase to put this branch's migrations after the other's; "+
		"otherwise run strata adopt to rebuild the snapshot from every migration. Then run makemigrations again",
		snapshot.FileName, head, strings.Join(byStrata, ", "), snapshot.FileName)
}

// hints returns the migration hints of the models: their renamed_from,
// backfill= and using= options, the renamed_from of enum values, and the
// model structs behind the tables, before (as the snapshot records them)
// and now.
func hints(models *load.Result, before map[string]string) diff.Hints {
	h := diff.Hints{
		Backfill: models.Backfill,
		Using:    models.Using,
		Models:   diff.Models{Old: before, New: models.Models},
	}
	for _, r := range models.Renames {
		h.Renames = append(h.Renames, diff.Rename{Table: r.Table, Column: r.Column, From: r.From})
	}
	for _, r := range models.EnumRenames {
		h.EnumRenames = append(h.EnumRenames, diff.EnumRename{Enum: r.Enum, Value: r.Value, From: r.From})
	}
	return h
}

var nameRe = regexp.MustCompile(`[^a-z0-9]+`)

// cleanName turns a user-given migration name into [a-z0-9_]+.
func cleanName(name string) string {
	return strings.Trim(nameRe.ReplaceAllString(strings.ToLower(name), "_"), "_")
}
