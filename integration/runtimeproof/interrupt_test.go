package runtimeproof

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// stopSignals are the signals with which the command line is stopped, by
// the names it gives them.
var stopSignals = []struct {
	name string
	sig  syscall.Signal
}{
	{"SIGINT", syscall.SIGINT},
	{"SIGTERM", syscall.SIGTERM},
}

// hold keeps a migration of a command from ending, on one engine, so that
// a signal lands while it runs.
type hold struct {
	// env is added to the environment of the command.
	env []string
	// start is called before the command starts, on the database db. It
	// returns the function that waits, once the command runs, until the
	// migration is where the signal must land, and the function that lets
	// the migration end; that one also runs when the test ends.
	start func(t *testing.T, db *sql.DB) (await func(*command), release func())
}

// indexHolds hold the index migration of the scenario signalled-index, by
// engine: on PostgreSQL in the last wait of CREATE INDEX CONCURRENTLY, for
// the transactions whose snapshots are older than its own; on SQLite, which
// has no CONCURRENTLY, in its hold step.
var indexHolds = map[string]hold{
	"sqlite":   {env: []string{envHold + "=1"}, start: awaitHoldStep},
	"postgres": {start: holdOldSnapshot},
}

// awaitHoldStep waits until the command prints lineLongStarted, which the
// hold step of its scenario prints before it waits for the command's
// context to end; the command must run with envHold.
func awaitHoldStep(t *testing.T, _ *sql.DB) (await func(*command), release func()) {
	return func(c *command) {
		c.awaitCondition(t, "line "+lineLongStarted, func() bool { return c.printed(lineLongStarted) })
	}, func() {}
}

// holdOldSnapshot opens, on the PostgreSQL database db, a REPEATABLE READ
// transaction that takes a snapshot, then has another session take a
// transaction ID, so that a CREATE INDEX CONCURRENTLY begun afterwards
// takes a newer snapshot and waits, before it ends, for the transaction to
// end. await waits until pg_stat_progress_create_index shows the build in
// that wait; release ends the transaction.
func holdOldSnapshot(t *testing.T, db *sql.DB) (await func(*command), release func()) {
	tx, err := db.BeginTx(t.Context(), &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		t.Fatalf("begin the transaction that holds a snapshot: %v", err)
	}
	release = func() { _ = tx.Rollback() }
	t.Cleanup(release)
	var one int
	if err := tx.QueryRowContext(t.Context(), "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("take a snapshot: %v", err)
	}
	var xid int64
	if err := db.QueryRowContext(t.Context(), "SELECT txid_current()").Scan(&xid); err != nil {
		t.Fatalf("take a transaction ID in another session: %v", err)
	}
	const waiting = "SELECT count(*) FROM pg_stat_progress_create_index" +
		" WHERE datname = current_database() AND command = 'CREATE INDEX CONCURRENTLY' AND phase = 'waiting for old snapshots'"
	return func(c *command) {
		c.awaitCondition(t, "CREATE INDEX CONCURRENTLY waiting for old snapshots", func() bool {
			var n int
			if err := db.QueryRowContext(t.Context(), waiting).Scan(&n); err != nil {
				t.Fatalf("read pg_stat_progress_create_index: %v", err)
			}
			return n > 0
		})
	}, release
}

// TestSignalDuringConcurrentIndexThenUpFinishesItWithNoManualStep runs
// "migrate up" on the scenario signalled-index and stops it with SIGINT,
// then, on a fresh database, with SIGTERM, while the index migration runs:
// on PostgreSQL in the last wait of its CREATE INDEX CONCURRENTLY, on
// SQLite in the step before its CREATE INDEX, after its first statement
// committed. The command must exit 1, naming the signal, having printed
// the migration it applied before, and leave the index migration
// unrecorded and no advisory lock held. Once the hold ends, "migrate up"
// run again must succeed with no resolve in between: every migration
// recorded once, the index valid, each statement of the index migration
// run exactly once, and no progress row or advisory lock left.
func TestSignalDuringConcurrentIndexThenUpFinishesItWithNoManualStep(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		for _, s := range stopSignals {
			t.Run(s.name, func(t *testing.T) { signalDuringIndex(t, e, s.name, s.sig) })
		}
	})
}

