package integration

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/runtime/schema"
)

// The releases of a library module, example.com/auth, that ships its users
// and sessions with migrations of its own, as the set "auth".
var authModels = []string{
	`package models

//strata:table users
type User struct {
	ID    int64  ` + "`db:\"id\" strata:\"pk,identity\"`" + `
	Email string ` + "`db:\"email\" strata:\"unique,size=320\"`" + `
}
`,
	`package models

//strata:table users
type User struct {
	ID     int64   ` + "`db:\"id\" strata:\"pk,identity\"`" + `
	Email  *string ` + "`db:\"email\" strata:\"unique,size=320\"`" + ` // NULL allowed: SQLite rebuilds the table
	Locale *string ` + "`db:\"locale\" strata:\"size=16\"`" + `
}

//strata:table sessions
type Session struct {
	Token  string ` + "`db:\"token\" strata:\"pk,size=64\"`" + `
	UserID int64  ` + "`db:\"user_id\" strata:\"fk=users.id,on_delete=cascade,index\"`" + `
}
`,
}

// The releases of an app, example.com/app, whose tables reference the
// library's users, to which its second release adds a column.
var appModels = []string{
	`package models

//strata:table posts
type Post struct {
	ID     int64  ` + "`db:\"id\" strata:\"pk,identity\"`" + `
	UserID int64  ` + "`db:\"user_id\" strata:\"fk=users.id,index\"`" + `
	Title  string ` + "`db:\"title\"`" + `
}
`,
	`package models

//strata:table posts
type Post struct {
	ID     int64   ` + "`db:\"id\" strata:\"pk,identity\"`" + `
	UserID int64   ` + "`db:\"user_id\" strata:\"fk=users.id,index\"`" + `
	Title  string  ` + "`db:\"title\"`" + `
	Body   *string ` + "`db:\"body\"`" + `
}

//strata:extend users
type UserExtra struct {
	Nickname *string ` + "`db:\"nickname\" strata:\"size=40,index\"`" + `
}

//strata:table comments
type Comment struct {
	ID       int64 ` + "`db:\"id\" strata:\"pk,identity\"`" + `
	PostID   int64 ` + "`db:\"post_id\" strata:\"fk=posts.id,on_delete=cascade,index\"`" + `
	AuthorID int64 ` + "`db:\"author_id\" strata:\"fk=users.id,index\"`" + `
}
`,
}

