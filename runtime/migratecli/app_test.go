package migratecli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver, as an app does
	"github.com/urfave/cli/v2"
	_ "modernc.org/sqlite" // registers the "sqlite" driver, as an app does

	"github.com/strata-go/strata/runtime"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// envRunMain makes the test binary run [Main] instead of the tests, with
// the arguments it was started with, over the migrations [childMigrator]
// returns for its value: it lets tests see Main's real exit codes, output
// and handling of signals.
const envRunMain = "STRATA_MIGRATECLI_RUN_MAIN"

func TestMain(m *testing.M) {
	if set := os.Getenv(envRunMain); set != "" {
		os.Args = append([]string{name}, os.Args[1:]...)
		Main(childMigrator(set))
	}
	os.Exit(m.Run())
}

// childMigrator returns the migrations a test binary run as [Main] applies,
// named by the value of [envRunMain]: "1" for [testMigrations], or one of
// the sets of [signalMigrations].
func childMigrator(set string) *runtime.Migrator {
	if set == "1" {
		return newTestMigrator()
	}
	ms, ok := signalMigrations[set]
	if !ok {
		panic("unknown migrations " + set + " in " + envRunMain)
	}
	return migratorOf(ms()...)
}

// result is what one run of the app did.
type result struct {
	stdout, stderr string
	code           int
}

// run runs the app over the test migrations with args, as `migrate args...`
// would.
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runWith(t, newTestMigrator(), args...)
}

// runWith runs the app over the migrations of m with args.
func runWith(t *testing.T, m *runtime.Migrator, args ...string) result {
	t.Helper()
	app := App(m)
	var stdout, stderr bytes.Buffer
	app.Writer, app.ErrWriter = &stdout, &stderr
	err := app.RunContext(context.Background(), append([]string{name}, args...))
	res := result{stdout: stdout.String(), stderr: stderr.String(), code: exitCode(err)}
	switch {
	case err != nil && res.stderr == "":
		t.Errorf("migrate %s: returned %v but printed no error", strings.Join(args, " "), err)
	case err == nil:
		// A run that succeeds prints on its error output only the
		// warnings of the runtime.
		for _, line := range strings.SplitAfter(res.stderr, "\n") {
			if line != "" && (!strings.HasPrefix(line, name+": ") || !strings.HasSuffix(line, "\n")) {
				t.Errorf("migrate %s: returned nil but printed %q on the error output, which is no warning", strings.Join(args, " "), line)
			}
		}
	}
	return res
}

// unsetDatabaseURL keeps the environment's DATABASE_URL out of a test.
func unsetDatabaseURL(t *testing.T) {
	t.Helper()
	t.Setenv("DATABASE_URL", "")
}