// signalDuringIndex is the body of
// TestSignalDuringConcurrentIndexThenUpFinishesItWithNoManualStep for one
// signal, sig, named name.
func signalDuringIndex(t *testing.T, e engine, name string, sig syscall.Signal) {
	url := e.url(t)
	db := open(t, url)
	h := indexHolds[e.name]
	await, release := h.start(t, db)

	stopped := startCommand(t, scenarioSignalledIndex, h.env, "up", "--db", e.replicaURL(url))
	await(stopped)
	stopped.signal(t, sig)
	stopped.wait(t)
	t.Logf("%s", stopped)
	checkStopped(t, stopped, name, itemsID, indexItemsID)
	if got := e.ledgerIDs(t, db); !slices.Equal(got, []string{itemsID}) {
		t.Errorf("after %s, the ledger holds %v, want [%s]", name, got, itemsID)
	}
	if locks := e.heldAdvisoryLocks(t, db); len(locks) != 0 {
		t.Errorf("after %s, advisory locks are held: %v", name, locks)
	}
	t.Logf("after %s: %d progress rows; index %s exists %t, valid %t", name,
		progressRows(t, db), itemsIndex, e.hasIndex(t, db, itemsIndex), e.hasValidIndex(t, db, itemsIndex))

	release()
	again := runCommand(t, scenarioSignalledIndex, nil, "up", "--db", e.replicaURL(url))
	if again.exitCode() != 0 {
		t.Fatalf("up after %s: want exit code 0, got %s", name, again)
	}
	ms := signalledIndexMigrations()
	for _, id := range migrationIDs(ms)[1:] {
		if !again.printedApplied(id) {
			t.Errorf("up after %s did not print that it applied %s:\n%s", name, id, again.stdout.String())
		}
	}
	if got, want := e.ledgerIDs(t, db), migrationIDs(ms); !slices.Equal(got, want) {
		t.Errorf("ledger holds %v, want the %d migrations once each", got, len(want))
	}
	if !e.hasValidIndex(t, db, itemsIndex) {
		t.Errorf("index %s is missing or invalid; the indexes are %v", itemsIndex, queryStrings(t, db, e.indexes))
	}
	want := []string{entryAfterIndex, entryBeforeIndex}
	if diff := cmp.Diff(want, queryStrings(t, db, "SELECT entry FROM "+indexLog)); diff != "" {
		t.Errorf("the statements of %s ran other than once each (-want +got):\n%s", indexItemsID, diff)
	}
	if n := progressRows(t, db); n != 0 {
		t.Errorf("%d progress rows are left, want none", n)
	}
	if locks := e.heldAdvisoryLocks(t, db); len(locks) != 0 {
		t.Errorf("advisory locks are left: %v", locks)
	}
}

// checkStopped checks that the command c, stopped by the signal named name
// while it applied migration running, exited 1 with an error naming the
// signal, having printed that it applied migration before first, and not
// running.
func checkStopped(t *testing.T, c *command, name, before, running string) {
	t.Helper()
	if c.exitCode() != 1 {
		t.Errorf("want exit code 1 after %s, got %s", name, c)
	}
	if !strings.Contains(c.stderr.String(), "interrupted by "+name) {
		t.Errorf("the error does not say the command was interrupted by %s:\n%s", name, c.stderr.String())
	}
	if !c.printedApplied(before) {
		t.Errorf("the command did not print that it applied %s before %s:\n%s", before, name, c.stdout.String())
	}
	if c.printedApplied(running) {
		t.Errorf("the command printed that it applied %s, which %s interrupted:\n%s", running, name, c.stdout.String())
	}
}

// The long-transaction scenario: a small migration, then a transactional
// one that creates a table, runs holdStep and, on PostgreSQL, sleeps for
// longTxSleep in a statement.
const (
	scenarioLongTx = "long-transaction"
	longTxFirstID  = "0001_create_notes"
	longTxID       = "0002_create_archive_slowly"
	longTxTable    = "archive"
	longTxSleep    = "SELECT pg_sleep(30)"
	// longTxLaterID is the migration a later build adds after longTxFirstID,
	// without longTxID.
	longTxLaterID = "0003_create_labels"
)