// A library module ships its tables as a set of migrations; an app module
// includes the set, references its table, adds a column to it, and has
// migrations of its own; the library's later release rebuilds that table
// on SQLite, which keeps the app's column.
// Both evolve, in either order of release; after every deploy the live
// schema on each engine is the library's models and the app's, and at the
// end everything reverts to nothing. go generate in the app writes only
// into the app.
func TestALibrarySetAndAnAppEvolveInEitherOrderOfRelease(t *testing.T) {
	orders := []struct {
		name  string
		steps []string // "auth N" or "app N": that module's release N, generated, then a deploy
	}{
		{"library first", []string{"auth 2", "app 2"}},
		{"app first", []string{"app 2", "auth 2"}},
	}
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			ctx := context.Background()
			dialects := strings.Join(targetDialects, ",")
			lib, app := libraryAndApp(t, "", "auth.Set")
			app.write("models/models.go", appModels[0])
			app.run("go", "mod", "tidy")
			libBefore := lib.snapshotOfDir("migrations")
			app.run("go", "generate", "./migrations")
			if got := lib.snapshotOfDir("migrations"); !maps.Equal(got, libBefore) {
				t.Errorf("go generate in the app changed the library's migrations")
			}
			if first := app.read("migrations/0001_initial.go"); !strings.Contains(first, `DependsOn: []string{"auth/0001_initial"}`) {
				t.Errorf("the app's first migration does not depend on auth's:\n%s", first)
			}
			if snap := app.read("migrations/schema_snapshot.go"); regexp.MustCompile(`Name:\s+"users"`).MatchString(snap) {
				t.Errorf("the app's snapshot holds auth's table users:\n%s", snap)
			}

			urls := map[string]string{}
			for _, e := range engines {
				urls[e.name] = e.newURL(t)
			}
			deploy := func(step string) {
				t.Helper()
				migrate := app.buildMigrate()
				want := app.setModels(ctx)
				for _, e := range engines {
					app.runMigrate(t, migrate, "up", "--verify", "--db", urls[e.name])
					assertSchema(t, e, e.open(t, urls[e.name]), want)
				}
				if out := app.run("go", "generate", "./migrations"); !strings.Contains(out, "No changes.") {
					t.Errorf("after %s, go generate in the app printed:\n%s\nwant No changes.", step, out)
				}
			}
			deploy("the first releases")
			for _, step := range order.steps {
				module, release, _ := strings.Cut(step, " ")
				n := int(release[0] - '1')
				switch module {
				case "auth":
					lib.write("models/models.go", authModels[n])
					lib.run("go", "generate", "./migrations")
				case "app":
					app.write("models/models.go", appModels[n])
					app.run("go", "generate", "./migrations")
				}
				deploy(step)
			}
			// The app's latest migration depends on auth's head as it was
			// when it was made.
			files := app.migrationFiles()
			latest := app.read("migrations/" + files[len(files)-1])
			wantDep := "auth/0001_initial"
			if order.name == "library first" {
				wantDep = "auth/0002_"
			}
			if !strings.Contains(latest, `DependsOn: []string{"`+wantDep) {
				t.Errorf("the app's latest migration does not depend on %s:\n%s", wantDep, latest)
			}
			// strata check replays the app's migrations on the tables of the
			// set it includes.
			app.runIn("migrations", "go", "tool", "strata", "check", "--models", "../models", "--include", "example.com/auth/migrations", "--dialects", dialects)
			migrate := app.buildMigrate()
			for _, e := range engines {
				app.runMigrate(t, migrate, "down", "--steps", "100", "--db", urls[e.name])
				assertSchema(t, e, e.open(t, urls[e.name]), &schema.Schema{})
			}
		})
	}
}

// libraryAndApp returns a library module, example.com/auth, whose first
// release of models is generated as the set "auth", and an app module,
// example.com/app, that requires it from beside it, with strata set up:
// its go:generate line includes the set's migrations, with flags after,
// and its migrations package includes set, a Go expression of the
// library's migrations package imported as auth. The app's models are
// the test's to write.
func libraryAndApp(t *testing.T, flags, set string) (lib, app *appModule) {
	t.Helper()
	root := t.TempDir()
	lib = newModule(t, "example.com/auth", filepath.Join(root, "auth"))
	lib.run("go", "tool", "strata", "init", "--set", "auth", "--dialects", strings.Join(targetDialects, ","))
	lib.write("models/models.go", authModels[0])
	lib.run("go", "mod", "tidy")
	lib.run("go", "generate", "./migrations")

	app = newModule(t, "example.com/app", filepath.Join(root, "app"))
	app.run("go", "mod", "edit", "-require=example.com/auth@v0.0.0", "-replace=example.com/auth=../auth")
	app.strataInit()
	generate := app.read("migrations/generate.go")
	app.write("migrations/generate.go", strings.Replace(generate, "--models ../models", "--models ../models --include example.com/auth/migrations"+flags, 1))
	app.write("migrations/sets.go", "package migrations\n\n"+
		"import auth \"example.com/auth/migrations\"\n\n"+
		"func init() { Migrator.Include("+set+") }\n")
	return lib, app
}

// read returns the content of the module's file rel.
func (m *appModule) read(rel string) string {
	m.t.Helper()
	b, err := os.ReadFile(m.path(rel))
	if err != nil {
		m.t.Fatal(err)
	}
	return string(b)
}

// migrationFiles lists the module's migration files, sorted.
func (m *appModule) migrationFiles() []string {
	names := m.migrations()
	slices.Sort(names)
	return names
}

// snapshotOfDir returns the content of every file of the module's
// directory rel, by name.
func (m *appModule) snapshotOfDir(rel string) map[string]string {
	m.t.Helper()
	entries, err := os.ReadDir(m.path(rel))
	if err != nil {
		m.t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		out[e.Name()] = m.read(filepath.Join(rel, e.Name()))
	}
	return out
}

