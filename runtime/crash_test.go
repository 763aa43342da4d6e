package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

var crashSeed = flag.Uint64("crash.seed", 0, "seed of the kill times of the crash tests (0: a new one, logged)")

// The environment of a crash helper process, which applies
// crashMigrations until it is killed.
const (
	envCrashDriver = "STRATA_TEST_CRASH_DRIVER"
	envCrashDSN    = "STRATA_TEST_CRASH_DSN"
	envCrashIndex  = "STRATA_TEST_CRASH_INDEX"  // set: apply indexConcurrently instead
	envCrashOnline = "STRATA_TEST_CRASH_ONLINE" // set: apply onlineCrash of the form it names instead
	crashStarted   = "started"
	crashRows      = 150
)

// crashMigrations returns a small migration, then one marked
// NonTransactional that creates the table numbers and inserts crashRows
// rows into it, one statement each, then indexes it: a long data
// migration committed in parts. Down drops the table.
//
// The two DDL statements declare what they build: MySQL commits each on its
// own, and a run killed during one settles it from the live schema.
func crashMigrations() []runtime.Migration {
	up := []schema.Operation{schema.RunSQL{SQL: "CREATE TABLE numbers (n INTEGER NOT NULL)", Declares: []schema.Operation{
		schema.CreateTable{Table: schema.Table{Name: "numbers", Columns: []schema.Column{{Name: "n", Type: schema.Type{Kind: schema.Int32}}}}},
	}}}
	for n := 1; n <= crashRows; n++ {
		up = append(up, schema.RunSQL{SQL: fmt.Sprintf("INSERT INTO numbers (n) VALUES (%d)", n)})
	}
	up = append(up, schema.RunSQL{SQL: "CREATE INDEX numbers_n_idx ON numbers (n)", Declares: []schema.Operation{
		schema.CreateIndex{Table: "numbers", Index: schema.Index{Name: "numbers_n_idx", Columns: []string{"n"}}},
	}})
	return []runtime.Migration{
		blog()[0],
		{ID: "0002_numbers", Up: up, Down: []schema.Operation{schema.RunSQL{SQL: "DROP TABLE numbers"}}, NonTransactional: true},
	}
}

// TestCrashHelperProcess applies crashMigrations when the crash tests run
// the test binary again with the environment set; otherwise it does
// nothing.
func TestCrashHelperProcess(t *testing.T) {
	if os.Getenv(envCrashDSN) == "" {
		return
	}
	db, err := sql.Open(os.Getenv(envCrashDriver), os.Getenv(envCrashDSN))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	ms := crashMigrations()
	if os.Getenv(envCrashIndex) != "" {
		ms = indexConcurrently()
	}
	if form := os.Getenv(envCrashOnline); form != "" {
		ms = onlineCrash(form)
	}
	fmt.Println(crashStarted)
	if _, err := newMigrator(ms...).Up(context.Background(), db); err != nil {
		t.Fatalf("Up: %v", err)
	}
}

func TestKillingANonTransactionalMigrationLeavesAStateTheNextRunResumes(t *testing.T) {
	seed := *crashSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("kill times from -crash.seed=%d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	onEachEngine(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		db := e.openDSN(t, dsn)
		m := newMigrator(crashMigrations()...)
		took := timeOneRun(t, e, m)
		t.Logf("one run of the migration takes %v", took)

		landed := map[string]int{}
		for kill := range 20 {
			resetCrashDatabase(t, e, db)
			delay := time.Duration(rng.Int64N(int64(took) * 4 / 5))
			exited := runAndKill(t, e, dsn, delay)
			done := checkCrashState(t, db, e)
			switch {
			case exited:
				landed["after (exited first)"]++
			case done == 0:
				landed["before the first statement"]++
			case done == crashRows+2:
				landed["after the last statement"]++
			default:
				landed["between statements"]++
			}
			if _, err := m.Up(context.Background(), db); err != nil {
				t.Fatalf("kill %d: Up after the kill: %v", kill+1, err)
			}
			if n := count(t, db, "numbers"); n != crashRows {
				t.Fatalf("kill %d: numbers has %d rows after the next Up, want %d", kill+1, n, crashRows)
			}
			wantProgress(t, m, db, "0002_numbers", nil)
		}
		t.Logf("where the 20 kills landed: %v", landed)
		if landed["between statements"] == 0 {
			t.Errorf("no kill landed between the migration's statements: %v", landed)
		}
	})
}

