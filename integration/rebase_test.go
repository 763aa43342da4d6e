package integration

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// orgsModels returns models with table orgs and the given extra fields.
func orgsModels(fields ...string) string {
	s := "package models\n\n//strata:table orgs\ntype Org struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n"
	for _, f := range fields {
		s += "\t" + strings.ToUpper(f) + " *string `db:\"" + f + "\"`\n"
	}
	return s + "}\n"
}

// A team's loop with git: a feature branch and main each add migration 0002;
// merging main into the feature branch leaves two migrations numbered 0002
// and a conflict in the snapshot, resolved with either side; strata rebase
// puts the feature branch's migrations after main's, and everything
// applies.
func TestRebasePutsThisBranchsMigrationsAfterTheMergedOnes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		side     string // which side of schema_snapshot.go the merge keeps
		commit   bool   // commit the merge before rebase (HEAD^2), or not (MERGE_HEAD)
		byHand   bool   // the feature branch also has a migration written by hand
		wantMigs []string
	}{
		{"with the snapshot of this branch, during the merge", "--ours", false, false,
			[]string{"0001_initial.go", "0002_add_orgs_b.go", "0003_add_orgs_a.go"}},
		{"with the snapshot of the other branch, after a merge commit, and a migration written by hand", "--theirs", true, true,
			[]string{"0001_initial.go", "0002_add_orgs_b.go", "0003_add_orgs_a.go", "0004_seed.go"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newAppModule(t)
			gitIn := func(args ...string) string {
				return app.run("git", append([]string{"-c", "user.name=strata", "-c", "user.email=strata@example.com"}, args...)...)
			}
			app.strataInit()
			app.write("models/models.go", orgsModels())
			app.run("go", "mod", "tidy")
			app.run("go", "generate", "./...")
			gitIn("init", "-q", "-b", "main")
			gitIn("add", ".")
			gitIn("commit", "-q", "-m", "initial")

			gitIn("checkout", "-q", "-b", "feature")
			app.write("models/models.go", orgsModels("a"))
			app.run("go", "generate", "./...")
			if tc.byHand {
				app.write("migrations/0003_seed.go", strings.NewReplacer("posts (id, title)", "orgs (id)", "(1, 'Hello World')", "(1)", "FROM posts", "FROM orgs").Replace(seed))
				app.run("go", "tool", "strata", "adopt", "--dir", "migrations")
			}
			gitIn("add", ".")
			gitIn("commit", "-q", "-m", "add a")

			gitIn("checkout", "-q", "main")
			app.write("models/models.go", orgsModels("b"))
			app.run("go", "generate", "./...")
			gitIn("add", ".")
			gitIn("commit", "-q", "-m", "add b")

			gitIn("checkout", "-q", "feature")
			if _, _, err := app.exec(app.dir, "git", "-c", "user.name=strata", "-c", "user.email=strata@example.com", "merge", "-q", "main"); err == nil {
				t.Fatal("the merge went through without a conflict; the test needs one in the snapshot")
			}
			app.write("models/models.go", orgsModels("a", "b"))
			gitIn("checkout", tc.side, "migrations/schema_snapshot.go")
			gitIn("add", ".")
			if tc.commit {
				gitIn("commit", "-q", "--no-edit")
			}

			_, errOut, err := app.exec(app.dir, "go", "generate", "./...")
			if err == nil || !strings.Contains(errOut, "strata rebase") {
				t.Errorf("go generate after the merge: err %v, want a refusal naming strata rebase:\n%s", err, errOut)
			}
			out := app.run("go", "tool", "strata", "rebase", "--dir", "migrations", "--models", "../models", "--dialects", strings.Join(targetDialects, ","))
			if got := app.migrations(); !slices.Equal(got, tc.wantMigs) {
				t.Fatalf("after strata rebase the migrations are %v, want %v; it printed:\n%s", got, tc.wantMigs, out)
			}
			if tc.byHand {
				if src := readFile(t, app.path("migrations/0004_seed.go")); !strings.Contains(src, `ID: "0004_seed"`) {
					t.Errorf("the renumbered hand-written migration keeps its old ID:\n%s", src)
				}
			}
			if out, errOut, err := app.exec(app.dir, "go", "tool", "strata", "check", "--dir", "migrations", "--models", "../models", "--dialects", strings.Join(targetDialects, ",")); err != nil {
				t.Errorf("strata check after rebase: %v\n%s%s", err, out, errOut)
			}
			if out := app.run("go", "generate", "./..."); !strings.Contains(out, "No changes.") {
				t.Errorf("go generate after rebase printed:\n%s\nwant No changes.", out)
			}
			migrate := app.buildMigrate()
			for _, e := range engines {
				url := e.newURL(t)
				app.runMigrate(t, migrate, "up", "--db", url)
				db := e.open(t, url)
				if _, err := db.Exec("SELECT a, b FROM orgs"); err != nil {
					t.Errorf("on %s, orgs lacks a column after rebase: %v", e.name, err)
				}
			}
			if _, err := os.Stat(app.path("migrations/0002_add_orgs_a.go")); !os.IsNotExist(err) {
				t.Errorf("the feature branch's 0002 is still there: %v", err)
			}
		})
	}
}
