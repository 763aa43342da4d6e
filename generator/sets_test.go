package generator

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator/files"
)

// setModule writes a module whose auth package ships its migrations as the
// set "auth" (generated here) and whose app models are appModels, and
// returns its root.
func setModule(t *testing.T, appModels string) string {
	t.Helper()
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/app\n\ngo 1.22\n")
	write("auth/migrations/generate.go", "package migrations\n\nimport \"github.com/strata-go/strata/runtime\"\n\nvar Migrator = runtime.NewSet(\"auth\")\n")
	write("auth/models/models.go", "package models\n\n//strata:table users\ntype User struct {\n\tID    int64  `db:\"id\" strata:\"pk\"`\n\tEmail string `db:\"email\"`\n}\n")
	write("migrations/generate.go", "package migrations\n\nimport \"github.com/strata-go/strata/runtime\"\n\nvar Migrator = runtime.NewMigrator()\n")
	write("models/models.go", appModels)
	releaseLibrary(t, root, "", "")
	return root
}

// releaseLibrary writes src as the file named file of the library's
// models in the module at root, unless file is "", then generates the
// library's next migration and writes it.
func releaseLibrary(t *testing.T, root, file, src string) {
	t.Helper()
	if file != "" {
		if err := os.WriteFile(filepath.Join(root, "auth", "models", file), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	generate(t, Config{Dir: filepath.Join(root, "auth", "migrations"), Models: []string{"../models"}})
}

// generate runs Make with cfg and writes the files it made.
func generate(t *testing.T, cfg Config) *Result {
	t.Helper()
	res, err := Make(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := files.WriteAll(res.Files); err != nil {
		t.Fatal(err)
	}
	return res
}

const postsOfUsers = "package models\n\n//strata:table posts\ntype Post struct {\n\tID     int64 `db:\"id\" strata:\"pk\"`\n\tUserID int64 `db:\"user_id\" strata:\"fk=users.id\"`\n}\n"

func TestAMigrationOfAnAppThatIncludesASetReferencesItsTablesAndDependsOnIt(t *testing.T) {
	root := setModule(t, postsOfUsers)
	res, err := Make(t.Context(), Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != "0001_initial" {
		t.Errorf("the app's first migration is %s, want 0001_initial", res.ID)
	}
	contents := map[string]string{}
	for _, f := range res.Files {
		contents[filepath.Base(f.Path)] = string(f.Content)
	}
	if got := contents["0001_initial.go"]; !strings.Contains(got, `DependsOn: []string{"auth/0001_initial"},`) {
		t.Errorf("the migration does not depend on auth's head:\n%s", got)
	}
	if got := contents["schema_snapshot.go"]; regexp.MustCompile(`Name:\s+"users"`).MatchString(got) || !strings.Contains(got, `RefTable: "users"`) {
		t.Errorf("the app's snapshot should hold posts and its key to users, not users:\n%s", got)
	}
	if sql := res.SQL["postgres"]; len(sql) != 1 || !strings.Contains(sql[0].SQL, `REFERENCES "users" ("id")`) {
		t.Errorf("the SQL on PostgreSQL = %v, want posts referencing users", sql)
	}
	if err := files.WriteAll(res.Files); err != nil {
		t.Fatal(err)
	}
	// Nothing changed: no migration, the set's tables left out of the
	// comparison; strata check replays the app's migrations on them.
	again, err := Make(t.Context(), Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}})
	if err != nil || !again.NoChanges() {
		t.Errorf("Make with nothing changed = %v, %v; want no changes", again, err)
	}
	if _, err := Check(t.Context(), Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}}); err != nil {
		t.Errorf("Check: %v", err)
	}
	if _, err := Check(t.Context(), Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}}); err == nil || !strings.Contains(err.Error(), `references table "users", which Snapshot does not declare`) {
		t.Errorf("Check without the include = %v, want the snapshot's key to users refused", err)
	}
}

func TestIncludingASetRefusesWhatItCannotUse(t *testing.T) {
	for _, c := range []struct {
		name, models string
		include      string
		want         string
	}{
		{"a package that is not a set", postsOfUsers, "./", "its Migrator is not a set"},
		{"a model of a table of the set", "package models\n\n//strata:table users\ntype User struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}\n", "../auth/migrations",
			"table users is a table of set auth, whose migrations make it"},
		{"a key to a column the set's table lacks", strings.Replace(postsOfUsers, "users.id", "users.uid", 1), "../auth/migrations",
			`fk=users.uid: table users of set auth has no column "uid"`},
		{"a key to a column of another type", strings.Replace(postsOfUsers, "UserID int64", "UserID string", 1), "../auth/migrations",
			"users.id, of set auth, is int64"},
		{"a key to a column that is not a key", strings.Replace(strings.Replace(postsOfUsers, "users.id", "users.email", 1), "UserID int64", "UserID string", 1), "../auth/migrations",
			"email is neither the primary key of users (of set auth) nor unique"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := setModule(t, c.models)
			_, err := Make(t.Context(), Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{c.include}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Make = %v, want an error saying %q", err, c.want)
			}
			if entries, _ := os.ReadDir(filepath.Join(root, "migrations")); len(entries) != 1 {
				t.Errorf("a refused run wrote files: %d entries", len(entries))
			}
		})
	}
}

