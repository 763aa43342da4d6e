package migratecli

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// The migrations of the signal tests.
const (
	createFirst  = "0001_create_first"
	createSecond = "0002_create_second"
	createThird  = "0003_create_third"
)

// waitingLine is what the third migration of a signal test prints, straight
// to the process's output, once it waits: the test sends its signals then.
const waitingLine = "test: 0003_create_third waits\n"

// stubbornLine is what the third migration of "signal:stubborn" prints
// once its context has ended, before it goes on waiting.
const stubbornLine = "test: 0003_create_third goes on\n"

// createTable returns a migration that creates a table of one column.
func createTable(id, table string, more ...schema.Operation) runtime.Migration {
	return runtime.Migration{
		ID: id,
		Up: append([]schema.Operation{schema.CreateTable{Table: schema.Table{
			Name:       table,
			Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}},
			PrimaryKey: []string{"id"},
		}}}, more...),
		Down: []schema.Operation{schema.DropTable{Name: table}},
	}
}

// quickMigrations are the two migrations a signal test sees applied
// before it sends its signal.
func quickMigrations() []runtime.Migration {
	return []runtime.Migration{createTable(createFirst, "first"), createTable(createSecond, "second")}
}

// waitingMigrations returns [quickMigrations] and a third migration that
// creates a table, prints [waitingLine], then runs wait, which blocks.
func waitingMigrations(wait schema.Operation) func() []runtime.Migration {
	return func() []runtime.Migration {
		printWaiting := schema.RunGo{Func: func(context.Context, *sql.Tx) error {
			_, err := fmt.Fprint(os.Stdout, waitingLine)
			return err
		}}
		return append(quickMigrations(), createTable(createThird, "third", printWaiting, wait))
	}
}

// signalMigrations are the sets of migrations a test binary run as [Main]
// may apply, by the value of [envRunMain]:
//
//   - "signal:postgres", "signal:mysql" and "signal:sqlite" wait, in the
//     third migration, until the run's context ends: PostgreSQL and MySQL
//     in a statement, SQLite in Go;
//   - "signal:stubborn" waits there until the context ends, prints
//     [stubbornLine], then waits a minute more, as a migration slow to stop
//     would;
//   - "quick" holds the first two only.
var signalMigrations = map[string]func() []runtime.Migration{
	"signal:postgres": waitingMigrations(schema.RunSQL{SQL: sleepStatement}),
	"signal:mysql":    waitingMigrations(schema.RunSQL{SQL: mysqlSleepStatement}),
	"signal:sqlite": waitingMigrations(schema.RunGo{Func: func(ctx context.Context, _ *sql.Tx) error {
		<-ctx.Done()
		return ctx.Err()
	}}),
	"signal:stubborn": waitingMigrations(schema.RunGo{Func: func(ctx context.Context, _ *sql.Tx) error {
		<-ctx.Done()
		if _, err := fmt.Fprint(os.Stdout, stubbornLine); err != nil {
			return err
		}
		time.Sleep(time.Minute)
		return nil
	}}),
	"quick": quickMigrations,
}

// syncBuffer is a buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// child is the test binary run as [Main] in a process of its own.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	exited         chan struct{} // closed once cmd.ProcessState is set
}

// startMigrate starts `migrate args...` in a child process, over the
// migrations of set ([signalMigrations]). The child is killed when the
// test ends, if it still runs.
func startMigrate(t *testing.T, set string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], args...), exited: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), envRunMain+"="+set, "DATABASE_URL=")
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start migrate: %v", err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
	})
	return c
}

