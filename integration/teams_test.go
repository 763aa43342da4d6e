package integration

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
)

const teamModelsV1 = `package models

//strata:table posts
type Post struct {
	ID    int64  ` + "`db:\"id\"    strata:\"pk\"`" + `
	Title string ` + "`db:\"title\"`" + `
}
`

// The slug column comes from a hand-written migration that declares it.
const teamModelsV2 = `package models

//strata:table posts
type Post struct {
	ID    int64   ` + "`db:\"id\"    strata:\"pk\"`" + `
	Title string  ` + "`db:\"title\"`" + `
	Slug  *string ` + "`db:\"slug\"  strata:\"size=200\"`" + `
}
`

const teamModelsV3 = teamModelsV2 + `
//strata:table tags
type Tag struct {
	ID int64 ` + "`db:\"id\" strata:\"pk\"`" + `
}
`

// backfillSlugs is the hand-written migration a user fills --empty's
// skeleton with: SQL per dialect that adds a column, declaring it, then
// fills it.
const backfillSlugs = `package migrations

import (
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func init() {
	Migrator.Register(runtime.Migration{
		ID: "0002_backfill_slugs",
		Up: []schema.Operation{
			schema.RunSQL{
				SQL: ` + "`ALTER TABLE posts ADD COLUMN slug VARCHAR(200)`" + `,
				Declares: []schema.Operation{
					schema.AddColumn{Table: "posts", Column: schema.Column{Name: "slug", Type: schema.Type{Kind: schema.Text, Size: 200}, Nullable: true}},
				},
			},
			schema.RunSQL{SQL: ` + "`UPDATE posts SET slug = lower(title)`" + `},
		},
		Down: []schema.Operation{
			schema.RunSQL{
				SQL:      ` + "`ALTER TABLE posts DROP COLUMN slug`" + `,
				Declares: []schema.Operation{schema.DropColumn{Table: "posts", Column: "slug"}},
			},
		},
	})
}
`

// seed is a migration a user adds by hand, without --empty.
const seed = `package migrations

import (
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func init() {
	Migrator.Register(runtime.Migration{
		ID: "0003_seed",
		Up: []schema.Operation{schema.RunSQL{SQL: ` + "`INSERT INTO posts (id, title) VALUES (1, 'Hello World')`" + `}},
		Down: []schema.Operation{schema.RunSQL{SQL: ` + "`DELETE FROM posts WHERE id = 1`" + `}},
	})
}
`

