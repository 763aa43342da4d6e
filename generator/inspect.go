package generator

import (
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/generator/introspect"
	"github.com/strata-go/strata/generator/modelgen"
	"github.com/strata-go/strata/internal/dburl"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// ModelsFileName is the file strata inspect and adopt --db write the
// models to.
const ModelsFileName = "models.go"

// InspectConfig says which database to read and what models to write.
type InspectConfig struct {
	// URL names the database, as the migrate command takes it.
	URL string
	// Tables, when not empty, are the only tables read.
	Tables []string
	// Package is the package name of the models file; "models" when empty.
	Package string
}

// Inspected is the models file written from a live database, not written
// to disk yet.
type Inspected struct {
	// Dialect is the database's engine, "postgres", "sqlite" or "mysql".
	Dialect string
	// Schema is the live schema, as strata's model holds it.
	Schema *schema.Schema
	// Models is the models file and what it leaves out.
	Models *modelgen.Result
}

// Inspect reads the schema of the database cfg.URL names and writes, in
// memory, model structs that strata reads back into that schema. What
// the models cannot say is listed in Models.Skipped and in the file.
// The database drivers must be registered by the caller.
func Inspect(ctx context.Context, cfg InspectConfig) (*Inspected, error) {
	target, err := dburl.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	db, err := runtime.Open(ctx, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	defer func() { _ = db.Close() }()
	read, err := introspect.Read(ctx, db, target.Dialect, cfg.Tables)
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	from := map[string]string{"postgres": "a PostgreSQL database", "sqlite": "a SQLite database", "mysql": "a MySQL database"}[target.Dialect]
	models, err := modelgen.Generate(read.Schema, modelgen.Options{Package: cfg.Package, Dialect: target.Dialect, From: from, Skipped: read.Skipped})
	if err != nil {
		return nil, fmt.Errorf("inspect: %w", err)
	}
	return &Inspected{Dialect: target.Dialect, Schema: read.Schema, Models: models}, nil
}

// PackageName returns the package name of the Go files in dir, or, when
// it holds none, a name made from the directory's base name.
func PackageName(dir string) string {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.PackageClauseOnly)
			if err == nil {
				return f.Name.Name
			}
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "models"
	}
	name := strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToLower(r)
		}
		return -1
	}, filepath.Base(abs))
	if name == "" || !unicode.IsLetter(rune(name[0])) || token.IsKeyword(name) {
		return "models"
	}
	return name
}

// AdoptDBConfig says which database to adopt and where its models and
// migrations go.
type AdoptDBConfig struct {
	// URL names the database.
	URL string
	// Tables, when not empty, are the only tables adopted.
	Tables []string
	// Dir is the migrations directory, which strata init made and which
	// holds no migration yet.
	Dir string
	// Models is the directory of the models file, relative to Dir (as
	// --models is), such as "../models".
	Models string
	// Force replaces a models file that exists already.
	Force bool
}

// Adopted is what [AdoptDB] wrote.
type Adopted struct {
	*Inspected
	// Migration is the initial migration and the snapshot, written.
	Migration *Result
	// ModelsPath is the models file written.
	ModelsPath string
	// Differences lists what the initial migration would create otherwise
	// than the database holds it, a line each: the consequences of
	// Models.Skipped. Empty when the migration is the live schema.
	Differences []string
}

// AdoptDB starts the migration history of a database that strata did not
// create: it inspects the database, writes its models file, and writes
// the initial migration, which creates the schema the models declare, and
// the snapshot after it, so that makemigrations then finds nothing to do.
// Recording the migration as applied on that database (migrate fake) is
// the caller's to say: nothing here writes to the database.
//
// The migrations directory must hold no migration yet. On failure nothing
// stays written.
func AdoptDB(ctx context.Context, cfg AdoptDBConfig) (*Adopted, error) {
	d, err := readDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if len(d.ids) > 0 {
		return nil, fmt.Errorf("adopt --db: %s holds migrations already (%s, ...); adopt --db starts the history of a database, and this one has one", cfg.Dir, d.ids[0])
	}
	modelsDir := filepath.Join(cfg.Dir, filepath.FromSlash(cfg.Models))
	path := filepath.Join(modelsDir, ModelsFileName)
	if _, err := os.Stat(path); err == nil && !cfg.Force {
		return nil, fmt.Errorf("adopt --db: %s exists already: move it away, or use --force to replace it", path)
	}
	in, err := Inspect(ctx, InspectConfig{URL: cfg.URL, Tables: cfg.Tables, Package: PackageName(modelsDir)})
	if err != nil {
		return nil, err
	}
	if len(in.Schema.Tables) == 0 {
		return nil, errors.New("adopt --db: the database has no table to adopt")
	}
	undo, err := writeModels(modelsDir, path, in.Models.Source)
	if err != nil {
		return nil, err
	}
	res, err := Make(ctx, Config{Dir: cfg.Dir, Models: []string{cfg.Models}, Name: "initial"})
	if err == nil {
		err = res.Write()
	}
	if err != nil {
		undo()
		if slices.Contains(in.Models.Imports, "github.com/google/uuid") {
			return nil, fmt.Errorf("adopt --db: %w\n(the models use github.com/google/uuid: run go get github.com/google/uuid first)", err)
		}
		return nil, fmt.Errorf("adopt --db: %w", err)
	}
	after := res.Before.Fork()
	if err := after.ApplyAll(res.Plan.Ops()); err != nil {
		return nil, fmt.Errorf("adopt --db: %w", err)
	}
	return &Adopted{Inspected: in, Migration: res, ModelsPath: path, Differences: differences(in.Dialect, in.Schema, after)}, nil
}

// writeModels writes the models file path in dir, and returns what
// removes it again, and dir when it made it.
func writeModels(dir, path string, src []byte) (func(), error) {
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("adopt --db: %w", err)
	}
	old, readErr := os.ReadFile(path)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return nil, fmt.Errorf("adopt --db: %w", err)
	}
	return func() {
		if readErr == nil {
			_ = os.WriteFile(path, old, 0o644)
		} else {
			_ = os.Remove(path)
		}
		if errors.Is(statErr, os.ErrNotExist) {
			_ = os.Remove(dir)
		}
	}, nil
}

// differences lists the operations that would take the live schema to
// the one the models declare, as the engine reads both back: nothing when
// the models are the database.
func differences(dialectName string, live, models *schema.Schema) []string {
	d, err := runtime.DialectByName(dialectName)
	if err != nil {
		return nil
	}
	in, ok := d.(dialect.Inspector)
	if !ok {
		return nil
	}
	a, b := in.Comparable(live), in.Comparable(models)
	if reflect.DeepEqual(a, b) {
		return nil
	}
	plan, err := diff.Compare(a, b, diff.Hints{})
	if err != nil || plan.Empty() {
		return []string{"the models differ from the database in ways the list above explains"}
	}
	var lines []string
	for _, l := range (&Result{Plan: plan, Before: a}).Summary() {
		lines = append(lines, l.Text)
	}
	return lines
}