const usersExtension = "\n//strata:extend users\ntype UserExtra struct {\n\tNickname *string `db:\"nickname\" strata:\"size=40,index\"`\n}\n"

func TestAnExtensionAddsColumnsToATableOfTheSetAndTheSnapshotKeepsThemOnly(t *testing.T) {
	root := setModule(t, postsOfUsers+usersExtension)
	cfg := Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}}
	res, err := Make(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	contents := map[string]string{}
	for _, f := range res.Files {
		contents[filepath.Base(f.Path)] = string(f.Content)
	}
	for _, want := range []string{"schema.AddColumn{", `Table: "users"`, `Name: "nickname"`, "schema.CreateIndex{", "schema.CreateTable{"} {
		if !strings.Contains(contents["0001_initial.go"], want) {
			t.Errorf("the migration lacks %q:\n%s", want, contents["0001_initial.go"])
		}
	}
	if strings.Contains(contents["0001_initial.go"], `Name: "users",`) {
		t.Errorf("the migration creates users, the set's table:\n%s", contents["0001_initial.go"])
	}
	snap := contents["schema_snapshot.go"]
	if !regexp.MustCompile(`Name:\s+"users"`).MatchString(snap) || strings.Contains(snap, `"email"`) || !strings.Contains(snap, `"nickname"`) {
		t.Errorf("the snapshot should hold users with the extension's column only:\n%s", snap)
	}
	if err := files.WriteAll(res.Files); err != nil {
		t.Fatal(err)
	}
	if again, err := Make(t.Context(), cfg); err != nil || !again.NoChanges() {
		t.Errorf("Make with nothing changed = %v, %v; want no changes", again, err)
	}
	if _, err := Check(t.Context(), cfg); err != nil {
		t.Errorf("Check: %v", err)
	}

	// The library's next release adds a column of the extension's name:
	// the app's next run names both sides, and writes nothing.
	releaseLibrary(t, root, "models.go", "package models\n\n//strata:table users\ntype User struct {\n\tID       int64   `db:\"id\" strata:\"pk\"`\n\tEmail    string  `db:\"email\"`\n\tNickname *string `db:\"nickname\"`\n}\n")
	_, err = Make(t.Context(), cfg)
	if err == nil || !strings.Contains(err.Error(), "UserExtra.Nickname: column users.nickname: table users of set auth has a column nickname already") {
		t.Errorf("Make after the library added the extension's column = %v", err)
	}
}

func TestAnExtensionNeedsATableOfAnIncludedSetAndNewColumns(t *testing.T) {
	for _, c := range []struct{ name, models, want string }{
		{"a table no set makes", postsOfUsers + strings.Replace(usersExtension, "extend users", "extend members", 1),
			"//strata:extend members: no set the migrations include makes table members"},
		{"a column the table has", postsOfUsers + strings.Replace(usersExtension, `db:"nickname"`, `db:"email"`, 1),
			"column users.email: table users of set auth has a column email already"},
		{"a second extension of one table", postsOfUsers + usersExtension + strings.Replace(strings.Replace(usersExtension, "UserExtra", "MoreExtra", 1), "nickname", "motto", 1),
			"table users is extended by UserExtra already"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := setModule(t, c.models)
			_, err := Make(t.Context(), Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Make = %v, want an error saying %q", err, c.want)
			}
		})
	}
}

// A library's later release renames a table the app references: the
// app's models follow it with no migration of their own, the snapshot
// stays as its latest migration found the set, and check replays both in
// the order they run.
func TestALibraryRenameOfATableTheAppReferencesIsFollowed(t *testing.T) {
	root := setModule(t, postsOfUsers)
	cfg := Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}}
	write := func(rel, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	generate(t, cfg)
	write("auth/models/models.go", "package models\n\n//strata:table accounts renamed_from=users\ntype User struct {\n\tID    int64  `db:\"id\" strata:\"pk\"`\n\tEmail string `db:\"email\"`\n}\n")
	if lib := generate(t, Config{Dir: filepath.Join(root, "auth", "migrations"), Models: []string{"../models"}}); !strings.HasPrefix(lib.ID, "0002_") {
		t.Fatalf("the library's rename is %q", lib.ID)
	}
	if _, err := Make(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), `fk=users.id: no model has table "users"`) {
		t.Errorf("Make with a key to the renamed table = %v", err)
	}
	write("models/models.go", strings.Replace(postsOfUsers, "users.id", "accounts.id", 1))
	if res := generate(t, cfg); !res.NoChanges() {
		t.Errorf("the app's models following the rename made a migration:\n%s", res.Files[0].Content)
	}
	if _, err := Check(t.Context(), cfg); err != nil {
		t.Errorf("Check after the rename: %v", err)
	}
	write("models/models.go", strings.Replace(strings.Replace(postsOfUsers, "users.id", "accounts.id", 1), "}\n", "\tTitle *string `db:\"title\"`\n}\n", 1))
	res := generate(t, cfg)
	migration := string(res.Files[0].Content)
	if !strings.Contains(migration, `DependsOn: []string{"auth/0002_`) || !strings.Contains(migration, "schema.AddColumn{") {
		t.Errorf("the app's next migration:\n%s", migration)
	}
	if !strings.Contains(string(res.Files[1].Content), `RefTable: "accounts"`) {
		t.Errorf("the snapshot after it keeps the old name:\n%s", res.Files[1].Content)
	}
	if _, err := Check(t.Context(), cfg); err != nil {
		t.Errorf("Check after the app's next migration: %v", err)
	}
}

