// Package integration tests strata end to end, as a user runs it: a
// throwaway module from testdata, strata init, models, go generate, go build,
// and the generated cmd/migrate applied to real SQLite, PostgreSQL and
// MySQL (MariaDB) databases, whose schema is then read back and compared with the models.
package integration

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/mysql"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// engine is one database engine as these tests use it.
type engine struct {
	name       string
	newURL     func(testing.TB) string
	driver     string
	dsn        func(url string) string
	inspect    func(context.Context, *sql.DB) (*schema.Schema, error)
	comparable func(*schema.Schema) *schema.Schema
}

var engines = []engine{
	{
		name:       "sqlite",
		newURL:     testdb.SQLiteURL,
		driver:     "sqlite",
		dsn:        func(url string) string { return strings.TrimPrefix(url, "sqlite:") + "?_pragma=foreign_keys(1)" },
		inspect:    sqlite.Inspect,
		comparable: sqlite.Comparable,
	},
	{
		name:       "postgres",
		newURL:     testdb.PostgresURL,
		driver:     "pgx",
		dsn:        func(url string) string { return url },
		inspect:    postgres.Inspect,
		comparable: postgres.Comparable,
	},
	{
		name:   "mysql",
		newURL: testdb.MySQLSchemeURL,
		driver: "mysql",
		dsn: func(url string) string {
			dsn, err := testdb.MySQLDSN(url)
			if err != nil {
				return url // sql.Open then says what is wrong with it
			}
			return dsn
		},
		inspect:    mysql.Inspect,
		comparable: mysql.Comparable,
	},
}

// enginesFlag picks the engines the tests run on, and so the engines the
// projects they play target.
var enginesFlag = flag.String("engines", "sqlite,postgres,mysql",
	"engines the integration tests run on, comma-separated, among sqlite, postgres and mysql; "+
		"without mysql the generated projects target postgres and sqlite alone, and may declare partial indexes")

// targetDialects names the engines of [engines] as the projects these
// tests play target them, in makemigrations' --dialects (and
// generator.Config.Dialects): what one of them cannot build is refused at
// generation, as a real project targeting those engines sees it. It is set
// with engines by TestMain.
var targetDialects []string

// TestMain keeps, of [engines], those -engines names, in the flag's order.
func TestMain(m *testing.M) {
	flag.Parse()
	var picked []engine
	for _, name := range strings.Split(*enginesFlag, ",") {
		i := slices.IndexFunc(engines, func(e engine) bool { return e.name == strings.TrimSpace(name) })
		if i < 0 {
			fmt.Fprintf(os.Stderr, "-engines: no engine %q: name sqlite, postgres or mysql\n", name)
			os.Exit(2)
		}
		picked = append(picked, engines[i])
		targetDialects = append(targetDialects, engines[i].name)
	}
	engines = picked
	os.Exit(m.Run())
}

// targetsMySQL reports whether MySQL is among the engines the tests
// target. A project that targets it cannot declare a partial index (the
// generator refuses one), so the tests that draw models declare none then.
func targetsMySQL() bool { return slices.Contains(targetDialects, "mysql") }

