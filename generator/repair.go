package generator

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/generator/files"
	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/generator/snapshot"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// Change is a change to the migrations directory that is not a new
// migration from the models: the snapshot rebuilt, a migration removed, a
// hand-written migration's skeleton added. It is computed and checked in
// memory; [Change.Write] applies it, all of it or none.
type Change struct {
	// Head is the ID of the migration the snapshot names after the change,
	// "" when no migration is left.
	Head string
	// Files are the files written, and removed, by the change.
	Files []files.File
}

// Write writes and removes the change's files, all of them or, on
// failure, none.
func (c *Change) Write() error { return files.WriteAll(c.Files) }

// Adopt rebuilds the snapshot of the migrations directory dir from its
// migration files: it replays the operations of every migration, read
// from their source and never run, hand-written steps by what their
// RunSQL declares, and names the last migration the head. It is the way
// out when the snapshot and the files disagree: a migration written by
// hand after the head, a migration deleted, a merge that kept the other
// branch's snapshot. The model struct of each table that remains is kept
// from the snapshot it replaces.
func Adopt(dir string) (*Change, error) {
	return AdoptIncluding(context.Background(), Config{Dir: dir})
}

// AdoptIncluding is [Adopt] for the migrations directory cfg.Dir of a
// package that includes the sets of cfg.Includes (with the tables of
// cfg.Replaces in place of theirs): its migrations replay with theirs, in
// the order the runtime runs them.
func AdoptIncluding(ctx context.Context, cfg Config) (*Change, error) {
	d, err := readDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	h, err := history.Read(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("adopt: %w", err)
	}
	sets, err := loadSets(ctx, cfg.Dir, cfg.Includes, cfg.Replaces)
	if err != nil {
		return nil, err
	}
	return rebuild(d, h, len(h.Migrations), nil, sets)
}

// Undo removes the latest migration of dir, which makemigrations must have
// written (a hand-written one is the user's to delete), and rebuilds the
// snapshot from the migrations before it, by replay. It cannot tell
// whether a database applied the migration: revert it there first
// (migrate down), or the database keeps a migration the code no longer
// has.
func Undo(dir string) (*Change, error) {
	return UndoIncluding(context.Background(), Config{Dir: dir})
}

// UndoIncluding is [Undo] for a package that includes the sets of
// cfg.Includes (see [AdoptIncluding]).
func UndoIncluding(ctx context.Context, cfg Config) (*Change, error) {
	dir := cfg.Dir
	sets, err := loadSets(ctx, dir, cfg.Includes, cfg.Replaces)
	if err != nil {
		return nil, err
	}
	if err := settle(dir, sets); err != nil {
		return nil, err
	}
	d, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	h, err := history.Read(dir)
	if err != nil {
		return nil, fmt.Errorf("undo: %w", err)
	}
	if len(h.Migrations) == 0 {
		return nil, fmt.Errorf("undo: %s holds no migration to remove", dir)
	}
	last := h.Migrations[len(h.Migrations)-1]
	if !last.Generated {
		return nil, fmt.Errorf("undo: %s was not written by strata makemigrations; delete it yourself if you mean to, then run strata adopt", last.Path)
	}
	if len(last.Replaces) > 0 {
		return nil, fmt.Errorf("undo: %s is a squash, whose migrations are gone: restore them from version control (git), remove it, then run strata adopt", last.Path)
	}
	snap, err := snapshot.ReadWith(dir, wasTables(sets))
	if err != nil {
		return nil, fmt.Errorf("undo: %w", err)
	}
	if snap.Head != last.ID {
		return nil, fmt.Errorf("undo: %s names head %s, not the latest migration %s; run strata adopt first", snapshot.FileName, snap.Head, last.ID)
	}
	return rebuild(d, h, len(h.Migrations)-1, []string{last.Path}, sets)
}

// rebuild returns the change that leaves the first n migrations of h in
// d, with the snapshot they build (with those of sets, which the package
// includes), removing the files remove.
func rebuild(d *migrationsDir, h *history.History, n int, remove []string, sets []includedSet) (*Change, error) {
	head := ""
	s := &schema.Schema{}
	var ext *schema.Schema
	if n > 0 {
		head = h.Migrations[n-1].ID
		replayed, at, err := replayWithSets(&history.History{Dir: h.Dir, Migrations: h.Migrations[:n]}, sets)
		if err != nil {
			return nil, fmt.Errorf("the migrations do not replay: %w", err)
		}
		s, ext = withoutSets(replayed, at), withSets(&schema.Schema{}, at)
	}
	content, err := snapshot.Encode(d.pkg, &snapshot.File{Head: head, Schema: s, Models: keptModels(d.path, s, ext)})
	if err != nil {
		return nil, err
	}
	c := &Change{Head: head}
	for _, p := range remove {
		c.Files = append(c.Files, files.File{Path: p, Remove: true})
	}
	c.Files = append(c.Files, files.File{Path: filepath.Join(d.path, snapshot.FileName), Content: content})
	return c, nil
}

// keptModels returns the model structs the snapshot in dir records for the
// tables of s, or nil when it records none or cannot be read: the
// snapshot is being rebuilt because it may be out of step, and the
// structs only help follow a later table rename.
func keptModels(dir string, s, external *schema.Schema) map[string]string {
	old, err := snapshot.ReadWith(dir, external)
	if err != nil || old.Models == nil {
		return nil
	}
	kept := maps.Clone(old.Models)
	maps.DeleteFunc(kept, func(table, _ string) bool { return s.Table(table) == nil })
	return kept
}

