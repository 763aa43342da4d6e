package integration

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
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
	// notOnMySQL, when set, is a phrase of the generator's refusal of these
	// models for a project that targets MySQL, which cannot build them. The
	// entry then runs on the other engines, generated for them alone; on
	// mysql the test checks the refusal instead, and, where the refusal is
	// of a partial index, runs the entry with its where clauses left out,
	// as a project that targets MySQL writes it.
	notOnMySQL string
}

// probe is a query answering one string and the answer it must give, or,
// with no answer (see [statement]), a statement that must change one row.
type probe struct{ query, want string }

// statement is a probe that runs stmt for its effect, which must change
// exactly one row.
func statement(stmt string) probe { return probe{query: stmt} }

// TestEachChangeMigratesAndRevertsAHoldingDatabase generates, for each
// catalogue entry, the migration of the models before and the one of the
// edit, applies both to a live database of each engine with rows inserted in
// between, compares the live schema with the models, checks the rows, then
// reverts the edit and checks schema and rows again.
func TestEachChangeMigratesAndRevertsAHoldingDatabase(t *testing.T) {
	for _, c := range slices.Concat(catalogue, moreChanges, alterations, autoNowChanges, enumChanges, autoRenames, keyChanges) {
		t.Run(c.name, func(t *testing.T) {
			dialects := targetDialects
			if c.notOnMySQL != "" {
				dialects = slices.DeleteFunc(slices.Clone(dialects), func(d string) bool { return d == "mysql" })
			}
			first, both, before, after := generateChange(t, c, dialects)
			for _, e := range engines {
				t.Run("on "+e.name, func(t *testing.T) {
					if e.name == "mysql" && c.notOnMySQL != "" {
						c, ok := refusedOnMySQL(t, c)
						if !ok {
							t.Skipf("MySQL cannot build these models (%s), and the generator refuses them, as checked", c.notOnMySQL)
						}
						first, both, before, after := generateChange(t, c, targetDialects)
						applyChange(t, e, c, first, both, before, after)
						return
					}
					applyChange(t, e, c, first, both, before, after)
				})
			}
		})
	}
}

// applyChange applies the first migration of c to a new database of engine
// e, inserts the rows, applies the edit's migration, reverts it, and checks
// the schema and probes after each.
func applyChange(t *testing.T, e engine, c change, first, both *runtime.Migrator, before, after *schema.Schema) {
	t.Helper()
	ctx := context.Background()
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
}

// whereClause is the where of an index directive in a catalogue entry's
// models.
var whereClause = regexp.MustCompile(` where "[^"]*"`)

// refusedOnMySQL checks that the generator refuses c's models for a project
// that targets MySQL, with c.notOnMySQL in its message. When the models
// declare partial indexes, it returns c with their where clauses left out,
// which MySQL builds; otherwise false.
func refusedOnMySQL(t *testing.T, c change) (change, bool) {
	t.Helper()
	dir := t.TempDir()
	writeModule(t, dir)
	var refused error
	for i, models := range []string{c.before, c.after} {
		writeFile(t, dir, "models/models.go", "package models\n"+strings.ReplaceAll(models, "^", "`")+"\n")
		res, err := generator.Make(context.Background(), generator.Config{Dir: filepath.Join(dir, "migrations"), Models: []string{"../models"}, Force: i == 1 && c.force, Dialects: targetDialects})
		if err != nil {
			refused = err
			break
		}
		if err := res.Write(); err != nil {
			t.Fatal(err)
		}
	}
	switch {
	case refused == nil:
		t.Fatalf("the generator builds these models for mysql too; the entry says it refuses them (%q)", c.notOnMySQL)
	case !strings.Contains(refused.Error(), c.notOnMySQL):
		t.Fatalf("the generator refuses these models for mysql with:\n%v\nwant %q in it", refused, c.notOnMySQL)
	}
	if !whereClause.MatchString(c.before + c.after) {
		return c, false
	}
	c.before, c.after = whereClause.ReplaceAllString(c.before, ""), whereClause.ReplaceAllString(c.after, "")
	return c, true
}

// generateChange writes the models before and after the edit into a
// module and runs makemigrations after each. It returns a Migrator holding
// the first migration, one holding both, and the schema of each version.
func generateChange(t *testing.T, c change, dialects []string) (first, both *runtime.Migrator, before, after *schema.Schema) {
	t.Helper()
	dir := t.TempDir()
	writeModule(t, dir)
	first, both = runtime.NewMigrator(), runtime.NewMigrator()
	var schemas []*schema.Schema
	for i, models := range []string{c.before, c.after} {
		writeFile(t, dir, "models/models.go", "package models\n"+strings.ReplaceAll(models, "^", "`")+"\n")
		cfg := generator.Config{Dir: filepath.Join(dir, "migrations"), Models: []string{"../models"}, Force: i == 1 && c.force, Dialects: dialects}
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

// writeModule writes, in dir, the module the catalogue's models are
// generated in, with no models yet.
func writeModule(t *testing.T, dir string) {
	t.Helper()
	writeFile(t, dir, "go.mod", "module example.com/catalogue\n\ngo 1.22\n")
	writeFile(t, dir, "migrations/generate.go", "package migrations\n\nvar Migrator = 0\n")
}

func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func assertProbes(t *testing.T, db *sql.DB, when string, probes []probe) {
	t.Helper()
	for _, p := range probes {
		if p.want == "" {
			res, err := db.ExecContext(context.Background(), p.query)
			if err != nil {
				t.Errorf("%s: %s: %v", when, p.query, err)
			} else if n, err := res.RowsAffected(); err != nil || n != 1 {
				t.Errorf("%s: %s changed %d rows (%v), want 1", when, p.query, n, err)
			}
			continue
		}
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