// timeOneRun returns how long Up takes to apply the crash migrations to a
// fresh database of e.
func timeOneRun(t *testing.T, e engine, m *runtime.Migrator) time.Duration {
	t.Helper()
	db := e.open(t)
	start := time.Now()
	if _, err := m.Up(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

// resetCrashDatabase drops everything in db, ledger included.
func resetCrashDatabase(t *testing.T, e engine, db *sql.DB) {
	t.Helper()
	d, ok := e.dialect.(interface {
		DropAll(context.Context, *sql.Conn) error
	})
	if !ok {
		t.Fatalf("the %s dialect cannot drop everything", e.name)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if err := d.DropAll(context.Background(), conn); err != nil {
		t.Fatal(err)
	}
}

// runAndKill starts a helper process applying the crash migrations to dsn
// and kills it with SIGKILL delay after it has connected; it reports
// whether the process had exited by itself by then.
func runAndKill(t *testing.T, e engine, dsn string, delay time.Duration) (exited bool) {
	t.Helper()
	cmd := startCrashHelper(t, e, dsn)
	time.Sleep(delay)
	killErr := cmd.Process.Signal(syscall.SIGKILL)
	waitErr := cmd.Wait()
	var exit *exec.ExitError
	killed := killErr == nil && errors.As(waitErr, &exit) && exit.Sys().(syscall.WaitStatus).Signaled()
	return !killed
}

// waitForKilledSession waits until no session of db's database but the
// test's own is running a statement or holds a transaction open. A killed
// client's server session lives on until it notices: one killed during
// COMMIT commits, and the state read before that would show the progress
// row without the statement it records, or the reverse, from two reads.
func waitForKilledSession(t *testing.T, db *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var busy int
		err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()
			AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')`).Scan(&busy)
		if err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions of the killed process still run after 30s", busy)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitForTheLock waits until the migration lock of db is free, by taking
// it and letting it go: the session of a killed process holds it until the
// server ends that session, once the statement it runs has ended, and with
// it its transaction.
func waitForTheLock(t *testing.T, e engine, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	unlock, err := e.dialect.Lock(ctx, conn, dialect.LockOptions{Wait: 30 * time.Second})
	if err != nil {
		t.Fatalf("wait for the killed process's lock: %v", err)
	}
	if err := unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

// startCrashHelper starts a helper process applying the crash migrations
// (or indexConcurrently, given env) to dsn, and returns once it has
// connected.
func startCrashHelper(t *testing.T, e engine, dsn string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), envCrashDriver+"="+e.driver, envCrashDSN+"="+dsn), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(crashStarted))
	if _, err := out.Read(buf); err != nil || string(buf) != crashStarted {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper process did not start: %q, %v", buf, err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// checkCrashState checks that the database holds exactly what the progress
// row, or the ledger, says took effect, and returns how many statements of
// 0002_numbers did.
func checkCrashState(t *testing.T, db *sql.DB, e engine) int {
	t.Helper()
	switch e.name {
	case "postgres":
		waitForKilledSession(t, db)
	case "mysql":
		waitForTheLock(t, e, db)
	}
	if !tableExists(t, db, e, "strata_migrations") {
		if tableExists(t, db, e, "numbers") {
			t.Fatal("numbers exists, but the ledger does not")
		}
		return 0
	}
	applied := 0
	if err := db.QueryRow("SELECT count(*) FROM strata_migrations WHERE id = '0002_numbers'").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	done := 0
	if applied == 1 {
		done = crashRows + 2
	} else {
		var running int
		err := db.QueryRow("SELECT done, running FROM strata_migrations_progress WHERE id = '0002_numbers'").Scan(&done, &running)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
		switch {
		case running != 0 && !e.ddlCommits:
			t.Fatalf("the progress row says statement %d was running outside a transaction; none of these does", done+1)
		case running != 0 && done != 0 && done != crashRows+1:
			t.Fatalf("the progress row says statement %d was running outside a transaction; only the CREATEs do on %s", done+1, e.name)
		case running != 0 && done == 0:
			return 0 // the CREATE TABLE took effect or not: the next run tells
		}
	}
	exists := tableExists(t, db, e, "numbers")
	switch {
	case done == 0 && exists:
		t.Fatalf("numbers exists, but no statement is recorded as done")
	case done == 0:
		return 0
	case !exists:
		t.Fatalf("%d statements are recorded as done, but numbers does not exist", done)
	}
	wantRows := min(done-1, crashRows)
	var n, sum int
	if err := db.QueryRow("SELECT count(*), coalesce(sum(n), 0) FROM numbers").Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != wantRows || sum != wantRows*(wantRows+1)/2 {
		t.Fatalf("numbers holds %d rows summing to %d, but %d statements are recorded as done: want rows 1 to %d", n, sum, done, wantRows)
	}
	return done
}

// tableExists reports whether db has the table.
func tableExists(t *testing.T, db *sql.DB, e engine, table string) bool {
	t.Helper()
	for _, name := range tablesOf(t, e, db) {
		if name == table {
			return true
		}
	}
	return false
}

// indexConcurrently returns a migration creating a table, then one marked
// NonTransactional that indexes it with CREATE INDEX CONCURRENTLY, which
// PostgreSQL runs only outside a transaction.
func indexConcurrently() []runtime.Migration {
	return []runtime.Migration{
		blog()[0],
		{
			ID:               "0002_index_concurrently",
			Up:               []schema.Operation{schema.RunSQL{SQL: "CREATE INDEX CONCURRENTLY users_email_idx ON users (email)"}},
			Down:             []schema.Operation{schema.RunSQL{SQL: "DROP INDEX CONCURRENTLY users_email_idx"}},
			NonTransactional: true,
		},
	}
}

func TestAKillDuringCreateIndexConcurrentlySettlesItselfAtTheNextRun(t *testing.T) {
	for _, tt := range []struct {
		name string
		// end ends the server session of the killed run, as a restart of
		// the server would; otherwise the server finishes the build.
		end bool
	}{
		{"when the server ends the build half way", true},
		{"when the server finishes the build", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := engines[1]
			ctx := context.Background()
			dsn := e.dsn(t)
			db := e.openDSN(t, dsn)
			m := newMigrator(indexConcurrently()...)
			if _, err := m.UpTo(ctx, db, "0001_create_users"); err != nil {
				t.Fatal(err)
			}
			// An open transaction with a snapshot older than the index's
			// (a transaction ID is taken after it) holds CREATE INDEX
			// CONCURRENTLY in its last wait, so that the kill lands during
			// the statement.
			holder, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = holder.Rollback() }()
			if _, err := holder.ExecContext(ctx, "SELECT count(*) FROM users"); err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, "SELECT txid_current()")
			cmd := startCrashHelper(t, e, dsn, envCrashIndex+"=1")
			backend := waitForOldSnapshots(t, db)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if tt.end {
				mustExec(t, db, "SELECT pg_terminate_backend($1)", backend)
			}
			if err := holder.Rollback(); err != nil {
				t.Fatal(err)
			}
			wantProgress(t, m, db, "0002_index_concurrently", &runtime.Progress{Done: 0, Interrupted: true})

			results, err := m.Up(ctx, db, runtime.WithLockTimeout(30*time.Second))
			if err != nil {
				t.Fatalf("Up after the kill: %v", err)
			}
			wantIDs(t, "Up after the kill", results, "0002_index_concurrently")
			var valid bool
			if err := db.QueryRowContext(ctx, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass").Scan(&valid); err != nil || !valid {
				t.Errorf("users_email_idx: valid %v, %v; want a valid index", valid, err)
			}
			wantProgress(t, m, db, "0002_index_concurrently", nil)
			wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1, "0002_index_concurrently": 2})
		})
	}
}

// waitForOldSnapshots waits until a CREATE INDEX CONCURRENTLY on db waits
// for the transactions older than its last snapshot to end, and returns the
// process ID of its backend. The run tries the statement in a transaction
// first, which PostgreSQL refuses: pg_stat_activity would show it then
// too, before the progress row that marks it running is written.
func waitForOldSnapshots(t *testing.T, db *sql.DB) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var pid int
		err := db.QueryRow("SELECT pid FROM pg_stat_progress_create_index WHERE datname = current_database()" +
			" AND command = 'CREATE INDEX CONCURRENTLY' AND phase = 'waiting for old snapshots'").Scan(&pid)
		if err == nil {
			return pid
		}
		if !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no CREATE INDEX CONCURRENTLY waited for old snapshots within 30s")
	return 0
}