func TestUsageErrors(t *testing.T) {
	unsetDatabaseURL(t)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{
			name: "up without a database asks for --db",
			args: []string{"up"},
			stderr: "migrate: no database: pass --db URL or set DATABASE_URL (postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH)\n" +
				"Run 'migrate up --help' for usage.\n",
		},
		{
			name: "status without a database asks for --db",
			args: []string{"status"},
			stderr: "migrate: no database: pass --db URL or set DATABASE_URL (postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH)\n" +
				"Run 'migrate status --help' for usage.\n",
		},
		{
			name: "an unsupported scheme lists the accepted ones",
			args: []string{"--db", "oracle://admin:s3cret@127.0.0.1/app", "up"},
			stderr: `migrate: unsupported database URL scheme "oracle": use postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH` + "\n" +
				"Run 'migrate up --help' for usage.\n",
		},
		{
			name:   "an unknown flag of a command is refused",
			args:   []string{"up", "--bogus"},
			stderr: "migrate: flag provided but not defined: -bogus\nRun 'migrate up --help' for usage.\n",
		},
		{
			name:   "an unknown global flag is refused",
			args:   []string{"--bogus", "up"},
			stderr: "migrate: flag provided but not defined: -bogus\nRun 'migrate --help' for usage.\n",
		},
		{
			name:   "an unknown flag after an argument is refused",
			args:   []string{"sql", "0001", "--bogus"},
			stderr: "migrate: flag provided but not defined: -bogus\nRun 'migrate sql --help' for usage.\n",
		},
		{
			name:   "a flag missing its value after an argument is refused",
			args:   []string{"sql", "0001", "--dialect"},
			stderr: "migrate: flag needs an argument: -dialect\nRun 'migrate sql --help' for usage.\n",
		},
		{
			name:   "an unknown command lists the commands",
			args:   []string{"frobnicate"},
			stderr: "migrate: unknown command \"frobnicate\": the commands are up, down, redo, status, verify, plan, sql, fake, baseline, resolve, fresh, help\nRun 'migrate --help' for usage.\n",
		},
		{
			name:   "help on an unknown command lists the commands",
			args:   []string{"help", "frobnicate"},
			stderr: "migrate: no help for \"frobnicate\": the commands are up, down, redo, status, verify, plan, sql, fake, baseline, resolve, fresh, help\nRun 'migrate --help' for usage.\n",
		},
		{
			name:   "a count of steps below one is refused",
			args:   []string{"down", "--steps", "0"},
			stderr: "migrate: --steps must be at least 1, got 0\nRun 'migrate down --help' for usage.\n",
		},
		{
			name:   "a steps count that is no number is refused",
			args:   []string{"down", "--steps", "two"},
			stderr: "migrate: invalid value \"two\" for flag -steps: parse error\nRun 'migrate down --help' for usage.\n",
		},
		{
			name:   "an argument to up is refused",
			args:   []string{"up", "sqlite:app.db"},
			stderr: "migrate: up takes no arguments, got \"sqlite:app.db\"\nRun 'migrate up --help' for usage.\n",
		},
		{
			name:   "a count given to down as an argument points to --steps",
			args:   []string{"down", "2"},
			stderr: "migrate: down takes no arguments, got \"2\" (to revert N migrations, pass --steps N)\nRun 'migrate down --help' for usage.\n",
		},
		{
			name:   "sql without an ID asks for one",
			args:   []string{"sql", "--dialect", "sqlite"},
			stderr: "migrate: sql takes one migration ID, got 0 arguments\nRun 'migrate sql --help' for usage.\n",
		},
		{
			name:   "down --steps and --batch cannot be combined",
			args:   []string{"down", "--steps", "2", "--batch"},
			stderr: "migrate: --steps, --batch and --to cannot be combined: pass one of them\nRun 'migrate down --help' for usage.\n",
		},
		{
			name:   "down --batch and --to cannot be combined",
			args:   []string{"down", "--batch", "--to", "0001"},
			stderr: "migrate: --steps, --batch and --to cannot be combined: pass one of them\nRun 'migrate down --help' for usage.\n",
		},
		{
			name:   "down --steps and --to cannot be combined, even with --steps at its default",
			args:   []string{"down", "--to=0001", "--steps=1"},
			stderr: "migrate: --steps, --batch and --to cannot be combined: pass one of them\nRun 'migrate down --help' for usage.\n",
		},
		{
			name:   "a negative lock timeout is refused",
			args:   []string{"--db", "sqlite:app.db", "up", "--lock-timeout", "-1s"},
			stderr: "migrate: --lock-timeout must not be negative, got -1s\nRun 'migrate up --help' for usage.\n",
		},
		{
			name:   "a lease shorter than a second is refused",
			args:   []string{"--db", "sqlite:app.db", "--lease", "500ms", "down"},
			stderr: "migrate: --lease must be at least 1s, got 500ms\nRun 'migrate down --help' for usage.\n",
		},
		{
			name:   "a lock timeout that is no duration is refused",
			args:   []string{"fresh", "--yes", "--lock-timeout", "soon"},
			stderr: "migrate: invalid value \"soon\" for flag -lock-timeout: parse error\nRun 'migrate fresh --help' for usage.\n",
		},
		{
			name:   "fresh without --yes says what it drops",
			args:   []string{"fresh", "--non-production"},
			stderr: "migrate: fresh drops every table, with its data, and everything else in the database, then applies every migration: pass --yes to confirm\nRun 'migrate fresh --help' for usage.\n",
		},
		{
			name:   "resolve without --done or --retry asks for one",
			args:   []string{"resolve", "0001"},
			stderr: "migrate: resolve takes exactly one of --done (the interrupted statement took effect) and --retry (it did not)\nRun 'migrate resolve --help' for usage.\n",
		},
		{
			name:   "resolve with both --done and --retry asks for one",
			args:   []string{"resolve", "0001", "--done", "--retry"},
			stderr: "migrate: resolve takes exactly one of --done (the interrupted statement took effect) and --retry (it did not)\nRun 'migrate resolve --help' for usage.\n",
		},
		{
			name:   "resolve without an ID asks for one",
			args:   []string{"resolve", "--retry"},
			stderr: "migrate: resolve takes one migration ID, got 0 arguments\nRun 'migrate resolve --help' for usage.\n",
		},
		{
			name:   "fake without an ID asks for one",
			args:   []string{"fake"},
			stderr: "migrate: fake takes one migration ID, got 0 arguments\nRun 'migrate fake --help' for usage.\n",
		},
		{
			name:   "baseline with two IDs asks for one",
			args:   []string{"baseline", "0001", "0002"},
			stderr: "migrate: baseline takes one migration ID, got 2 arguments\nRun 'migrate baseline --help' for usage.\n",
		},
		{
			name:   "an argument to redo is refused",
			args:   []string{"redo", "0001"},
			stderr: "migrate: redo takes no arguments, got \"0001\"\nRun 'migrate redo --help' for usage.\n",
		},
		{
			name: "plan without a database asks for --db",
			args: []string{"plan"},
			stderr: "migrate: no database: pass --db URL or set DATABASE_URL (postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH)\n" +
				"Run 'migrate plan --help' for usage.\n",
		},
		{
			name:   "sql without a dialect or database asks for one",
			args:   []string{"sql", "0001"},
			stderr: "migrate: no dialect: pass --dialect postgres|sqlite, or --db URL to use its dialect\nRun 'migrate sql --help' for usage.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.args...)
			if res.code != exitUsage {
				t.Errorf("exit code %d, want %d", res.code, exitUsage)
			}
			if diff := cmp.Diff(tt.stderr, res.stderr); diff != "" {
				t.Errorf("error output (-want +got):\n%s", diff)
			}
			if strings.Contains(res.stdout+res.stderr, "s3cret") {
				t.Errorf("the password was printed:\n%s%s", res.stdout, res.stderr)
			}
		})
	}
}