// errHandWritten is wrapped by the error that stops makemigrations when
// migrations written by hand follow the snapshot's head.
var errHandWritten = errors.New("migrations written by hand follow the snapshot's head")

// Empty adds a migration for steps written by hand to the migrations
// directory dir: a skeleton with a RunSQL per dialect, its reverse in
// Down, and a RunGo, for the user to fill in. The snapshot's schema stays
// as it is and its head moves to the new migration, so makemigrations
// goes on from there. name names the migration; "" means "hand_written".
func Empty(dir, name string) (*Change, error) {
	d, snap, err := openDir(dir)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "hand_written"
	}
	id, err := d.nextID(name)
	if err != nil {
		return nil, err
	}
	migration, err := skeleton(d.pkg, id)
	if err != nil {
		return nil, err
	}
	content, err := snapshot.Encode(d.pkg, &snapshot.File{Head: id, Schema: snap.Schema, Models: snap.Models})
	if err != nil {
		return nil, err
	}
	return &Change{Head: id, Files: []files.File{
		{Path: filepath.Join(d.path, id+".go"), Content: migration},
		{Path: filepath.Join(d.path, snapshot.FileName), Content: content},
	}}, nil
}

// InconsistentError is returned by [Check] when the migrations directory
// disagrees with itself: migrations that cannot be read or share a number,
// an unfinished merge, a snapshot that names another head, or migrations
// that do not replay to the snapshot.
type InconsistentError struct {
	Err error
}

func (e *InconsistentError) Error() string { return "check: " + e.Err.Error() }

func (e *InconsistentError) Unwrap() error { return e.Err }

// Check verifies, without a database, that the models, the migrations and
// the snapshot agree: every migration reads (from source, never run), no
// two share a number, the snapshot names the latest as its head, replaying
// them all gives the snapshot's schema, every one renders on each dialect
// of cfg.Dialects, and the models match the snapshot.
// Disagreement within the directory is an [*InconsistentError]. When the
// models differ from the snapshot, the result is the migration
// makemigrations would write (see [Result.NoChanges]); destructive changes
// are included, not refused.
func Check(ctx context.Context, cfg Config) (*Result, error) {
	h, err := history.Read(cfg.Dir)
	if err != nil {
		return nil, &InconsistentError{Err: err}
	}
	sets, err := loadSets(ctx, cfg.Dir, cfg.Includes, cfg.Replaces)
	if err != nil {
		return nil, err
	}
	if err := settle(cfg.Dir, sets); err != nil {
		return nil, err
	}
	_, snap, err := openDirWith(cfg.Dir, wasTables(sets))
	if err != nil {
		return nil, &InconsistentError{Err: err}
	}
	replayed, at, err := replayWithSets(h, sets)
	if err != nil {
		return nil, &InconsistentError{Err: fmt.Errorf("the migrations do not replay: %w", err)}
	}
	plan, err := diff.Compare(withoutReplacedKeys(replayed, at), withSets(snap.Schema, at), diff.Hints{})
	if err != nil {
		return nil, &InconsistentError{Err: fmt.Errorf("replaying the migrations: %w", err)}
	}
	if !plan.Empty() {
		var b strings.Builder
		fmt.Fprintf(&b, "%s does not hold the schema the migrations build; to turn one into the other:", snapshot.FileName)
		for _, c := range plan.Up {
			fmt.Fprintf(&b, "\n  %s", c.Op)
		}
		b.WriteString("\nRun strata adopt to rebuild the snapshot from the migrations (a RunSQL that changes the schema lists what it stands for in Declares)")
		return nil, &InconsistentError{Err: errors.New(b.String())}
	}
	dialects, err := DialectsNamed(cfg.Dialects)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	if err := renderHistory(h, dialects, sets); err != nil {
		return nil, err
	}
	cfg.Preview = true
	return Make(ctx, cfg)
}

// renderHistory renders the Up of every migration of h, from the schema
// the ones before it leave (with those of sets, in the order the runtime
// runs them), on each of dialects, and returns the first that does not
// render: a migration written before the project named an engine, or by
// hand, that the engine cannot run.
func renderHistory(h *history.History, dialects []dialect.Dialect, sets []includedSet) error {
	_, _, err := replayVisiting(h, sets, func(m history.Migration, s *schema.Schema) error {
		up := slices.Clone(m.Up)
		for i, op := range up {
			if run, ok := op.(schema.RunGo); ok && run.Func == nil {
				up[i] = schema.RunGo{Func: func(context.Context, *sql.Tx) error { return nil }} // code, which check does not read
			}
		}
		for _, d := range dialects {
			if _, err := d.Render(s, up); err != nil {
				return &renderError{fmt.Errorf("check: %s: migration %s cannot run on %s: %w\n%s", m.Path, m.ID, d.Name(), err, waysOut(d.Name()))}
			}
		}
		return nil
	})
	var re *renderError
	switch {
	case errors.As(err, &re):
		return re.err
	case err != nil:
		return &InconsistentError{Err: fmt.Errorf("the migrations do not replay: %w", err)}
	}
	return nil
}

// renderError is a migration that does not render, which renderHistory
// reports as it is.
type renderError struct{ err error }

func (e *renderError) Error() string { return e.err.Error() }
