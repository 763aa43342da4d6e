package generator

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/runtime/schema"
)

// includedSet is a set of migrations that the migrations package
// includes (runtime's Migrator.Include), as makemigrations reads it from
// its migrations package: never written to.
type includedSet struct {
	// Path is the import path of its migrations package.
	Path string
	// Name is the set's name, which qualifies its IDs.
	Name string
	// Head is the ID of its latest migration, "" when it has none.
	Head string
	// Schema is the schema its migrations build, from its snapshot.
	Schema *schema.Schema
	// History is its migrations, read from their files.
	History *history.History
	// WasHead and Was are the set's migration that the package's latest
	// migration depends on, and the schema the set's migrations build up
	// to it; Head and Schema when the package depends on no earlier one
	// (see [settle]).
	WasHead string
	Was     *schema.Schema
	// replaced names the tables of the package's own that take the place
	// of tables of the set (Config.Replaces).
	replaced []string
}

// loadSets reads the sets whose migrations packages patterns name,
// resolved in dir: each must be a migrations directory whose Migrator is
// made by runtime.NewSet, with a snapshot at its latest migration. Two
// sets may not make one table.
func loadSets(ctx context.Context, dir string, patterns, replaces []string) ([]includedSet, error) {
	if len(patterns) == 0 {
		if len(replaces) > 0 {
			return nil, errors.New("makemigrations: --replace puts a table in the place of one of an included set's: name the set with --include")
		}
		return nil, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("makemigrations: %w", err)
	}
	pkgs, err := packages.Load(&packages.Config{Context: ctx, Dir: abs, Mode: packages.NeedName | packages.NeedFiles}, patterns...)
	if err != nil {
		return nil, fmt.Errorf("makemigrations: --include: %w", err)
	}
	var sets []includedSet
	owner := map[string]string{} // table -> set
	for _, pkg := range pkgs {
		if len(pkg.Errors) > 0 {
			return nil, fmt.Errorf("makemigrations: --include %s: %w", pkg.PkgPath, pkg.Errors[0])
		}
		if len(pkg.GoFiles) == 0 {
			return nil, fmt.Errorf("makemigrations: --include %s: no Go files", pkg.PkgPath)
		}
		d, snap, err := openDir(filepath.Dir(pkg.GoFiles[0]))
		if err != nil {
			return nil, fmt.Errorf("makemigrations: --include %s: %w", pkg.PkgPath, err)
		}
		if d.set == "" {
			return nil, fmt.Errorf("makemigrations: --include %s: its Migrator is not a set: a package of models that apps include declares\n"+
				"\tvar Migrator = runtime.NewSet(\"NAME\")\n(strata init --set NAME writes it)", pkg.PkgPath)
		}
		for _, t := range snap.Schema.Tables {
			if other, ok := owner[t.Name]; ok {
				return nil, fmt.Errorf("makemigrations: --include: sets %s and %s both make table %s", other, d.set, t.Name)
			}
			owner[t.Name] = d.set
		}
		h, err := history.Read(d.path)
		if err != nil {
			return nil, fmt.Errorf("makemigrations: --include %s: %w", pkg.PkgPath, err)
		}
		sets = append(sets, includedSet{Path: pkg.PkgPath, Name: d.set, Head: snap.Head, Schema: snap.Schema, History: h, WasHead: snap.Head, Was: snap.Schema})
	}
	for _, r := range replaces {
		table, by, ok := strings.Cut(r, "=")
		if !ok || table == "" || by == "" || table == by {
			return nil, fmt.Errorf("makemigrations: --replace %q: write TABLE=BY, a table of an included set and the package's own that takes its place", r)
		}
		k := slices.IndexFunc(sets, func(s includedSet) bool { return s.Schema.Table(table) != nil })
		if k < 0 {
			return nil, fmt.Errorf("makemigrations: --replace %s: no included set makes table %s", r, table)
		}
		if err := sets[k].replace(table, by); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(sets, func(a, b includedSet) int { return strings.Compare(a.Name, b.Name) })
	for k := 1; k < len(sets); k++ {
		if sets[k].Name == sets[k-1].Name {
			return nil, fmt.Errorf("makemigrations: --include: %s and %s are both set %q", sets[k-1].Path, sets[k].Path, sets[k].Name)
		}
	}
	return sets, nil
}

// replace puts by, a table of the package's own, in the place of table in
// s, as runtime's Migrator.Replacing does at run time: its schema and its
// migrations leave table out, and their foreign keys to it reference by.
func (s *includedSet) replace(table, by string) error {
	s.Schema = schema.ReplaceTableIn(s.Schema, table, by)
	s.Was = s.Schema
	h := &history.History{Dir: s.History.Dir, Migrations: slices.Clone(s.History.Migrations)}
	for k, m := range h.Migrations {
		up, err := schema.ReplaceTable(m.Up, table, by)
		if err != nil {
			return fmt.Errorf("makemigrations: --replace %s=%s: migration %s/%s: %w", table, by, s.Name, m.ID, err)
		}
		h.Migrations[k].Up = up
	}
	s.History = h
	s.replaced = append(s.replaced, by)
	return nil
}

// externalTables returns the tables of sets, for the models to reference.
func externalTables(sets []includedSet) []load.ExternalTable {
	var ext []load.ExternalTable
	for _, s := range sets {
		for _, t := range s.Schema.Tables {
			ext = append(ext, load.ExternalTable{Set: s.Name, Table: t})
		}
	}
	return ext
}

// withSets returns s with the tables and enums of sets added: the schema
// the database holds where the migrations package's own migrations run.
// A table of s that a set makes too is an extension of the set's table
// (//strata:extend): its columns, indexes and constraints are added to the
// set's. It returns s itself when there is no set.
func withSets(s *schema.Schema, sets []includedSet) *schema.Schema {
	if len(sets) == 0 {
		return s
	}
	all := s.Clone()
	for _, set := range sets {
		for _, t := range set.Schema.Tables {
			t = withoutKeysTo(t, set.replaced)
			if i := slices.IndexFunc(all.Tables, func(own schema.Table) bool { return own.Name == t.Name }); i >= 0 {
				all.Tables[i] = extended(t, all.Tables[i])
				continue
			}
			all.Tables = append(all.Tables, t.Clone())
		}
		for _, e := range set.Schema.Enums {
			if all.Enum(e.Name) == nil {
				all.Enums = append(all.Enums, e)
			}
		}
	}
	all.Normalize()
	return all
}

// withoutKeysTo returns t, a table of a set, without its foreign keys to
// the tables of tables: those the package makes in the place of tables of
// the set (Config.Replaces). The set's migrations make those keys, after
// the package's migration that makes the table, so the comparison of the
// package's schemas leaves them out.
func withoutKeysTo(t schema.Table, tables []string) schema.Table {
	if len(tables) == 0 || !slices.ContainsFunc(t.ForeignKeys, func(fk schema.ForeignKey) bool { return slices.Contains(tables, fk.RefTable) }) {
		return t
	}
	t = t.Clone()
	t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk schema.ForeignKey) bool { return slices.Contains(tables, fk.RefTable) })
	return t
}