// waitForOutput waits until the child has printed want, and fails the
// test if it exits or 30 seconds pass first.
func (c *child) waitForOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(c.stdout.String(), want) {
		select {
		case <-c.exited:
			if strings.Contains(c.stdout.String(), want) {
				return
			}
			t.Fatalf("migrate exited (%v) before printing %q; output:\n%s\nerror output:\n%s", c.cmd.ProcessState, want, c.stdout.String(), c.stderr.String())
		case <-deadline:
			t.Fatalf("migrate did not print %q within 30s; output:\n%s\nerror output:\n%s", want, c.stdout.String(), c.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// signal sends sig to the child.
func (c *child) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("send %s: %v", sig, err)
	}
}

// wait waits for the child to exit, and fails the test, killing the child,
// unless it does within d.
func (c *child) wait(t *testing.T, d time.Duration) *os.ProcessState {
	t.Helper()
	select {
	case <-c.exited:
		return c.cmd.ProcessState
	case <-time.After(d):
		_ = c.cmd.Process.Kill()
		<-c.exited
		t.Fatalf("migrate did not exit within %s; output:\n%s\nerror output:\n%s", d, c.stdout.String(), c.stderr.String())
		return nil
	}
}

// skipWithoutSignals skips a test on systems where a process cannot be
// sent SIGINT or SIGTERM.
func skipWithoutSignals(t *testing.T) {
	t.Helper()
	if goruntime.GOOS == "windows" {
		t.Skip("SIGINT and SIGTERM cannot be sent to a process on Windows")
	}
}

// ledgerIDs returns the IDs the ledger of the database url names holds, in
// order.
func ledgerIDs(t *testing.T, url string) []string {
	t.Helper()
	db, _, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()
	return dialecttest.QueryRows(t, db, "SELECT id FROM strata_migrations ORDER BY id")
}

// advisoryLockHolders describes the sessions that hold an advisory lock on
// the PostgreSQL database url names, each with what it is doing.
func advisoryLockHolders(t *testing.T, url string) []string {
	t.Helper()
	db, _, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.QueryContext(context.Background(), `SELECT l.pid, coalesce(a.state, ''), coalesce(a.query, '')
		FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted
		AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
	if err != nil {
		t.Fatalf("read pg_locks: %v", err)
	}
	defer func() { _ = rows.Close() }()
	var holders []string
	for rows.Next() {
		var (
			pid          int
			state, query string
		)
		if err := rows.Scan(&pid, &state, &query); err != nil {
			t.Fatal(err)
		}
		holders = append(holders, fmt.Sprintf("session %d (%s: %s)", pid, state, query))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return holders
}

// sleepStatement is the statement of the third migration of
// "signal:postgres", and mysqlSleepStatement that of "signal:mysql".
const (
	sleepStatement      = "SELECT pg_sleep(30)"
	mysqlSleepStatement = "SELECT SLEEP(30)"
)

// waitForStatement waits until a session of the PostgreSQL database url
// names runs statement (first, in a text that may hold more: the runtime
// sends a migration's ledger row with its last statement), and fails the
// test unless one does within 30 seconds.
func waitForStatement(t *testing.T, url, statement string) {
	t.Helper()
	db, _, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND starts_with(query, $1)`, statement).Scan(&n)
		switch {
		case err != nil:
			t.Fatalf("read pg_stat_activity: %v", err)
		case n > 0:
			return
		case time.Now().After(deadline):
			t.Fatalf("no session ran %q within 30s", statement)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// interruptUp runs `migrate up` over "signal:<engine>" in a child process
// on a new database of e, sends it sig while its third migration runs (on
// PostgreSQL, while its statement runs on the server), and checks what the
// child did: it exits with code 1 within 10 seconds, having printed the
// lines of the first two migrations as they committed, then one line of
// error naming the signal and the third migration. It returns the URL of
// the database.
func interruptUp(t *testing.T, e engine, sig os.Signal, sigName string) string {
	t.Helper()
	url := e.url(t)
	c := startMigrate(t, "signal:"+e.name, "--db", url, "up")
	c.waitForOutput(t, waitingLine)
	if e.name == "postgres" {
		waitForStatement(t, url, sleepStatement)
	}
	printed := c.stdout.String()
	c.signal(t, sig)
	state := c.wait(t, 10*time.Second)

	if state.ExitCode() != exitFailure {
		t.Errorf("migrate exited with %v, want code %d; error output:\n%s", state, exitFailure, c.stderr.String())
	}
	applied := "applied " + createFirst + " (DURATION)\napplied " + createSecond + " (DURATION)\n"
	if diff := cmp.Diff(applied+waitingLine, mask(t, printed, time.Time{})); diff != "" {
		t.Errorf("output before the signal (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(printed, c.stdout.String()); diff != "" {
		t.Errorf("output after the signal, which should add nothing (-want +got):\n%s", diff)
	}
	stderr := c.stderr.String()
	if want := name + ": interrupted by " + sigName + ": "; !strings.HasPrefix(stderr, want) ||
		!strings.Contains(stderr, createThird) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("error output %q, want one line starting %q that names %s", stderr, want, createThird)
	}
	return url
}

// TestASignalRollsBackTheMigrationInFlight stops up with SIGTERM or SIGINT
// while its third migration runs: the first two stay applied, and nothing
// of the third remains.
func TestASignalRollsBackTheMigrationInFlight(t *testing.T) {
	skipWithoutSignals(t)
	for _, sig := range []struct {
		sig  os.Signal
		name string
	}{{syscall.SIGTERM, "SIGTERM"}, {syscall.SIGINT, "SIGINT"}} {
		for _, e := range engines {
			t.Run(sig.name+" on "+e.name, func(t *testing.T) {
				url := interruptUp(t, e, sig.sig, sig.name)
				if diff := cmp.Diff([]string{createFirst, createSecond}, ledgerIDs(t, url)); diff != "" {
					t.Errorf("ledger (-want +got):\n%s", diff)
				}
				if e.name == "mysql" {
					// MySQL committed the CREATE TABLE on its own, and
					// the progress row says so: the transaction after it
					// is what rolled back. The next up resumes there.
					query(t, url, "SELECT 1 FROM third")
					res := migrateOn(t, migratorOf(append(quickMigrations(), createTable(createThird, "third"))...), url, 0, "up", "--lock-timeout", "5s")
					wantOutput(t, res.stdout, "applied "+createThird+" (DURATION)\n")
					return
				}
				wantNoTable(t, url, "third")
				// up finds nothing pending at once; it takes no lock then.
				start := time.Now()
				res := migrateOn(t, migratorOf(quickMigrations()...), url, 0, "up", "--lock-timeout", "5s")
				wantOutput(t, res.stdout, "nothing to apply\n")
				if took := time.Since(start); took > 5*time.Second {
					t.Errorf("up took %s, want it at once", took)
				}
			})
		}
	}
}

// TestASignalLeavesTheMigrationLockFree stops up with SIGTERM while its
// third migration runs, then checks that the migration lock is free: on
// PostgreSQL, that the server holds no advisory lock on the database, and
// on each engine, that a run of up that takes the lock applies a migration
// at once.
func TestASignalLeavesTheMigrationLockFree(t *testing.T) {
	skipWithoutSignals(t)
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			url := interruptUp(t, e, syscall.SIGTERM, "SIGTERM")
			if e.name == "postgres" {
				if holders := advisoryLockHolders(t, url); len(holders) > 0 {
					t.Errorf("after migrate exited, the server still holds an advisory lock on the database, "+
						"for %s; want none (the interrupted run closed its connection, "+
						"but the server goes on with the statement until it ends)", strings.Join(holders, ", "))
				}
			}
			start := time.Now()
			m := migratorOf(append(quickMigrations(), createTable(createThird, "third"))...)
			res := migrateOn(t, m, url, 0, "up", "--lock-timeout", "5s")
			wantOutput(t, res.stdout, "applied "+createThird+" (DURATION)\n")
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("up took %s, want it at once", took)
			}
		})
	}
}