// An app that puts its own accounts in the place of the set's users:
// the set's tables reference accounts, the app's first migration makes it
// without depending on the set, and check replays both.
func TestAnAppThatReplacesATableOfTheSetMakesItsOwn(t *testing.T) {
	root := setModule(t, "package models\n\n//strata:table accounts\ntype Account struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}\n\n"+
		"//strata:table posts\ntype Post struct {\n\tID     int64 `db:\"id\" strata:\"pk\"`\n\tUserID int64 `db:\"user_id\" strata:\"fk=accounts.id\"`\n}\n")
	releaseLibrary(t, root, "sessions.go", "package models\n\n//strata:table sessions\ntype Session struct {\n\tToken  string `db:\"token\" strata:\"pk\"`\n\tUserID int64  `db:\"user_id\" strata:\"fk=users.id\"`\n}\n")
	cfg := Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}, Replaces: []string{"users=accounts"}}
	res, err := Make(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.DependsOn != nil {
		t.Errorf("the migration that makes accounts depends on %v", res.DependsOn)
	}
	if err := files.WriteAll(res.Files); err != nil {
		t.Fatal(err)
	}
	if _, err := Check(t.Context(), cfg); err != nil {
		t.Errorf("Check: %v", err)
	}
	for _, c := range []struct {
		replaces []string
		includes []string
		want     string
	}{
		{[]string{"members=accounts"}, []string{"../auth/migrations"}, "no included set makes table members"},
		{[]string{"users"}, []string{"../auth/migrations"}, "write TABLE=BY"},
		{[]string{"users=accounts"}, nil, "name the set with --include"},
	} {
		cfg := cfg
		cfg.Replaces, cfg.Includes = c.replaces, c.includes
		if _, err := Make(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Make with --replace %v = %v, want %q", c.replaces, err, c.want)
		}
	}
}

// adopt, makemigrations --undo and rebase replay the app's migrations with
// those of the sets it includes.
func TestAdoptUndoAndRebaseOfAnAppThatIncludesASet(t *testing.T) {
	root := setModule(t, postsOfUsers+usersExtension)
	cfg := Config{Dir: filepath.Join(root, "migrations"), Models: []string{"../models"}, Includes: []string{"../auth/migrations"}}
	first := generate(t, cfg)
	snapPath := filepath.Join(root, "migrations", "schema_snapshot.go")
	afterFirst, err := os.ReadFile(snapPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "models", "models.go"), []byte(strings.Replace(postsOfUsers, "}\n", "\tTitle *string `db:\"title\"`\n}\n", 1)+usersExtension), 0o644); err != nil {
		t.Fatal(err)
	}
	second := generate(t, cfg)
	afterSecond, err := os.ReadFile(snapPath)
	if err != nil {
		t.Fatal(err)
	}

	// adopt rebuilds the snapshot byte for byte.
	c, err := AdoptIncluding(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := files.WriteAll(c.Files); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(snapPath); string(got) != string(afterSecond) {
		t.Errorf("adopt rebuilt another snapshot:\n%s\nwant:\n%s", got, afterSecond)
	}

	// rebase regenerates the second migration after the first, the other
	// branch's.
	r, err := Rebase(t.Context(), cfg, []string{first.ID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Regenerated == nil || !slices.Equal(r.Regenerated.DependsOn, []string{"auth/0001_initial"}) {
		t.Errorf("rebase regenerated %+v", r.Regenerated)
	}

	// --undo removes the second and rebuilds the snapshot of the first.
	c, err = UndoIncluding(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := files.WriteAll(c.Files); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(snapPath); string(got) != string(afterFirst) {
		t.Errorf("undo rebuilt another snapshot:\n%s\nwant:\n%s", got, afterFirst)
	}
	if _, err := os.Stat(filepath.Join(root, "migrations", second.ID+".go")); err == nil {
		t.Errorf("undo left %s", second.ID)
	}
}