// longTxMigrations returns the long-transaction scenario.
func longTxMigrations() []runtime.Migration {
	return []runtime.Migration{
		{ID: longTxFirstID, Up: []schema.Operation{createTable("notes", "body")}},
		{ID: longTxID, Up: []schema.Operation{createTable(longTxTable, "body"), holdStep(), schema.RunSQL{Postgres: longTxSleep}}},
	}
}

// longTxHolds hold the long migration of the scenario long-transaction,
// by engine: on PostgreSQL in its sleep, on SQLite in its hold step.
var longTxHolds = map[string]hold{
	"sqlite":   {env: []string{envHold + "=1"}, start: awaitHoldStep},
	"postgres": {start: awaitSleep},
}

// awaitSleep waits until the PostgreSQL database db runs longTxSleep.
func awaitSleep(t *testing.T, db *sql.DB) (await func(*command), release func()) {
	const sleeping = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND starts_with(query, '" + longTxSleep + "')"
	return func(c *command) {
		c.awaitCondition(t, "the statement "+longTxSleep, func() bool {
			var n int
			if err := db.QueryRowContext(t.Context(), sleeping).Scan(&n); err != nil {
				t.Fatalf("read pg_stat_activity: %v", err)
			}
			return n > 0
		})
	}, func() {}
}

// laterLockTimeout bounds how long the run after a stopped one may wait for
// the migration lock.
const laterLockTimeout = 5 * time.Second

// TestSIGTERMDuringTransactionalMigrationLeavesNoTraceAndTheLockFree runs
// "migrate up" on the scenario long-transaction and sends it SIGTERM while
// its second migration's transaction is open, after that migration
// created a table: on PostgreSQL during a statement that would sleep for
// thirty seconds, on SQLite in a step that waits for its context. The
// command must exit 1, naming the signal, having printed the first
// migration; the first migration's table and ledger row must be there and
// the second's absent; no advisory lock may be held; and a later build's
// Up, which waits for the lock five seconds at most, must apply its new
// migration.
func TestSIGTERMDuringTransactionalMigrationLeavesNoTraceAndTheLockFree(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		url := e.url(t)
		db := open(t, url)
		h := longTxHolds[e.name]
		await, release := h.start(t, db)
		defer release()

		c := startCommand(t, scenarioLongTx, h.env, "up", "--db", e.replicaURL(url))
		await(c)
		c.signal(t, syscall.SIGTERM)
		c.wait(t)
		t.Logf("%s", c)
		checkStopped(t, c, "SIGTERM", longTxFirstID, longTxID)
		if got := e.ledgerIDs(t, db); !slices.Equal(got, []string{longTxFirstID}) {
			t.Errorf("the ledger holds %v, want [%s]", got, longTxFirstID)
		}
		if got := e.userTables(t, db); !slices.Equal(got, []string{"notes"}) {
			t.Errorf("tables are %v, want [notes]: the table of %s must be rolled back", got, longTxID)
		}
		if locks := e.heldAdvisoryLocks(t, db); len(locks) != 0 {
			t.Errorf("advisory locks are held after the command exited: %v", locks)
		}

		later := []runtime.Migration{
			longTxMigrations()[0],
			{ID: longTxLaterID, Up: []schema.Operation{createTable("labels", "name")}},
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		results, err := migrator(later).Up(ctx, db, runtime.WithLockTimeout(laterLockTimeout))
		t.Logf("the later build's Up took %v", time.Since(start).Round(time.Millisecond))
		if err != nil {
			t.Fatalf("the later build's Up: %v", err)
		}
		if got := resultIDs(results); !slices.Equal(got, []string{longTxLaterID}) {
			t.Errorf("the later build's Up applied %v, want [%s]", got, longTxLaterID)
		}
		if got, want := e.ledgerIDs(t, db), []string{longTxFirstID, longTxLaterID}; !slices.Equal(got, want) {
			t.Errorf("the ledger holds %v, want %v", got, want)
		}
	})
}