func TestTheUserLoopFromModelsToLiveDatabases(t *testing.T) {
	ctx := context.Background()
	app := newAppModule(t)

	dialects := strings.Join(targetDialects, ",")
	out := app.strataInit()
	for _, want := range []string{"migrations/generate.go", "cmd/migrate/main.go", "migrations:", "migrate:"} {
		if !strings.Contains(out, want) {
			t.Errorf("strata init printed no %q:\n%s", want, out)
		}
	}
	app.useModels("v1")
	app.run("go", "mod", "tidy")

	// --check finds the missing migration and --dry-run shows it; neither writes.
	makemigrations := []string{"tool", "strata", "makemigrations", "--models", "../models", "--dialects", dialects}
	_, errOut, err := app.exec(app.path("migrations"), "go", append(makemigrations, "--check")...)
	if code := exitCode(err); code != 3 {
		t.Errorf("makemigrations --check with a migration missing exited %d (%v), want 3\n%s", code, err, errOut)
	}
	dry := app.runIn("migrations", "go", append(makemigrations, "--dry-run")...)
	wantDry := []string{"schema.CreateTable{", `CREATE TABLE "users"`}
	for _, d := range targetDialects {
		wantDry = append(wantDry, "-- SQL on "+d+":")
	}
	for _, want := range wantDry {
		if !strings.Contains(dry, want) {
			t.Errorf("makemigrations --dry-run printed no %q:\n%s", want, dry)
		}
	}
	if got := app.migrations(); len(got) != 0 {
		t.Fatalf("--check and --dry-run wrote %v", got)
	}

	app.run("go", "generate", "./...")
	app.runIn("migrations", "go", append(makemigrations, "--check")...)
	if got, want := app.migrations(), []string{"0001_initial.go"}; !slices.Equal(got, want) {
		t.Fatalf("after the first go generate the migrations are %v, want %v", got, want)
	}
	app.run("go", "build", "./...")
	migrate := app.buildMigrate()

	urls := map[string]string{}
	for _, e := range engines {
		urls[e.name] = e.newURL(t)
	}
	v1 := app.models(ctx)
	for _, e := range engines {
		t.Run("version 1 applies on "+e.name, func(t *testing.T) {
			app.runMigrate(t, migrate, "up", "--db", urls[e.name])
			db := e.open(t, urls[e.name])
			assertSchema(t, e, db, v1)
			assertSpotChecks(t, e, db)
		})
	}

	// The second version drops users.visits: go generate alone is refused.
	app.useModels("v2")
	_, errOut, err = app.exec(app.dir, "go", "generate", "./...")
	if err == nil || !strings.Contains(errOut, "users.visits") || !strings.Contains(errOut, "--force") {
		t.Fatalf("go generate with a dropped column: err %v, stderr:\n%s\nwant a refusal naming users.visits and --force", err, errOut)
	}
	if !strings.Contains(errOut, "STRATA_FORCE=1 go generate ./...") {
		t.Errorf("the refusal does not say how to force under go generate:\n%s", errOut)
	}
	if got := app.migrations(); len(got) != 1 {
		t.Fatalf("a refused run wrote files: %v", got)
	}
	// --check and --dry-run show the destructive change too; --check exits 3.
	out, errOut, err = app.exec(app.path("migrations"), "go", append(makemigrations, "--check")...)
	if code := exitCode(err); code != 3 || !strings.Contains(out, "- drop column users.visits (destructive: ") {
		t.Errorf("makemigrations --check with a destructive change exited %d, printed:\n%s%s\nwant 3 and a line for the dropped column", code, out, errOut)
	}
	dry = app.runIn("migrations", "go", append(makemigrations, "--dry-run")...)
	for _, want := range []string{"- drop column users.visits (destructive: ", "Writing it needs --force", "schema.DropColumn{"} {
		if !strings.Contains(dry, want) {
			t.Errorf("makemigrations --dry-run with a destructive change printed no %q:\n%s", want, dry)
		}
	}
	if got := app.migrations(); len(got) != 1 {
		t.Fatalf("--check and --dry-run wrote files: %v", got)
	}
	if out, errOut, err := app.execEnv(app.dir, []string{"STRATA_FORCE=1"}, "go", "generate", "./..."); err != nil {
		t.Fatalf("STRATA_FORCE=1 go generate ./...: %v\n%s%s", err, out, errOut)
	} else if !strings.Contains(out, "- drop column users.visits (destructive: ") {
		t.Errorf("STRATA_FORCE=1 go generate printed no summary line for the dropped column:\n%s", out)
	}
	files := app.migrations()
	if len(files) != 2 || files[0] != "0001_initial.go" || !strings.HasPrefix(files[1], "0002_") {
		t.Fatalf("after the second run the migrations are %v, want 0001_initial.go and one 0002_*.go", files)
	}
	if out := app.run("go", "generate", "./..."); !strings.Contains(out, "No changes.") {
		t.Errorf("go generate with nothing changed printed:\n%s\nwant No changes.", out)
	}
	if got := app.migrations(); !slices.Equal(got, files) {
		t.Errorf("go generate with nothing changed wrote %v", got)
	}
	migrate = app.buildMigrate()
	v2 := app.models(ctx)
	for _, e := range engines {
		t.Run("version 2 applies on "+e.name, func(t *testing.T) {
			app.runMigrate(t, migrate, "up", "--db", urls[e.name])
			assertSchema(t, e, e.open(t, urls[e.name]), v2)
			status := app.runMigrate(t, migrate, "status", "--db", urls[e.name])
			for _, f := range files {
				id := strings.TrimSuffix(f, ".go")
				if !statusShows(status, "[X]", id) {
					t.Errorf("status does not show %s applied:\n%s", id, status)
				}
			}
		})
	}
	for _, e := range engines {
		t.Run("down to zero leaves no table on "+e.name, func(t *testing.T) {
			app.runMigrate(t, migrate, "down", "--steps", "2", "--db", urls[e.name])
			assertSchema(t, e, e.open(t, urls[e.name]), &schema.Schema{})
		})
	}
	for _, e := range engines {
		t.Run("two processes starting up together apply each migration once on "+e.name, func(t *testing.T) {
			url := e.newURL(t)
			app.runConcurrently(t, migrate, 2, "up", "--db", url)
			db := e.open(t, url)
			assertSchema(t, e, db, v2)
			var rows, distinct int
			err := db.QueryRowContext(ctx, "SELECT count(*), count(DISTINCT id) FROM strata_migrations").Scan(&rows, &distinct)
			if err != nil || rows != 2 || distinct != 2 {
				t.Errorf("ledger holds %d rows (%d distinct), err %v; want 2 migrations recorded once each", rows, distinct, err)
			}
		})
	}
}