// TestASecondSignalEndsTheProcessAtOnce stops up with a SIGTERM while a
// migration that is slow to stop runs and, once the first has ended the
// run's context, a second: the first cannot stop the migration, so only
// the second, with its default behaviour back, can end the process. (Two
// signals sent at once may reach the process as one.)
func TestASecondSignalEndsTheProcessAtOnce(t *testing.T) {
	skipWithoutSignals(t)
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			c := startMigrate(t, "signal:stubborn", "--db", e.url(t), "up")
			c.waitForOutput(t, waitingLine)
			c.signal(t, syscall.SIGTERM)
			c.waitForOutput(t, stubbornLine)
			c.signal(t, syscall.SIGTERM)
			state := c.wait(t, 10*time.Second)
			status, ok := state.Sys().(syscall.WaitStatus)
			if !ok || !status.Signaled() || status.Signal() != syscall.SIGTERM {
				t.Errorf("migrate exited with %v, want it killed by SIGTERM; error output:\n%s", state, c.stderr.String())
			}
		})
	}
}

// TestWithStopSignalsEndsTheContextWithTheSignalAsItsCause sends SIGTERM to
// the test process itself while withStopSignals catches it.
func TestWithStopSignalsEndsTheContextWithTheSignalAsItsCause(t *testing.T) {
	skipWithoutSignals(t)
	ctx, stop := withStopSignals(context.Background())
	defer stop()
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := self.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the context did not end within 10s of SIGTERM")
	}
	var stopped *stoppedError
	if cause := context.Cause(ctx); !errors.As(cause, &stopped) || cause.Error() != "interrupted by SIGTERM" {
		t.Errorf("cause %v, want a *stoppedError saying %q", cause, "interrupted by SIGTERM")
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("ctx.Err() = %v, want context.Canceled", ctx.Err())
	}
}
