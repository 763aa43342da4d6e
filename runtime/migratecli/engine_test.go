package migratecli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// engine is a database the shared test bodies run on.
type engine struct {
	name string
	url  func(testing.TB) string // a URL naming a new, empty database
}

var engines = []engine{
	{name: "sqlite", url: testdb.SQLiteURL},
	{name: "postgres", url: testdb.PostgresURL},
	{name: "mysql", url: testdb.MySQLSchemeURL},
}

// onEachEngine runs body once per engine, with a fresh database each time.
func onEachEngine(t *testing.T, body func(t *testing.T, url string)) {
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) { body(t, e.url(t)) })
	}
}

// The parts of the output that change from run to run.
var (
	durationText = regexp.MustCompile(`\(\d+(\.\d+)?(ns|µs|ms|s|m\d+(\.\d+)?s)\)`)
	appliedAt    = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ`)
)

// mask replaces durations and times of day in out by fixed text, after
// checking that every time printed lies between since and now.
func mask(t *testing.T, out string, since time.Time) string {
	t.Helper()
	for _, text := range appliedAt.FindAllString(out, -1) {
		at, err := time.Parse(appliedAtLayout, text)
		if err != nil {
			t.Errorf("applied at %q: %v", text, err)
			continue
		}
		if at.Before(since.Truncate(time.Second)) || at.After(time.Now().Add(time.Second)) {
			t.Errorf("applied at %s, want a time between %s and now (UTC)", text, since.UTC().Format(appliedAtLayout))
		}
	}
	out = durationText.ReplaceAllString(out, "(DURATION)")
	return appliedAt.ReplaceAllString(out, "YYYY-MM-DD hh:mm:ssZ")
}

// TestSession applies, lists and reverts the test migrations through the
// commands, and compares what they print, one engine after the other, with
// one transcript.
func TestSession(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		since := time.Now()
		var transcript strings.Builder
		migrate := func(args ...string) {
			t.Helper()
			res := run(t, append([]string{"--db", url}, args...)...)
			if res.code != 0 {
				t.Fatalf("migrate %s: exit code %d, error output:\n%s", strings.Join(args, " "), res.code, res.stderr)
			}
			transcript.WriteString("$ migrate " + strings.Join(args, " ") + "\n" + res.stdout)
		}
		migrate("status")
		migrate("up")
		query(t, url, "SELECT id, email, name, bio FROM users")
		migrate("up")
		migrate("status")
		migrate("down", "--steps", "2")
		migrate("status")
		migrate("up")
		migrate("status")
		migrate("down")
		migrate("down", "--steps", "10")
		migrate("down")
		migrate("status")
		if err := tryQuery(t, url, "SELECT 1 FROM users"); err == nil {
			t.Errorf("table users is still there after every migration was reverted")
		}
		golden(t, "session.golden", mask(t, transcript.String(), since))
	})
}

// query runs a query on the database url names, failing the test if it
// fails.
func query(t *testing.T, url, q string) {
	t.Helper()
	if err := tryQuery(t, url, q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// tryQuery runs a query on the database url names.
func tryQuery(t *testing.T, url, q string) error {
	t.Helper()
	db, _, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
	}
	return rows.Err()
}

func TestUpStopsAtTheFailingMigration(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := runtime.NewMigrator()
		m.Register(testMigrations()[0], runtime.Migration{
			ID: "0002_broken",
			Up: []schema.Operation{schema.RunSQL{SQL: "INSERT INTO nowhere VALUES (1)"}},
		})
		res := runWith(t, m, "--db", url, "up")
		if res.code != exitFailure {
			t.Errorf("exit code %d, want %d", res.code, exitFailure)
		}
		if diff := cmp.Diff("applied 0001_create_users (DURATION)\n", mask(t, res.stdout, time.Now())); diff != "" {
			t.Errorf("output (-want +got):\n%s", diff)
		}
		if !strings.HasPrefix(res.stderr, "migrate: ") || !strings.Contains(res.stderr, "0002_broken") {
			t.Errorf("error output %q does not name the failing migration", res.stderr)
		}
		if strings.Count(res.stderr, "\n") != 1 {
			t.Errorf("error output is not one line:\n%s", res.stderr)
		}
	})
}

func TestTheDatabaseURLComesFromAnyPlace(t *testing.T) {
	tests := []struct {
		name string
		args func(url string) []string
		env  func(url string) string
	}{
		{
			name: "DATABASE_URL names the database without --db",
			args: func(string) []string { return []string{"up"} },
			env:  func(url string) string { return url },
		},
		{
			name: "--db before the command overrides DATABASE_URL",
			args: func(url string) []string { return []string{"--db", url, "up"} },
			env:  func(string) string { return "mysql://elsewhere/app" },
		},
		{
			name: "--db after the command overrides the one before it",
			args: func(url string) []string { return []string{"--db", "mysql://elsewhere/app", "up", "--db", url} },
			env:  func(string) string { return "" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := testdb.SQLiteURL(t)
			t.Setenv("DATABASE_URL", tt.env(url))
			res := run(t, tt.args(url)...)
			if res.code != 0 {
				t.Fatalf("exit code %d, error output:\n%s", res.code, res.stderr)
			}
			if !strings.HasPrefix(res.stdout, "applied 0001_create_users") {
				t.Errorf("output %q, want the migrations applied", res.stdout)
			}
			query(t, url, "SELECT id, email, name, bio FROM users")
		})
	}
}

// TestSQLGolden prints every test migration, up and down, on each dialect.
func TestSQLGolden(t *testing.T) {
	unsetDatabaseURL(t)
	for _, dialect := range []string{"postgres", "sqlite", "mysql"} {
		t.Run("on "+dialect, func(t *testing.T) {
			var transcript strings.Builder
			for _, m := range testMigrations() {
				for _, args := range [][]string{
					{"sql", "--dialect", dialect, m.ID},
					{"sql", "--dialect", dialect, "--down", m.ID},
				} {
					res := run(t, args...)
					if res.code != 0 {
						t.Fatalf("migrate %s: exit code %d, error output:\n%s", strings.Join(args, " "), res.code, res.stderr)
					}
					transcript.WriteString("$ migrate " + strings.Join(args, " ") + "\n" + res.stdout)
				}
			}
			golden(t, "sql_"+dialect+".golden", transcript.String())
		})
	}
}

func TestSQLArgumentsInAnyOrder(t *testing.T) {
	unsetDatabaseURL(t)
	want := run(t, "sql", "--dialect", "sqlite", "--down", "0002_add_users_bio")
	if want.code != 0 || want.stdout == "" {
		t.Fatalf("migrate sql: exit code %d, output %q, error output %q", want.code, want.stdout, want.stderr)
	}
	sqlitePath := filepath.Join(t.TempDir(), "untouched.db")
	tests := []struct {
		name string
		args []string
	}{
		{"flags may follow the ID", []string{"sql", "0002_add_users_bio", "--dialect", "sqlite", "--down"}},
		{"flags may surround the ID", []string{"sql", "--down", "0002_add_users_bio", "--dialect=sqlite"}},
		{"a prefix names the one migration it starts", []string{"sql", "--dialect", "sqlite", "--down", "0002"}},
		{"the dialect comes from --db without connecting", []string{"--db", "sqlite:" + sqlitePath, "sql", "--down", "0002"}},
		{"--dialect overrides the dialect of --db", []string{"--db", "postgres://alice:s3cret@127.0.0.1:1/app", "sql", "--dialect", "sqlite", "--down", "0002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, tt.args...)
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("migrate %s (-want +got):\n%s", strings.Join(tt.args, " "), diff)
			}
		})
	}
	if _, err := os.Stat(sqlitePath); !os.IsNotExist(err) {
		t.Errorf("migrate sql touched the database %s: %v", sqlitePath, err)
	}
}

func TestSQLTakesThePostgresDialectOfDB(t *testing.T) {
	unsetDatabaseURL(t)
	want := run(t, "sql", "--dialect", "postgres", "0001")
	got := run(t, "--db", "postgresql://alice:s3cret@127.0.0.1:1/app", "sql", "0001")
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(got.stdout, "(up, postgres)") {
		t.Errorf("output is not for postgres:\n%s", got.stdout)
	}
}

func TestOpen(t *testing.T) {
	t.Run("a sqlite database has a busy timeout and foreign keys on", func(t *testing.T) {
		db, d, err := Open(context.Background(), testdb.SQLiteURL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = db.Close() }()
		if d.Name() != "sqlite" {
			t.Errorf("dialect %q, want sqlite", d.Name())
		}
		for _, p := range []struct {
			name string
			want int
		}{{"busy_timeout", 10000}, {"foreign_keys", 1}} {
			var got int
			if err := db.QueryRowContext(context.Background(), "PRAGMA "+p.name).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", p.name, err)
			}
			if got != p.want {
				t.Errorf("PRAGMA %s = %d, want %d", p.name, got, p.want)
			}
		}
	})
	t.Run("a postgres database opens with the postgres dialect", func(t *testing.T) {
		db, d, err := Open(context.Background(), testdb.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = db.Close() }()
		if d.Name() != "postgres" {
			t.Errorf("dialect %q, want postgres", d.Name())
		}
		var one int
		if err := db.QueryRowContext(context.Background(), "SELECT 1").Scan(&one); err != nil {
			t.Errorf("SELECT 1: %v", err)
		}
	})
	t.Run("an unreachable server is an error that hides the password", func(t *testing.T) {
		db, _, err := Open(context.Background(), "postgres://alice:s3cret@127.0.0.1:1/app?connect_timeout=5")
		if err == nil {
			_ = db.Close()
			t.Fatal("Open succeeded")
		}
		want := "migratecli: connect to postgres://alice:xxxxx@127.0.0.1:1/app?connect_timeout=5: "
		if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error %q, want it to start %q and hide the password", err, want)
		}
	})
}

func TestSQLTakesTheFormAndTheTimeouts(t *testing.T) {
	unsetDatabaseURL(t)
	res := run(t, "sql", "--dialect", "postgres", "--offline", "--step-lock-timeout", "5s", "--step-statement-timeout", "0", "0003_index_users_email")
	want := `-- 0003_index_users_email (up, postgres)
BEGIN;
SET LOCAL lock_timeout = '5s';
-- locks SHARE on "users" (blocks writes while it builds)
CREATE UNIQUE INDEX "users_email_idx" ON "users" ("email");
COMMIT;
`
	if res.code != 0 || res.stdout != want {
		t.Errorf("migrate sql --offline: exit code %d, output (-want +got):\n%s\nerror output: %s", res.code, cmp.Diff(want, res.stdout), res.stderr)
	}
	res = run(t, "sql", "--dialect", "postgres", "--step-lock-timeout", "-1s", "0003_index_users_email")
	if res.code != 2 || !strings.Contains(res.stderr, "must not be negative") {
		t.Errorf("a negative timeout: exit code %d, error output %q; want a usage error", res.code, res.stderr)
	}
}