// setModels returns the schema of the library's models with the app's
// added: its tables, and the columns it adds to the library's.
func (m *appModule) setModels(ctx context.Context) *schema.Schema {
	m.t.Helper()
	lib, err := load.Models(ctx, m.dir, "example.com/auth/models")
	if err != nil {
		m.t.Fatal(err)
	}
	var ext []load.ExternalTable
	for _, t := range lib.Schema.Tables {
		ext = append(ext, load.ExternalTable{Set: "auth", Table: t})
	}
	app, err := load.ModelsWith(ctx, m.dir, ext, "./models")
	if err != nil {
		m.t.Fatal(err)
	}
	return joined(lib.Schema, app.Schema)
}

// joined returns the schema of a library's models, lib, with an app's
// added: its tables, and the columns, indexes and constraints it adds to
// the library's tables (//strata:extend).
func joined(lib, app *schema.Schema) *schema.Schema {
	all := lib.Clone()
	for _, t := range app.Tables {
		base := all.Table(t.Name)
		if base == nil {
			all.Tables = append(all.Tables, t)
			continue
		}
		base.Columns = append(base.Columns, t.Columns...)
		base.Indexes = append(base.Indexes, t.Indexes...)
		base.Uniques = append(base.Uniques, t.Uniques...)
		base.ForeignKeys = append(base.ForeignKeys, t.ForeignKeys...)
		base.Checks = append(base.Checks, t.Checks...)
	}
	for _, e := range app.Enums {
		if all.Enum(e.Name) == nil {
			all.Enums = append(all.Enums, e)
		}
	}
	all.Normalize()
	return all
}

// An app that puts its own accounts in the place of the library's users:
// the library's sessions reference accounts, the library's changes of
// users are left out, and everything applies and reverts on each engine.
func TestAnAppReplacesTheLibrarysUsersByItsOwnAccounts(t *testing.T) {
	ctx := context.Background()
	dialects := strings.Join(targetDialects, ",")
	lib, app := libraryAndApp(t, " --replace users=accounts", `auth.Set.Replacing("users", "accounts")`)
	app.write("models/models.go", "package models\n\n//strata:table accounts\ntype Account struct {\n"+
		"\tID    int64  `db:\"id\" strata:\"pk,identity\"`\n\tLogin string `db:\"login\" strata:\"unique,size=64\"`\n}\n")
	app.run("go", "mod", "tidy")
	app.run("go", "generate", "./migrations")

	urls := map[string]string{}
	for _, e := range engines {
		urls[e.name] = e.newURL(t)
	}
	deploy := func() {
		t.Helper()
		migrate := app.buildMigrate()
		libSchema, err := load.Models(ctx, app.dir, "example.com/auth/models")
		if err != nil {
			t.Fatal(err)
		}
		want := schema.ReplaceTableIn(libSchema.Schema, "users", "accounts")
		own, err := load.Models(ctx, app.dir, "./models")
		if err != nil {
			t.Fatal(err)
		}
		want.Tables = append(want.Tables, own.Schema.Tables...)
		want.Normalize()
		for _, e := range engines {
			app.runMigrate(t, migrate, "up", "--verify", "--db", urls[e.name])
			assertSchema(t, e, e.open(t, urls[e.name]), want)
		}
	}
	deploy()
	// The library's next release adds sessions, referencing users, and
	// changes users, which the app leaves out.
	lib.write("models/models.go", authModels[1])
	lib.run("go", "generate", "./migrations")
	if out := app.run("go", "generate", "./migrations"); !strings.Contains(out, "No changes.") {
		t.Errorf("go generate in the app after the library's release printed:\n%s", out)
	}
	deploy()
	app.runIn("migrations", "go", "tool", "strata", "check", "--models", "../models", "--include", "example.com/auth/migrations", "--replace", "users=accounts", "--dialects", dialects)
	migrate := app.buildMigrate()
	for _, e := range engines {
		app.runMigrate(t, migrate, "down", "--steps", "100", "--db", urls[e.name])
		assertSchema(t, e, e.open(t, urls[e.name]), &schema.Schema{})
	}
}