func TestTeamsWriteMigrationsByHandUndoThemAndCheckInCI(t *testing.T) {
	ctx := context.Background()
	app := newAppModule(t)
	app.strataInit()
	app.write("models/models.go", teamModelsV1)
	app.run("go", "mod", "tidy")
	app.run("go", "generate", "./...")
	check := []string{"tool", "strata", "check", "--dir", "migrations", "--models", "../models", "--dialects", strings.Join(targetDialects, ",")}
	if out, errOut, err := app.exec(app.dir, "go", check...); exitCode(err) != 0 || !strings.Contains(out, "agree") {
		t.Fatalf("strata check after the first migration exited %d:\n%s%s", exitCode(err), out, errOut)
	}

	// --empty writes a skeleton that compiles and moves the head to it.
	out := app.runIn("migrations", "go", "tool", "strata", "makemigrations", "--empty", "--name", "backfill_slugs")
	if !strings.Contains(out, "0002_backfill_slugs.go") || !strings.Contains(out, "head is 0002_backfill_slugs") {
		t.Errorf("makemigrations --empty printed:\n%s", out)
	}
	skeleton, err := os.ReadFile(app.path("migrations/0002_backfill_slugs.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"schema.RunSQL{", "Postgres:", "SQLite:", "schema.RunGo{", "Down:", "Declares"} {
		if !strings.Contains(string(skeleton), want) {
			t.Errorf("the skeleton has no %q:\n%s", want, skeleton)
		}
	}
	app.run("go", "build", "./...")
	if out := app.run("go", "generate", "./..."); !strings.Contains(out, "No changes.") {
		t.Errorf("go generate after --empty printed:\n%s\nwant No changes.", out)
	}

	// Filled in, the migration declares the column the models then have.
	app.write("migrations/0002_backfill_slugs.go", backfillSlugs)
	if _, errOut, err := app.exec(app.dir, "go", check...); exitCode(err) != 4 || !strings.Contains(errOut, "strata adopt") {
		t.Errorf("strata check with a migration that now declares a column exited %d, want 4 naming strata adopt:\n%s", exitCode(err), errOut)
	}
	app.run("go", "tool", "strata", "adopt", "--dir", "migrations")
	app.write("models/models.go", teamModelsV2)
	if out := app.run("go", "generate", "./..."); !strings.Contains(out, "No changes.") {
		t.Errorf("go generate with the declared column in the models printed:\n%s\nwant No changes.", out)
	}

	// A file added by hand after the head is not a branch conflict.
	app.write("migrations/0003_seed.go", seed)
	_, errOut, err := app.exec(app.dir, "go", "generate", "./...")
	if err == nil || !strings.Contains(errOut, "written by hand") || !strings.Contains(errOut, "0003_seed.go") || !strings.Contains(errOut, "strata adopt") {
		t.Fatalf("go generate with a hand-added migration: err %v, stderr:\n%s\nwant one naming 0003_seed.go and strata adopt", err, errOut)
	}
	app.run("go", "tool", "strata", "adopt", "--dir", "migrations")
	if out := app.run("go", "generate", "./..."); !strings.Contains(out, "No changes.") {
		t.Errorf("go generate after adopt printed:\n%s\nwant No changes.", out)
	}

	// A new model: check exits 3; go generate writes 0004; --undo takes it
	// back and leaves the snapshot byte for byte as it was.
	before, err := os.ReadFile(app.path("migrations/schema_snapshot.go"))
	if err != nil {
		t.Fatal(err)
	}
	app.write("models/models.go", teamModelsV3)
	if out, errOut, err := app.exec(app.dir, "go", check...); exitCode(err) != 3 || !strings.Contains(out, "+ create table tags") {
		t.Errorf("strata check with a model added exited %d, want 3 and the pending change:\n%s%s", exitCode(err), out, errOut)
	}
	app.run("go", "generate", "./...")
	if got := app.migrations(); !slices.Contains(got, "0004_create_tags.go") {
		t.Fatalf("after go generate the migrations are %v, want 0004_create_tags.go among them", got)
	}
	app.runIn("migrations", "go", "tool", "strata", "makemigrations", "--undo")
	after, err := os.ReadFile(app.path("migrations/schema_snapshot.go"))
	if err != nil {
		t.Fatal(err)
	}
	if got := app.migrations(); slices.Contains(got, "0004_create_tags.go") || string(after) != string(before) {
		t.Errorf("after --undo the migrations are %v and the snapshot changed: %v", got, string(after) != string(before))
	}
	if _, errOut, err := app.exec(app.path("migrations"), "go", "tool", "strata", "makemigrations", "--undo"); err == nil || !strings.Contains(errOut, "not written by strata makemigrations") {
		t.Errorf("--undo of a hand-written migration: err %v, stderr:\n%s", err, errOut)
	}
	app.run("go", "generate", "./...")

	// Two branches that each added 0004: named both, exit 4 in check.
	app.write("migrations/0004_create_labels.go", strings.ReplaceAll(readFile(t, app.path("migrations/0004_create_tags.go")), "0004_create_tags", "0004_create_labels"))
	_, errOut, err = app.exec(app.dir, "go", check...)
	if exitCode(err) != 4 || !strings.Contains(errOut, "0004_create_labels and 0004_create_tags") {
		t.Errorf("strata check with two migrations numbered 0004 exited %d, want 4 naming both:\n%s", exitCode(err), errOut)
	}
	_, errOut, err = app.exec(app.dir, "go", "generate", "./...")
	// go generate runs strata in migrations/; the files are named from the
	// module root, where go generate ./... ran.
	if err == nil || !strings.Contains(errOut, "0004_create_labels and 0004_create_tags") ||
		!strings.Contains(errOut, "strata: makemigrations: migrations/0004_create_labels.go, migrations/0004_create_tags.go: ") {
		t.Errorf("go generate with two migrations numbered 0004: err %v, stderr:\n%s\nwant both named, from the module root", err, errOut)
	}
	if err := os.Remove(app.path("migrations/0004_create_labels.go")); err != nil {
		t.Fatal(err)
	}

	// The hand-written migrations apply on both engines.
	migrate := app.buildMigrate()
	for _, e := range engines {
		t.Run("the hand-written migrations apply on "+e.name, func(t *testing.T) {
			url := e.newURL(t)
			app.runMigrate(t, migrate, "up", "--db", url)
			db := e.open(t, url)
			// The seed runs after the backfill, so its row has no slug: the
			// column exists, as the declaration promised, and is empty.
			var slug *string
			if err := db.QueryRowContext(ctx, "SELECT slug FROM posts WHERE id = 1").Scan(&slug); err != nil || slug != nil {
				t.Errorf("slug of the seeded post = %v, err %v; want NULL", slug, err)
			}
			app.runMigrate(t, migrate, "down", "--steps", "4", "--db", url)
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
