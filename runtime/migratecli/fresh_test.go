package migratecli

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
)

// productionURL returns the URL of a new, empty database of engine e whose
// name does not mark it as non-production.
func productionURL(t *testing.T, e engine) string {
	t.Helper()
	u := "sqlite:" + filepath.Join(t.TempDir(), "app.db")
	if e.name == "postgres" {
		u = testdb.PostgresURL(t) // strata_<test name>_<hex>
	}
	if nonProduction(u) {
		t.Fatalf("the URL %s is marked as non-production; the test needs one that is not", u)
	}
	return u
}

// testURL returns the URL of a new, empty database of engine e whose name
// ends with _test, which marks it as non-production.
func testURL(t *testing.T, e engine) string {
	t.Helper()
	if e.name != "postgres" {
		return "sqlite:" + filepath.Join(t.TempDir(), "app_test.db")
	}
	// testdb names a database after the test; rename it to end with _test,
	// and drop it under that name when the test ends.
	u, err := url.Parse(testdb.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := sql.Open("pgx", os.Getenv(testdb.EnvPostgres))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE "`+name+`" RENAME TO "`+name+`_test"`); err != nil {
		t.Fatalf("rename the test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", os.Getenv(testdb.EnvPostgres))
		if err != nil {
			t.Error(err)
			return
		}
		defer func() { _ = admin.Close() }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`_test" WITH (FORCE)`); err != nil {
			t.Errorf("drop the test database: %v", err)
		}
	})
	u.Path += "_test"
	return u.String()
}

// dirty applies every test migration to the database url names, then
// adds a user and a table of its own.
func dirty(t *testing.T, m *runtime.Migrator, url string) {
	t.Helper()
	migrateOn(t, m, url, 0, "up")
	execSQL(t, url,
		"INSERT INTO users (email) VALUES ('ada@example.com')",
		"CREATE TABLE scratch_notes (note TEXT)")
}

// wantUntouched fails the test unless the database url names is as dirty
// left it.
func wantUntouched(t *testing.T, m *runtime.Migrator, url string) {
	t.Helper()
	wantLedger(t, m, url, all(1, createUsers, addBio, indexEmail, backfill))
	if n := countRows(t, url, "users"); n != 1 {
		t.Errorf("users has %d rows, want its 1 row kept", n)
	}
	query(t, url, "SELECT note FROM scratch_notes")
}

const appliedAll = "applied 0001_create_users (DURATION)\n" +
	"applied 0002_add_users_bio (DURATION)\n" +
	"applied 0003_index_users_email (DURATION)\n" +
	"applied 0004_backfill_users (DURATION)\n"

func TestFreshWithoutYesIsAUsageErrorAndDropsNothing(t *testing.T) {
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			m := newTestMigrator()
			url := testURL(t, e)
			dirty(t, m, url)
			for _, args := range [][]string{{"fresh"}, {"fresh", "--non-production"}} {
				res := migrateOn(t, m, url, exitUsage, args...)
				wantOutput(t, res.stdout, "")
				want := "migrate: fresh drops every table, with its data, and everything else in the database, then applies every migration: pass --yes to confirm\n" +
					"Run 'migrate fresh --help' for usage.\n"
				if res.stderr != want {
					t.Errorf("error output %q, want %q", res.stderr, want)
				}
			}
			wantUntouched(t, m, url)
		})
	}
}

func TestFreshRefusesADatabaseWhoseURLDoesNotMarkItAsNonProduction(t *testing.T) {
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			m := newTestMigrator()
			url := productionURL(t, e)
			dirty(t, m, url)
			res := migrateOn(t, m, url, exitFailure, "fresh", "--yes")
			wantOutput(t, res.stdout, "")
			wantError(t, res.stderr, "refusing to drop everything in a database not marked as non-production: the name of "+Redact(url)+
				" does not mark it as a test or development database (such as app_test, dev.db or myapp-dev; see migrate fresh --help); "+
				"if it is not a production database, pass --non-production")
			wantUntouched(t, m, url)
		})
	}
}

func TestFreshDropsEverythingAndAppliesEveryMigration(t *testing.T) {
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			for _, tt := range []struct {
				name string
				url  func(*testing.T, engine) string
				args []string
			}{
				{"on a database named as a test one", testURL, []string{"fresh", "--yes"}},
				{"on any database given --non-production", productionURL, []string{"fresh", "--non-production", "--yes"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					m := newTestMigrator()
					url := tt.url(t, e)
					dirty(t, m, url)
					migrateOn(t, m, url, 0, "down", "--steps", "2")
					res := migrateOn(t, m, url, 0, tt.args...)
					wantOutput(t, res.stdout, appliedAll)
					wantLedger(t, m, url, all(1, createUsers, addBio, indexEmail, backfill))
					if n := countRows(t, url, "users"); n != 0 {
						t.Errorf("users has %d rows after fresh, want none", n)
					}
					wantNoTable(t, url, "scratch_notes")
				})
			}
		})
	}
}
