package integration

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const squashModels = `package models

//strata:table users
type User struct {
	ID    int64  ` + "`db:\"id\"    strata:\"pk\"`" + `
	Email string ` + "`db:\"email\"`" + `
}
`

const squashDrafts = `
//strata:table drafts
type Draft struct {
	ID int64 ` + "`db:\"id\" strata:\"pk\"`" + `
}
`

// The models grow one step at a time: a column, a table that refers to
// users, then a table the squash leaves after it.
var squashSteps = []string{
	"",
	`
//strata:table posts
type Post struct {
	ID     int64 ` + "`db:\"id\"      strata:\"pk\"`" + `
	UserID int64 ` + "`db:\"user_id\" strata:\"fk=users.id\"`" + `
}
`,
	`
//strata:table tags
type Tag struct {
	ID int64 ` + "`db:\"id\" strata:\"pk\"`" + `
}
`,
}

func TestSquashFoldsAHistoryThatNewAndMigratedDatabasesBothContinueFrom(t *testing.T) {
	ctx := context.Background()
	app := newAppModule(t)
	app.strataInit()
	app.write("models/models.go", squashModels)
	app.run("go", "mod", "tidy")
	app.run("go", "generate", "./...")
	// A column, and a table that the next step drops again.
	models := strings.Replace(squashModels, "Email string", "Name  *string "+"`db:\"name\"`"+"\n\tEmail string", 1)
	app.write("models/models.go", models+squashDrafts)
	app.run("go", "generate", "./...")
	models += squashSteps[1]
	app.write("models/models.go", models)
	if _, errOut, err := app.execEnv(app.dir, []string{"STRATA_FORCE=1"}, "go", "generate", "./..."); err != nil {
		t.Fatalf("STRATA_FORCE=1 go generate: %v\n%s", err, errOut)
	}
	models += squashSteps[2]
	app.write("models/models.go", models)
	app.run("go", "generate", "./...")
	before := app.migrations()
	if len(before) != 4 {
		t.Fatalf("migrations before the squash: %v, want 4", before)
	}
	ids := make([]string, len(before))
	for k, name := range before {
		ids[k] = strings.TrimSuffix(name, ".go")
	}

	// Databases of the build before the squash: one that applied the three
	// migrations it folds, one that applied two of them.
	old := app.path("bin/migrate-old")
	app.run("go", "build", "-o", old, "./cmd/migrate")
	urls := map[string]map[string]string{}
	for _, e := range engines {
		urls[e.name] = map[string]string{"all": e.newURL(t), "some": e.newURL(t), "new": e.newURL(t)}
		app.runMigrate(t, old, "up", "--to", ids[2], "--db", urls[e.name]["all"])
		app.runMigrate(t, old, "up", "--to", ids[1], "--db", urls[e.name]["some"])
	}

	// What squash refuses, changing nothing: no such migration, the first
	// one alone, a range with a step written by hand.
	app.write("migrations/0005_seed.go", strings.NewReplacer("0003_seed", "0005_seed", "posts (id, title) VALUES (1, 'Hello World')", "users (id, email) VALUES (1, 'a@example.com')", "posts WHERE", "users WHERE").Replace(seed))
	app.run("go", "tool", "strata", "adopt", "--dir", "migrations")
	for to, want := range map[string]string{"0009_nothing": "no migration 0009_nothing", ids[0]: "first migration", "0005_seed": "steps written by hand"} {
		if _, errOut, err := app.exec(app.dir, "go", "tool", "strata", "squash", "--dir", "migrations", "--to", to); err == nil || !strings.Contains(errOut, want) {
			t.Errorf("strata squash --to %s: err %v, stderr:\n%s\nwant %q", to, err, errOut, want)
		}
	}
	if got := app.migrations(); len(got) != 5 {
		t.Errorf("migrations after the refusals: %v, want the 5 there were", got)
	}
	if err := os.Remove(app.path("migrations/0005_seed.go")); err != nil {
		t.Fatal(err)
	}
	app.run("go", "tool", "strata", "adopt", "--dir", "migrations")

	out := app.run("go", "tool", "strata", "squash", "--dir", "migrations", "--to", ids[2])
	squash := ids[2] + "_squashed"
	for _, want := range []string{"wrote migrations/" + squash + ".go", "removed migrations/" + before[0], "removed migrations/" + before[2]} {
		if !strings.Contains(out, want) {
			t.Errorf("strata squash printed:\n%s\nwant %q", out, want)
		}
	}
	if got, want := app.migrations(), []string{squash + ".go", before[3]}; !slices.Equal(got, want) {
		t.Fatalf("migrations after the squash: %v, want %v", got, want)
	}
	src := readFile(t, app.path("migrations/"+squash+".go"))
	if !strings.Contains(src, `Replaces: []string{"`+ids[0]+`", "`+ids[1]+`", "`+ids[2]+`"}`) {
		t.Errorf("the squash does not list what it replaces:\n%s", src)
	}
	// A table created and dropped within the range leaves nothing; the
	// column added to users is part of its creation.
	if strings.Contains(src, `Name: "drafts"`) || strings.Contains(src, "AddColumn") || strings.Count(src, "schema.CreateTable{") != 2 {
		t.Errorf("the squash does not fold its migrations into two tables:\n%s", src)
	}
	if out, errOut, err := app.exec(app.dir, "go", "tool", "strata", "check", "--dir", "migrations", "--models", "../models", "--dialects", strings.Join(targetDialects, ",")); exitCode(err) != 0 {
		t.Errorf("strata check after the squash exited %d:\n%s%s", exitCode(err), out, errOut)
	}
	if out := app.run("go", "generate", "./..."); !strings.Contains(out, "No changes.") {
		t.Errorf("go generate after the squash printed:\n%s\nwant No changes.", out)
	}

	migrate := app.buildMigrate()
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			u := urls[e.name]
			app.runMigrate(t, migrate, "up", "--db", u["new"])
			out := app.runMigrate(t, migrate, "up", "--db", u["all"])
			if strings.Contains(out, squash) || !strings.Contains(out, ids[3]) {
				t.Errorf("up on a database that applied the folded migrations printed:\n%s\nwant %s applied, and %s not", out, ids[3], squash)
			}
			status := app.runMigrate(t, migrate, "status", "--db", u["all"])
			for _, id := range []string{squash, ids[3]} {
				if !slices.ContainsFunc(strings.Split(status, "\n"), func(line string) bool {
					f := strings.Fields(line)
					return len(f) > 1 && f[0] == "[X]" && f[1] == id
				}) {
					t.Errorf("status printed:\n%s\nwant %s applied", status, id)
				}
			}
			want, err := e.inspect(ctx, e.open(t, u["new"]))
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.inspect(ctx, e.open(t, u["all"]))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(e.comparable(want), e.comparable(got)); diff != "" {
				t.Errorf("schema of the database migrated before the squash differs (-new +migrated):\n%s", diff)
			}
			_, errOut, err := app.exec(app.dir, migrate, "up", "--db", u["some"])
			if err == nil || !strings.Contains(errOut, "run a build of the app that still has them") {
				t.Errorf("up on a database that applied some of the folded migrations: err %v, stderr:\n%s", err, errOut)
			}
		})
	}

	// Squashed again, with the migration after it: databases migrated
	// through the first squash, or through the migrations it folded, both
	// have the second applied; a new one applies it.
	app.run("go", "tool", "strata", "squash", "--dir", "migrations", "--to", ids[3])
	again := ids[3] + "_squashed"
	if got := app.migrations(); !slices.Equal(got, []string{again + ".go"}) {
		t.Fatalf("migrations after the second squash: %v, want %s only", got, again)
	}
	if src := readFile(t, app.path("migrations/"+again+".go")); !strings.Contains(src, `Replaces: []string{"`+ids[0]+`", "`+ids[1]+`", "`+ids[2]+`", "`+squash+`", "`+ids[3]+`"}`) {
		t.Errorf("the second squash does not list the first and what it replaced:\n%s", src)
	}
	if out, errOut, err := app.exec(app.dir, "go", "tool", "strata", "check", "--dir", "migrations", "--models", "../models", "--dialects", strings.Join(targetDialects, ",")); exitCode(err) != 0 {
		t.Errorf("strata check after the second squash exited %d:\n%s%s", exitCode(err), out, errOut)
	}
	migrate = app.buildMigrate()
	for _, e := range engines {
		t.Run("squashed again, on "+e.name, func(t *testing.T) {
			u := urls[e.name]
			for _, which := range []string{"new", "all"} {
				if out := app.runMigrate(t, migrate, "up", "--db", u[which]); strings.Contains(out, again) {
					t.Errorf("up on the database %q printed:\n%s\nwant nothing applied", which, out)
				}
				status := app.runMigrate(t, migrate, "status", "--db", u[which])
				if !strings.Contains(status, again) || !strings.Contains(status, "1 applied, 0 pending") {
					t.Errorf("status of the database %q printed:\n%s\nwant %s applied", which, status, again)
				}
			}
			app.runMigrate(t, migrate, "up", "--db", e.newURL(t))
		})
	}

	// --undo does not take back a squash, whose migrations only version
	// control still has.
	if _, errOut, err := app.exec(app.path("migrations"), "go", "tool", "strata", "makemigrations", "--undo"); err == nil || !strings.Contains(errOut, "is a squash") {
		t.Errorf("--undo of the squash: err %v, stderr:\n%s", err, errOut)
	}
	if got := app.migrations(); !slices.Equal(got, []string{again + ".go"}) {
		t.Errorf("migrations after --undo: %v, want the squash only", got)
	}
}