func TestSQLWithAnUnknownDialectIsAUsageError(t *testing.T) {
	res := run(t, "sql", "0001", "--dialect", "oracle")
	if res.code != exitUsage {
		t.Errorf("exit code %d, want %d", res.code, exitUsage)
	}
	want := "migrate: unknown dialect \"oracle\": use postgres or sqlite\nRun 'migrate sql --help' for usage.\n"
	if diff := cmp.Diff(want, res.stderr); diff != "" {
		t.Errorf("error output (-want +got):\n%s", diff)
	}
}

func TestNoCommandShowsHelpAndIsAUsageError(t *testing.T) {
	res := run(t)
	if res.code != exitUsage {
		t.Errorf("exit code %d, want %d", res.code, exitUsage)
	}
	if !strings.Contains(res.stdout, "COMMANDS:") {
		t.Errorf("no help on the output:\n%s", res.stdout)
	}
	want := "migrate: no command given: use one of up, down, redo, status, verify, plan, sql, fake, baseline, resolve, fresh, help\nRun 'migrate --help' for usage.\n"
	if diff := cmp.Diff(want, res.stderr); diff != "" {
		t.Errorf("error output (-want +got):\n%s", diff)
	}
}

func TestUnknownMigrationIDs(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{
			name: "an unknown ID lists the known ones",
			args: []string{"sql", "--dialect", "sqlite", "0009_nothing"},
			stderr: `migrate: unknown migration "0009_nothing": the migrations are ` +
				"0001_create_users, 0002_add_users_bio, 0003_index_users_email, 0004_backfill_users\n",
		},
		{
			name:   "an empty ID is refused",
			args:   []string{"up", "--to=", "--db", "sqlite::memory:"},
			stderr: "migrate: empty migration ID: name a migration, or a prefix of its ID such as 0002\n",
		},
		{
			name: "a prefix of several IDs lists them",
			args: []string{"sql", "--dialect", "sqlite", "000"},
			stderr: `migrate: migration ID "000" is ambiguous: it starts ` +
				"0001_create_users, 0002_add_users_bio, 0003_index_users_email, 0004_backfill_users\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.args...)
			if res.code != exitFailure {
				t.Errorf("exit code %d, want %d", res.code, exitFailure)
			}
			if diff := cmp.Diff(tt.stderr, res.stderr); diff != "" {
				t.Errorf("error output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPasswordIsNeverPrinted(t *testing.T) {
	unsetDatabaseURL(t)
	const secret = "s3cr3t-Pw"
	urls := []struct {
		where string
		url   string
	}{
		{"in the user information", "postgres://alice:" + secret + "@127.0.0.1:1/app?sslmode=disable&connect_timeout=5"},
		{"as a query parameter", "postgresql://alice@127.0.0.1:1/app?password=" + secret + "&sslmode=disable&connect_timeout=5"},
	}
	for _, u := range urls {
		url := u.url
		for _, args := range [][]string{
			{"--db", url, "up"},
			{"status", "--db", url},
			{"down", "--db", url, "--steps", "2"},
		} {
			command := args[0]
			if command == "--db" {
				command = args[2]
			}
			t.Run(command+" on an unreachable server hides a password "+u.where, func(t *testing.T) {
				res := run(t, args...)
				if res.code != exitFailure {
					t.Errorf("exit code %d, want %d; error output:\n%s", res.code, exitFailure, res.stderr)
				}
				if !strings.Contains(res.stderr, "connect to "+Redact(url)) {
					t.Errorf("error output does not name the redacted URL %s:\n%s", Redact(url), res.stderr)
				}
				if strings.Contains(res.stdout+res.stderr, secret) {
					t.Errorf("the password was printed:\n%s%s", res.stdout, res.stderr)
				}
			})
		}
	}
}

func TestScrubRemovesThePasswordFromTheURLAndElsewhere(t *testing.T) {
	var sc scrubber
	sc.collect("--db", "postgres://alice:hunter22@db/app")
	got := sc.scrub(`connect "postgres://alice:hunter22@db/app": server said hunter22`)
	want := `connect "postgres://alice:xxxxx@db/app": server said xxxxx`
	if got != want {
		t.Errorf("scrub = %q, want %q", got, want)
	}
}

func TestEveryCommandIsDocumented(t *testing.T) {
	app := App(newTestMigrator())
	for _, cmd := range app.Commands {
		if cmd.Name == "help" {
			continue
		}
		t.Run(cmd.Name+" has a usage, a description and documented flags", func(t *testing.T) {
			if cmd.Usage == "" || cmd.Description == "" {
				t.Errorf("Usage %q, Description %q: want both", cmd.Usage, cmd.Description)
			}
			res := run(t, cmd.Name, "--help")
			if res.code != 0 {
				t.Fatalf("migrate %s --help: exit code %d, error output %q", cmd.Name, res.code, res.stderr)
			}
			for _, f := range cmd.Flags {
				doc, ok := f.(cli.DocGenerationFlag)
				if !ok || doc.GetUsage() == "" {
					t.Errorf("flag --%s has no usage", f.Names()[0])
				}
				if !strings.Contains(res.stdout, "--"+f.Names()[0]) {
					t.Errorf("migrate %s --help does not show --%s:\n%s", cmd.Name, f.Names()[0], res.stdout)
				}
			}
		})
	}
}

func TestHelpGolden(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://alice:s3cret@db/app")
	var transcript strings.Builder
	for _, args := range [][]string{
		{"--help"},
		{"help", "up"},
		{"down", "--help"},
		{"redo", "--help"},
		{"status", "-h"},
		{"plan", "--help"},
		{"sql", "0001", "--help"},
		{"fake", "0001", "--help"},
		{"help", "baseline"},
		{"resolve", "--help"},
		{"fresh", "--help"},
	} {
		res := run(t, args...)
		if res.code != 0 {
			t.Errorf("migrate %s: exit code %d, error output %q", strings.Join(args, " "), res.code, res.stderr)
		}
		transcript.WriteString("$ migrate " + strings.Join(args, " ") + "\n" + res.stdout)
	}
	if strings.Contains(transcript.String(), "s3cret") {
		t.Errorf("help shows the password of DATABASE_URL:\n%s", transcript.String())
	}
	golden(t, "help.golden", transcript.String())
}

func TestMainExitCodes(t *testing.T) {
	unsetDatabaseURL(t)
	sqliteURL := "sqlite:" + filepath.Join(t.TempDir(), "main.db")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{
			name:   "applying migrations exits 0",
			args:   []string{"--db", sqliteURL, "up"},
			code:   0,
			stdout: "applied 0001_create_users",
		},
		{
			name:   "an unknown flag exits 2",
			args:   []string{"up", "--bogus"},
			code:   2,
			stderr: "migrate: flag provided but not defined: -bogus\n",
		},
		{
			name:   "an unknown command exits 2",
			args:   []string{"frobnicate"},
			code:   2,
			stderr: "migrate: unknown command \"frobnicate\"",
		},
		{
			name:   "a missing database exits 2",
			args:   []string{"status"},
			code:   2,
			stderr: "migrate: no database",
		},
		{
			name:   "an unreachable database exits 1",
			args:   []string{"--db", "postgres://alice:s3cret@127.0.0.1:1/app?connect_timeout=5", "status"},
			code:   1,
			stderr: "migrate: connect to postgres://alice:xxxxx@127.0.0.1:1/app?connect_timeout=5: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tt.args...)
			cmd.Env = append(os.Environ(), envRunMain+"=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatalf("run migrate: %v", err)
			}
			if code != tt.code {
				t.Errorf("exit code %d, want %d; error output:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("output %q does not contain %q", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("error output %q does not contain %q", stderr.String(), tt.stderr)
			}
			if strings.Contains(stdout.String()+stderr.String(), "s3cret") {
				t.Errorf("the password was printed:\n%s%s", stdout.String(), stderr.String())
			}
		})
	}
}

// golden compares got with the file testdata/name, or rewrites the file
// under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