// statusShows reports whether a line of migrate status output starts with
// marker and names the migration id.
func statusShows(status, marker, id string) bool {
	for _, line := range strings.Split(status, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == marker && f[1] == id {
			return true
		}
	}
	return false
}

// exitCode returns the exit code of a finished command's error: 0 for nil,
// -1 when the command did not run.
func exitCode(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	return -1
}

// buildMigrate builds the module's cmd/migrate and returns the binary's path.
func (m *appModule) buildMigrate() string {
	m.t.Helper()
	bin := m.path("bin/migrate")
	m.run("go", "build", "-o", bin, "./cmd/migrate")
	return bin
}

func (m *appModule) runMigrate(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, errOut, err := m.exec(m.dir, bin, args...)
	if err != nil {
		t.Fatalf("migrate %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// runConcurrently starts n processes of bin at once and waits for all; each
// must exit 0.
func (m *appModule) runConcurrently(t *testing.T, bin string, n int, args ...string) {
	t.Helper()
	cmds := make([]*exec.Cmd, n)
	outs := make([]strings.Builder, n)
	for i := range cmds {
		cmds[i] = exec.Command(bin, args...)
		cmds[i].Dir = m.dir
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = cmd.Wait() }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v\n%s", i+1, err, outs[i].String())
		}
	}
}

// models loads the module's models as the generator sees them.
func (m *appModule) models(ctx context.Context) *schema.Schema {
	m.t.Helper()
	res, err := load.Models(ctx, m.dir, "./models")
	if err != nil {
		m.t.Fatal(err)
	}
	return res.Schema
}

func (e engine) open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open(e.driver, e.dsn(url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// assertSchema reads the live schema back and compares it with want: every
// table, column, type, nullability, default, key, index and constraint.
// Column order is not compared: a column added later sits at the end of its
// table in the database, wherever the field is in the struct.
func assertSchema(t *testing.T, e engine, db *sql.DB, want *schema.Schema) {
	t.Helper()
	got, err := e.inspect(context.Background(), db)
	if err != nil {
		t.Fatalf("inspect %s: %v", e.name, err)
	}
	if diff := cmp.Diff(byColumnName(e.comparable(want)), byColumnName(e.comparable(got))); diff != "" {
		t.Errorf("live %s schema differs from the models (-models +live):\n%s", e.name, diff)
	}
}

func byColumnName(s *schema.Schema) *schema.Schema {
	s = s.Clone()
	for i := range s.Tables {
		slices.SortFunc(s.Tables[i].Columns, func(a, b schema.Column) int { return strings.Compare(a.Name, b.Name) })
	}
	return s
}