// withoutReplacedKeys returns s, the schema the package's migrations and
// those of sets build, without the sets' foreign keys to the tables the
// package puts in the place of theirs (see [withoutKeysTo]).
func withoutReplacedKeys(s *schema.Schema, sets []includedSet) *schema.Schema {
	out := s.Clone()
	for _, set := range sets {
		for i, t := range out.Tables {
			if set.Schema.Table(t.Name) != nil {
				out.Tables[i] = withoutKeysTo(t, set.replaced)
			}
		}
	}
	return out
}

// extended returns base, a set's table, with what ext, an extension of
// it, adds.
func extended(base, ext schema.Table) schema.Table {
	t := base.Clone()
	ext = ext.Clone()
	t.Columns = append(t.Columns, ext.Columns...)
	t.Indexes = append(t.Indexes, ext.Indexes...)
	t.Uniques = append(t.Uniques, ext.Uniques...)
	t.ForeignKeys = append(t.ForeignKeys, ext.ForeignKeys...)
	t.Checks = append(t.Checks, ext.Checks...)
	return t
}

// withoutSets returns s without the tables and enums of sets: the schema
// the migrations package's snapshot records. Of a set's table that the
// package extends, it keeps what the extension adds. It returns s itself
// when there is no set.
func withoutSets(s *schema.Schema, sets []includedSet) *schema.Schema {
	if len(sets) == 0 {
		return s
	}
	own := &schema.Schema{}
	for _, t := range s.Tables {
		var base *schema.Table
		for _, set := range sets {
			if b := set.Schema.Table(t.Name); b != nil {
				base = b
			}
		}
		if base == nil {
			own.Tables = append(own.Tables, t.Clone())
		} else if ext := extensionOf(t, base); len(ext.Columns) > 0 {
			own.Tables = append(own.Tables, ext)
		}
	}
	for _, e := range s.Enums {
		if !slices.ContainsFunc(sets, func(set includedSet) bool { return set.Schema.Enum(e.Name) != nil }) {
			own.Enums = append(own.Enums, e)
		}
	}
	return own
}

