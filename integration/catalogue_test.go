package integration

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// change is one entry of the change catalogue: a model edit, made on a
// database holding rows.
type change struct {
	name   string
	before string // the models before, as the body of package models
	after  string // the models after
	force  bool   // the edit is destructive: makemigrations needs --force
	// rows are inserted after the first migration; they must survive the
	// second one and its Down, unless the edit drops what holds them.
	rows []string
	// afterUp and afterDown are queries, each answering one string, asked after the
	// second migration and after its Down, with the answers they must give.
	afterUp, afterDown []probe
}

type probe struct{ query, want string }

// TestEachChangeMigratesAndRevertsAHoldingDatabase generates, for each
// catalogue entry, the migration of the models before and the one of the
// edit, applies both to a live database of each engine with rows inserted in
// between, compares the live schema with the models, checks the rows, then
// reverts the edit and checks schema and rows again.
func TestEachChangeMigratesAndRevertsAHoldingDatabase(t *testing.T) {
	for _, c := range slices.Concat(catalogue, moreChanges, alterations, autoNowChanges, enumChanges, autoRenames, keyChanges) {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			first, both, before, after := generateChange(t, c)
			for _, e := range engines {
				t.Run("on "+e.name, func(t *testing.T) {
					db := e.open(t, e.newURL(t))
					if _, err := first.Up(ctx, db); err != nil {
						t.Fatalf("first migration: %v", err)
					}
					for _, r := range c.rows {
						if _, err := db.ExecContext(ctx, r); err != nil {
							t.Fatalf("%s: %v", r, err)
						}
					}
					if _, err := both.Up(ctx, db); err != nil {
						t.Fatalf("the edit's migration: %v", err)
					}
					assertSchema(t, e, db, after)
					assertProbes(t, db, "after the edit", c.afterUp)
					if _, err := both.Down(ctx, db, 1); err != nil {
						t.Fatalf("reverting the edit: %v", err)
					}
					assertSchema(t, e, db, before)
					assertProbes(t, db, "after reverting it", c.afterDown)
				})
			}
		})
	}
}

// generateChange writes the models before and after the edit into a
// module and runs makemigrations after each. It returns a Migrator holding
// the first migration, one holding both, and the schema of each version.
func generateChange(t *testing.T, c change) (first, both *runtime.Migrator, before, after *schema.Schema) {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/catalogue\n\ngo 1.22\n")
	write("migrations/generate.go", "package migrations\n\nvar Migrator = 0\n")
	first, both = runtime.NewMigrator(), runtime.NewMigrator()
	var schemas []*schema.Schema
	for i, models := range []string{c.before, c.after} {
		write("models/models.go", "package models\n"+strings.ReplaceAll(models, "^", "`")+"\n")
		cfg := generator.Config{Dir: filepath.Join(dir, "migrations"), Models: []string{"../models"}, Force: i == 1 && c.force}
		res, err := generator.Make(context.Background(), cfg)
		if err != nil {
			t.Fatalf("makemigrations for version %d: %v", i+1, err)
		}
		if res.NoChanges() {
			t.Fatalf("makemigrations for version %d found no change", i+1)
		}
		if err := res.Write(); err != nil {
			t.Fatal(err)
		}
		// The migration as its file spells it: golden and compile tests
		// prove the file holds exactly these operations.
		mig := runtime.Migration{ID: res.ID, Up: res.Plan.Ops(), Down: res.Plan.Down}
		if i == 0 {
			first.Register(mig)
		}
		both.Register(mig)
		loaded, err := load.Models(context.Background(), dir, "./models")
		if err != nil {
			t.Fatal(err)
		}
		schemas = append(schemas, loaded.Schema)
	}
	return first, both, schemas[0], schemas[1]
}

func assertProbes(t *testing.T, db *sql.DB, when string, probes []probe) {
	t.Helper()
	for _, p := range probes {
		var got sql.NullString
		if err := db.QueryRowContext(context.Background(), p.query).Scan(&got); err != nil {
			t.Errorf("%s: %s: %v", when, p.query, err)
			continue
		}
		if strings.TrimSpace(got.String) != p.want {
			t.Errorf("%s: %s answers %q, want %q", when, p.query, got.String, p.want)
		}
	}
}
