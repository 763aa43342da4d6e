package docs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/generator/golit"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// An example is what an sql or guard block shows: a migration, with the
// one that makes the schema it starts from.
type example struct {
	setup, setupDown []schema.Operation // the migration to the starting schema; nil for the empty one
	up, down         []schema.Operation // the migration shown; down is nil for operations written by hand
	sql              map[string][]dialect.Step
	refused          error // what the guard says, or nil
}

func TestSQLBlocksAreWhatStrataRenders(t *testing.T) {
	for _, b := range append(blocksOf(t, "sql"), blocksOf(t, "guard")...) {
		if b.check() != nil {
			continue // TestEveryCodeBlockSaysHowItIsTested reports it
		}
		t.Run(b.where()+" "+b.annotation, func(t *testing.T) {
			t.Parallel()
			ex := buildExample(t, b)
			if b.kind == "guard" {
				if ex.refused == nil {
					t.Fatalf("%s: the guard lets the change through: there is nothing to show", b.where())
				}
				expect(t, b, "strata: "+ex.refused.Error()+"\n")
				return
			}
			expect(t, b, sqlText(ex.sql))
			ex.apply(t)
		})
	}
}

func TestModelErrorsAreWhatStrataReports(t *testing.T) {
	for _, b := range blocksOf(t, "errors") {
		if b.check() != nil {
			continue
		}
		t.Run(b.where()+" "+b.annotation, func(t *testing.T) {
			t.Parallel()
			dir := modelModule(t)
			_, err := makeMigration(t, dir, b.page.named("model", b.arg(0)))
			if err == nil {
				t.Fatalf("%s: model %s loads without an error", b.where(), b.arg(0))
			}
			expect(t, b, "strata: "+err.Error()+"\n")
		})
	}
}

// TestModelBlocksLoad loads the model blocks that no sql, guard or errors
// block uses, which load them already.
func TestModelBlocksLoad(t *testing.T) {
	used := map[*block]bool{}
	for _, p := range pages(t) {
		for _, b := range p.blocks {
			for _, name := range []string{b.opts["to"], b.opts["from"], b.opts["on"]} {
				if m := p.named("model", name); name != "" && m != nil && (b.kind == "sql" || b.kind == "guard") {
					used[m] = true
				}
			}
			if b.kind == "errors" {
				used[p.named("model", b.arg(0))] = true
			}
		}
	}
	for _, b := range blocksOf(t, "model") {
		if used[b] || b.check() != nil {
			continue
		}
		t.Run(b.where()+" "+b.annotation, func(t *testing.T) {
			t.Parallel()
			_, err := makeMigration(t, modelModule(t), b)
			switch {
			case b.has("invalid") && err == nil:
				t.Errorf("%s: model %s is marked invalid, and loads", b.where(), b.arg(0))
			case !b.has("invalid") && err != nil:
				t.Errorf("%s: model %s: %v", b.where(), b.arg(0), err)
			}
		})
	}
}

// buildExample works out the migration an sql or guard block shows.
func buildExample(t *testing.T, b *block) *example {
	t.Helper()
	p := b.page
	dir := modelModule(t)
	ex := &example{}
	start := b.opts["from"]
	if b.opts["ops"] != "" {
		start = b.opts["on"]
	}
	if start != "" {
		res, err := makeMigration(t, dir, p.named("model", start))
		if err != nil {
			t.Fatalf("%s: model %s: %v", b.where(), start, err)
		}
		if res.Refused != nil {
			t.Fatalf("%s: model %s: %v", b.where(), start, res.Refused)
		}
		ex.setup, ex.setupDown = res.Plan.Ops(), res.Plan.Down
	}
	if b.opts["ops"] == "" {
		to := p.named("model", b.opts["to"])
		res, err := makeMigration(t, dir, to)
		switch {
		case err != nil:
			t.Fatalf("%s: model %s: %v", b.where(), to.arg(0), err)
		case res.NoChanges():
			t.Fatalf("%s: model %s changes nothing", b.where(), to.arg(0))
		}
		ex.up, ex.down, ex.sql = res.Plan.Ops(), res.Plan.Down, res.SQL
		if res.Refused != nil {
			ex.refused = res.Refused
		}
		return ex
	}
	ops := parseOps(t, p.named("ops", b.opts["ops"]))
	before := &schema.Schema{}
	if err := before.ApplyAll(ex.setup); err != nil {
		t.Fatalf("%s: %v", b.where(), err)
	}
	ex.up, ex.sql = ops, map[string][]dialect.Step{}
	for _, d := range generator.Dialects {
		steps, err := d.Render(before, ops)
		if err != nil {
			t.Fatalf("%s: the operations do not render on %s: %v", b.where(), d.Name(), err)
		}
		ex.sql[d.Name()] = steps
	}
	ex.refused = guardOf(t, b, before, ops)
	return ex
}