// extensionOf returns what t holds beyond base, the set's table it
// extends: its columns, indexes and constraints that base does not have.
func extensionOf(t schema.Table, base *schema.Table) schema.Table {
	t = t.Clone()
	return schema.Table{
		Name:        t.Name,
		Columns:     beyond(t.Columns, base.Columns, func(c schema.Column) string { return c.Name }),
		Indexes:     beyond(t.Indexes, base.Indexes, func(ix schema.Index) string { return ix.Name }),
		Uniques:     beyond(t.Uniques, base.Uniques, func(u schema.Unique) string { return u.Name }),
		ForeignKeys: beyond(t.ForeignKeys, base.ForeignKeys, func(fk schema.ForeignKey) string { return fk.Name }),
		Checks:      beyond(t.Checks, base.Checks, func(c schema.Check) string { return c.Name }),
	}
}

// beyond returns the elements of list whose names no element of base has.
func beyond[T any](list, base []T, name func(T) string) []T {
	var out []T
	for _, x := range list {
		if !slices.ContainsFunc(base, func(b T) bool { return name(b) == name(x) }) {
			out = append(out, x)
		}
	}
	return out
}

// dependsOn returns the qualified IDs of the latest migration of each of
// sets that has one: what a migration made now, of operations up, depends
// on, so that a fresh database runs it against the schema it was made
// against. A migration that makes a table in the place of one of a set's
// does not depend on that set: the set's migrations that reference the
// table run after it.
func dependsOn(sets []includedSet, up []schema.Operation) []string {
	var ids []string
	for _, s := range sets {
		if s.Head == "" || slices.ContainsFunc(s.replaced, func(by string) bool { return schema.Creates(up, by) }) {
			continue
		}
		ids = append(ids, s.Name+"/"+s.Head)
	}
	return ids
}

// The snapshot of a migrations package that includes sets holds its own
// tables (and what it adds to the sets' tables) as they stand after its
// latest migration, with each set at the migration that one depends on:
// the database's schema at that point of the order the runtime runs them
// in. The sets may have moved on since (a library's newer release),
// renaming a table the package's keys reference, say.

// dependedOn returns, by set name, the ID of the migration of each set
// that the latest migration of h depending on the set names.
func dependedOn(h *history.History) map[string]string {
	heads := map[string]string{}
	for k := len(h.Migrations) - 1; k >= 0; k-- {
		for _, dep := range h.Migrations[k].DependsOn {
			set, id, ok := strings.Cut(dep, "/")
			if _, seen := heads[set]; ok && !seen {
				heads[set] = id
			}
		}
	}
	return heads
}

// settle sets the Was and WasHead of each of sets from the migrations of
// the package in dir: the set's migration its latest migration depending
// on the set names (see [dependedOn]). When the directory's migrations do
// not read, it leaves them as they are, for the reading of the directory
// to report.
func settle(dir string, sets []includedSet) error {
	if len(sets) == 0 {
		return nil
	}
	h, err := history.Read(dir)
	if err != nil {
		return nil //nolint:nilerr // openDir reports it, with the rest of what is wrong with dir
	}
	heads := dependedOn(h)
	for k, set := range sets {
		head, ok := heads[set.Name]
		if !ok || head == set.Head {
			continue
		}
		s, err := set.History.Replay(head)
		if err != nil {
			return fmt.Errorf("makemigrations: the latest migration depends on %s/%s, which set %s cannot rebuild: %w", set.Name, head, set.Name, err)
		}
		sets[k].Was, sets[k].WasHead = s, head
	}
	return nil
}

