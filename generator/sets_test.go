package generator

import (
	"os"
	"path/filepath"
	"regexp"
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
	res, err := Make(t.Context(), Config{Dir: filepath.Join(root, "auth", "migrations"), Models: []string{"../models"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := files.WriteAll(res.Files); err != nil {
		t.Fatal(err)
	}
	return root
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