// guardOf returns what makemigrations says when the models change the
// schema the way ops do, or nil when it lets the change through. The hints
// come from the operations: a rename is a renamed_from, a conversion a
// using=, a backfill a backfill=.
func guardOf(t *testing.T, b *block, before *schema.Schema, ops []schema.Operation) error {
	t.Helper()
	after := before.Clone()
	if err := after.ApplyAll(ops); err != nil {
		t.Fatalf("%s: the operations do not fit the schema: %v", b.where(), err)
	}
	hints := diff.Hints{Backfill: map[string]string{}, Using: map[string]string{}}
	for _, op := range ops {
		switch op := op.(type) {
		case schema.RenameTable:
			hints.Renames = append(hints.Renames, diff.Rename{Table: op.To, From: op.From})
		case schema.RenameColumn:
			hints.Renames = append(hints.Renames, diff.Rename{Table: op.Table, Column: op.To, From: op.From})
		case schema.RenameEnumValue:
			hints.EnumRenames = append(hints.EnumRenames, diff.EnumRename{Enum: op.Enum, Value: op.To, From: op.From})
		case schema.AlterColumn:
			if op.Using != "" {
				hints.Using[op.Table+"."+op.Column.Name] = op.Using
			}
			if op.Backfill != "" {
				hints.Backfill[op.Table+"."+op.Column.Name] = op.Backfill
			}
		}
	}
	plan, err := diff.Compare(before, after, hints)
	if err != nil {
		t.Fatalf("%s: %v", b.where(), err)
	}
	if guarded := plan.Guarded(); len(guarded) > 0 {
		return &generator.GuardError{Changes: guarded, Renames: plan.Warnings}
	}
	return nil
}

// parseOps reads the operations of an ops block as strata reads a
// migration file: from the syntax tree, without running it. A RunGo's
// function becomes one that does nothing.
func parseOps(t *testing.T, b *block) []schema.Operation {
	t.Helper()
	fset := token.NewFileSet()
	src := "package p\n\nvar ops = []schema.Operation{\n" + b.body + "}\n"
	f, err := parser.ParseFile(fset, b.where(), src, 0)
	if err != nil {
		t.Fatalf("%s: %v", b.where(), err)
	}
	x := f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Values[0]
	ops, err := golit.ParseOperations(fset, x, "schema")
	if err != nil {
		t.Fatalf("%s: strata cannot read the operations: %v", b.where(), err)
	}
	for i, op := range ops {
		if g, ok := op.(schema.RunGo); ok && g.Func == nil {
			ops[i] = schema.RunGo{Func: func(context.Context, *sql.Tx) error { return nil }}
		}
	}
	return ops
}

// sqlText prints the steps of each dialect as makemigrations -v does.
func sqlText(steps map[string][]dialect.Step) string {
	var b strings.Builder
	for i, d := range generator.Dialects {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "-- SQL on %s:\n", d.Name())
		if len(steps[d.Name()]) == 0 {
			b.WriteString("-- no statements\n")
		}
		for _, st := range steps[d.Name()] {
			if st.Go != nil {
				b.WriteString("-- Go step\n")
				continue
			}
			fmt.Fprintf(&b, "%s;\n", strings.TrimSuffix(strings.TrimSpace(st.SQL), ";"))
		}
	}
	return b.String()
}

// engine is a database engine the examples are applied to.
type engine struct {
	name string
	open func(testing.TB) *sql.DB
}

var engines = []engine{{"sqlite", testdb.SQLite}, {"postgres", testdb.Postgres}}

// apply applies the example to a fresh database of each engine, then
// reverts it when it has a Down: the SQL shown runs, and so does its undo.
func (ex *example) apply(t *testing.T) {
	for _, e := range engines {
		t.Run("applies on "+e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.open(t)
			m := runtime.NewMigrator()
			if len(ex.setup) > 0 {
				m.Register(runtime.Migration{ID: "0001_setup", Up: ex.setup, Down: ex.setupDown})
			}
			m.Register(runtime.Migration{ID: "0002_example", Up: ex.up, Down: ex.down})
			if _, err := m.Up(ctx, db); err != nil {
				t.Fatalf("up: %v", err)
			}
			if ex.down == nil {
				return
			}
			if _, err := m.Down(ctx, db, len(m.Migrations()), runtime.WithForce()); err != nil && !errors.Is(err, runtime.ErrIrreversible) {
				t.Fatalf("down: %v", err)
			}
		})
	}
}

// modelModule writes a module without migrations yet: go.mod, which
// requires this checkout of strata (so a model may use runtime/column), and
// the migrations package's generate.go, which declares its Migrator.
func modelModule(t *testing.T) string {
	t.Helper()
	dir := appModule(t)
	writeFile(t, dir, "migrations/generate.go", "package migrations\n\n"+
		"import \"github.com/strata-go/strata/runtime\"\n\nvar Migrator = runtime.NewMigrator()\n")
	return dir
}

// makeMigration makes the models of the model block m those of the module
// in dir and runs makemigrations, as go generate would, showing destructive
// changes rather than refusing them. It writes the migration unless the
// guard refuses it.
func makeMigration(t *testing.T, dir string, m *block) (*generator.Result, error) {
	t.Helper()
	writeFile(t, dir, "models/models.go", m.body)
	res, err := generator.Make(context.Background(), generator.Config{
		Dir: filepath.Join(dir, "migrations"), Models: []string{"../models"}, Preview: true,
	})
	if err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
	}
	if !res.NoChanges() && res.Refused == nil {
		if err := res.Write(); err != nil {
			t.Fatal(err)
		}
	}
	return res, nil
}

// writeFile writes content to the file rel of dir, making its directory.
func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