// wasTables returns the schema of the tables and enums of sets as the
// package's latest migration found them, nil when there is no set.
func wasTables(sets []includedSet) *schema.Schema {
	if len(sets) == 0 {
		return nil
	}
	return withSets(&schema.Schema{}, asTheyWere(sets))
}

// asTheyWere returns sets with each one's Schema and Head as the package's
// latest migration found them.
func asTheyWere(sets []includedSet) []includedSet {
	was := slices.Clone(sets)
	for k := range was {
		was[k].Schema, was[k].Head = was[k].Was, was[k].WasHead
	}
	return was
}

// oldWithSets returns the schema the database holds after the package's
// latest migration and the sets' latest, in the order the runtime runs
// them: snap, the snapshot's, with the sets as that migration found them,
// then the sets' later migrations.
func oldWithSets(snap *schema.Schema, sets []includedSet) (*schema.Schema, error) {
	if len(sets) == 0 {
		return snap, nil
	}
	s := withSets(snap, asTheyWere(sets))
	for _, set := range sets {
		if set.WasHead == set.Head {
			continue
		}
		if _, err := applyBetween(s, set, set.WasHead, ""); err != nil {
			return nil, fmt.Errorf("makemigrations: set %s does not apply after this package's migrations: %w", set.Name, err)
		}
	}
	s.Normalize()
	return s, nil
}

// applyBetween applies to s the migrations of set whose IDs sort after
// after and, when upTo is not "", no later than upTo, in order. It returns
// the ID of the last it applied, after when none, and an error that names
// the migration that does not apply.
func applyBetween(s *schema.Schema, set includedSet, after, upTo string) (string, error) {
	last := after
	for _, m := range set.History.Migrations {
		if m.ID <= after || (upTo != "" && m.ID > upTo) {
			continue
		}
		if err := s.ApplyAll(m.Up); err != nil {
			return last, fmt.Errorf("migration %s/%s: %w", set.Name, m.ID, err)
		}
		last = m.ID
	}
	return last, nil
}

// replayWithSets replays the migrations of h in the order the runtime runs
// them with those of sets: before each migration of h, the migrations of
// each set it depends on, up to the one it names. It returns the schema
// after the last migration of h, and sets as they stood then.
func replayWithSets(h *history.History, sets []includedSet) (*schema.Schema, []includedSet, error) {
	return replayVisiting(h, sets, nil)
}

// replayVisiting is [replayWithSets] that calls visit, when not nil, with
// each migration of h and the schema it runs on, before applying it.
func replayVisiting(h *history.History, sets []includedSet, visit func(history.Migration, *schema.Schema) error) (*schema.Schema, []includedSet, error) {
	s := &schema.Schema{}
	at := make([]includedSet, len(sets))
	for k, set := range sets {
		at[k] = includedSet{Name: set.Name, Path: set.Path, History: set.History, replaced: set.replaced}
	}
	for _, m := range h.Migrations {
		for _, dep := range m.DependsOn {
			set, id, _ := strings.Cut(dep, "/")
			if k := slices.IndexFunc(sets, func(s includedSet) bool { return s.Name == set }); k >= 0 && id > at[k].Head {
				var err error
				if at[k].Head, err = applyBetween(s, sets[k], at[k].Head, id); err != nil {
					return nil, nil, err
				}
			}
		}
		if visit != nil {
			if err := visit(m, s); err != nil {
				return nil, nil, err
			}
		}
		if err := s.ApplyAll(m.Up); err != nil {
			return nil, nil, fmt.Errorf("migration %s: %w", m.ID, err)
		}
	}
	for k := range at {
		sch, err := sets[k].History.Replay(at[k].Head)
		if at[k].Head == "" {
			sch, err = &schema.Schema{}, nil
		}
		if err != nil {
			return nil, nil, err
		}
		at[k].Schema = sch
	}
	s.Normalize()
	return s, at, nil
}
