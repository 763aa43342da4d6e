package generator

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/generator/snapshot"
)

// migrationsDir is what makemigrations needs to know of the migrations
// directory before it adds a migration to it.
type migrationsDir struct {
	path string
	pkg  string   // the package clause of its Go files
	ids  []string // ids of the migration files, sorted
	// set is the name of the set its Migrator is, made by runtime.NewSet;
	// "" for an app's own.
	set string
}

// readDir reads the migrations directory: its package name, its migration
// files, and whether it declares the Migrator the migration files register
// with.
func readDir(path string) (*migrationsDir, error) {
	entries, err := os.ReadDir(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("makemigrations: no migrations directory %s: run strata init first", path)
	}
	if err != nil {
		return nil, fmt.Errorf("makemigrations: %w", err)
	}
	d := &migrationsDir{path: path}
	fset := token.NewFileSet()
	hasMigrator := false
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		// Migration files and the snapshot are read up to their package
		// clause: a run with nothing to do must not cost more as the
		// history grows. The other files, generate.go among them, are
		// read whole, for the Migrator.
		mode := parser.SkipObjectResolution
		if id, ok := history.MigrationID(name); ok {
			d.ids = append(d.ids, id)
			mode = parser.PackageClauseOnly
		} else if name == snapshot.FileName {
			mode = parser.PackageClauseOnly // generated: it declares no Migrator
		}
		f, err := parser.ParseFile(fset, filepath.Join(path, name), nil, mode)
		if err != nil {
			return nil, fmt.Errorf("makemigrations: %w", err)
		}
		if d.pkg != "" && d.pkg != f.Name.Name {
			return nil, fmt.Errorf("makemigrations: %s holds packages %s and %s; keep one package in the migrations directory", path, d.pkg, f.Name.Name)
		}
		d.pkg = f.Name.Name
		if ok, set := declaresMigrator(f); ok {
			hasMigrator, d.set = true, set
		}
	}
	if !hasMigrator {
		return nil, fmt.Errorf("makemigrations: %s declares no Migrator: run strata init, or add\n\tvar Migrator = runtime.NewMigrator()\n"+
			"to a file of the package (runtime is github.com/strata-go/strata/runtime)", path)
	}
	slices.Sort(d.ids)
	return d, nil
}

// declaresMigrator reports whether f declares a package-level Migrator,
// and the name of its set when its value is runtime.NewSet("NAME").
func declaresMigrator(f *ast.File) (bool, string) {
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.VAR {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for k, n := range vs.Names {
				if n.Name == "Migrator" {
					return true, setName(vs, k)
				}
			}
		}
	}
	return false, ""
}

// setName returns NAME when the k-th value of vs is a call of
// runtime.NewSet("NAME"), and "" otherwise.
func setName(vs *ast.ValueSpec, k int) string {
	if k >= len(vs.Values) {
		return ""
	}
	call, ok := vs.Values[k].(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return ""
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "NewSet" {
		return ""
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return ""
	}
	name, err := strconv.Unquote(lit.Value)
	if err != nil {
		return ""
	}
	return name
}

// sharedNumber reports whether two migration files have the same number,
// as two branches that each added one leave them.
func (d *migrationsDir) sharedNumber() bool {
	seen := map[int]bool{}
	for _, id := range d.ids {
		n, err := history.Number(id)
		if err != nil || seen[n] {
			return true // history.Read says which, and why
		}
		seen[n] = true
	}
	return false
}

// latest returns the id of the last migration file, or "".
func (d *migrationsDir) latest() string {
	if len(d.ids) == 0 {
		return ""
	}
	return d.ids[len(d.ids)-1]
}

// nextID returns the id of a new migration called name: the next sequence
// number, zero-padded to four digits, then the name.
func (d *migrationsDir) nextID(name string) (string, error) {
	name = cleanName(name)
	if name == "" {
		return "", errors.New("makemigrations: the migration name has no letters or digits; pass another --name")
	}
	next := 1
	if last := d.latest(); last != "" {
		n, err := history.Number(last)
		if err != nil {
			return "", fmt.Errorf("makemigrations: %w", err)
		}
		next = n + 1
	}
	return fmt.Sprintf("%04d_%s", next, name), nil
}
