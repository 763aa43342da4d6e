package generator

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

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
}

// loadSets reads the sets whose migrations packages patterns name,
// resolved in dir: each must be a migrations directory whose Migrator is
// made by runtime.NewSet, with a snapshot at its latest migration. Two
// sets may not make one table.
func loadSets(ctx context.Context, dir string, patterns []string) ([]includedSet, error) {
	if len(patterns) == 0 {
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
		sets = append(sets, includedSet{Path: pkg.PkgPath, Name: d.set, Head: snap.Head, Schema: snap.Schema})
	}
	slices.SortFunc(sets, func(a, b includedSet) int { return strings.Compare(a.Name, b.Name) })
	for k := 1; k < len(sets); k++ {
		if sets[k].Name == sets[k-1].Name {
			return nil, fmt.Errorf("makemigrations: --include: %s and %s are both set %q", sets[k-1].Path, sets[k].Path, sets[k].Name)
		}
	}
	return sets, nil
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
// It returns s itself when there is no set.
func withSets(s *schema.Schema, sets []includedSet) *schema.Schema {
	if len(sets) == 0 {
		return s
	}
	all := s.Clone()
	for _, set := range sets {
		all.Tables = append(all.Tables, set.Schema.Tables...)
		for _, e := range set.Schema.Enums {
			if all.Enum(e.Name) == nil {
				all.Enums = append(all.Enums, e)
			}
		}
	}
	all.Normalize()
	return all
}

// withoutSets returns s without the tables and enums of sets: the schema
// the migrations package's snapshot records. It returns s itself when
// there is no set.
func withoutSets(s *schema.Schema, sets []includedSet) *schema.Schema {
	if len(sets) == 0 {
		return s
	}
	own := s.Fork()
	own.Tables = slices.DeleteFunc(slices.Clone(own.Tables), func(t schema.Table) bool {
		return slices.ContainsFunc(sets, func(set includedSet) bool { return set.Schema.Table(t.Name) != nil })
	})
	own.Enums = slices.DeleteFunc(slices.Clone(own.Enums), func(e schema.Enum) bool {
		return slices.ContainsFunc(sets, func(set includedSet) bool { return set.Schema.Enum(e.Name) != nil })
	})
	return own
}

// dependsOn returns the qualified IDs of the latest migration of each of
// sets that has one: what a migration made now depends on, so that a
// fresh database runs it against the schema it was made against.
func dependsOn(sets []includedSet) []string {
	var ids []string
	for _, s := range sets {
		if s.Head != "" {
			ids = append(ids, s.Name+"/"+s.Head)
		}
	}
	return ids
}

// setTables returns the schema of the tables and enums of sets, nil when
// there is none.
func setTables(sets []includedSet) *schema.Schema {
	if len(sets) == 0 {
		return nil
	}
	return withSets(&schema.Schema{}, sets)
}
