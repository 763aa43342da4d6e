package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime/dialect"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/postgres"
)

func TestLockHoldsTheMigrationKeyAcrossTransactionsAndKeepsOtherSessionsOut(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	first, second := sessionConn(t, db), sessionConn(t, db)

	unlock, err := d.Lock(ctx, first, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	tx, err := d.Begin(ctx, first, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	// The key is the documented one, and the lock outlives the transaction.
	if holder := advisoryLockHolder(t, db); holder != backendPID(t, first) {
		t.Errorf("the migration key is held by backend %d, want the locking session's %d", holder, backendPID(t, first))
	}

	waitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := d.Lock(waitCtx, second, dialect.LockOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock by a second session: err = %v, want it to wait until its deadline", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Lock took %v to give up after its deadline", took)
	}

	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	// The server session of the Lock given up above may take the key for
	// a moment before it notices that its client is gone: only the first
	// session's release is certain here.
	if holder := advisoryLockHolder(t, db); holder == backendPID(t, first) {
		t.Errorf("after unlock the locking session still holds the migration key")
	}
	third := sessionConn(t, db)
	unlock, err = d.Lock(ctx, third, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock once released: %v", err)
	}
	if err := unlock(ctx); err != nil {
		t.Errorf("unlock: %v", err)
	}
}

func TestUnlockThatFindsNoLockFailsAndClosesTheConnection(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	conn := sessionConn(t, db)
	unlock, err := postgres.Dialect{}.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if err := unlock(ctx); err == nil {
		t.Fatal("a second unlock succeeded, want an error")
	}
	if err := conn.PingContext(ctx); !errors.Is(err, sql.ErrConnDone) {
		t.Errorf("after a failed unlock, ping = %v, want the connection closed (sql.ErrConnDone)", err)
	}
}

func TestLedgerCreatesTheLedgerTableOnceAndLedgerExistsFindsIt(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	if exists, err := d.LedgerExists(ctx, db, "strata_migrations"); err != nil || exists {
		t.Fatalf("LedgerExists before = %v, %v; want false, nil", exists, err)
	}
	for range 2 { // idempotent
		for _, stmt := range d.Ledger("strata_migrations") {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	if exists, err := d.LedgerExists(ctx, db, "strata_migrations"); err != nil || !exists {
		t.Fatalf("LedgerExists after = %v, %v; want true, nil", exists, err)
	}
	rows, err := db.QueryContext(ctx, `SELECT column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_name = 'strata_migrations' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var got []string
	for rows.Next() {
		var name, typ, nullable string
		if err := rows.Scan(&name, &typ, &nullable); err != nil {
			t.Fatal(err)
		}
		got = append(got, name+" "+typ+" nullable="+nullable)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"id text nullable=NO",
		"checksum text nullable=NO",
		"batch integer nullable=NO",
		"applied_at timestamp with time zone nullable=NO",
		"duration_ms bigint nullable=NO",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ledger columns differ (-want +got):\n%s", diff)
	}
}

func TestPlaceholderNumbersParameters(t *testing.T) {
	d := postgres.Dialect{}
	if got := d.Placeholder(1) + " " + d.Placeholder(12); got != "$1 $12" {
		t.Errorf("Placeholder(1), Placeholder(12) = %s, want $1 $12", got)
	}
}

// sessionConn returns a connection of its own from db, closed when the
// test ends.
func sessionConn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func backendPID(t *testing.T, conn *sql.Conn) int {
	t.Helper()
	var pid int
	if err := conn.QueryRowContext(context.Background(), "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	return pid
}

// advisoryLockHolder returns the backend that holds strata's migration
// lock on db's database, by the key its documentation gives, or 0.
func advisoryLockHolder(t *testing.T, db *sql.DB) int {
	t.Helper()
	var pid int
	err := db.QueryRowContext(context.Background(), `SELECT pid FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = 2339705238 AND objid = 3603194869 AND objsubid = 1`).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func TestASessionWaitingForTheLockHoldsNoSnapshotSoCreateIndexConcurrentlyFinishes(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	holder, waiter := sessionConn(t, db), sessionConn(t, db)
	if _, err := db.ExecContext(ctx, "CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	unlock, err := d.Lock(ctx, holder, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	waited := make(chan error, 1)
	go func() {
		unlockWaiter, err := d.Lock(ctx, waiter, dialect.LockOptions{})
		if err == nil {
			err = unlockWaiter(ctx)
		}
		waited <- err
	}()
	time.Sleep(200 * time.Millisecond) // the waiter is polling by now
	// A write after the waiter began, as the migrations before the index
	// make: the snapshot a blocked waiter holds is older than the index's.
	if _, err := holder.ExecContext(ctx, "INSERT INTO notes VALUES ('x')"); err != nil {
		t.Fatal(err)
	}

	// CREATE INDEX CONCURRENTLY waits for every snapshot older than its
	// own: a waiter blocked in pg_advisory_lock would hold one until the
	// holder unlocks, which it does only after the index is built.
	cic, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := holder.ExecContext(cic, "CREATE INDEX CONCURRENTLY notes_body_idx ON notes (body)"); err != nil {
		t.Fatalf("CREATE INDEX CONCURRENTLY while a run waits for the lock: %v", err)
	}
	var valid bool
	if err := db.QueryRowContext(ctx, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'notes_body_idx'::regclass").Scan(&valid); err != nil || !valid {
		t.Errorf("the index is valid: %v (%v), want true", valid, err)
	}
	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("the waiter: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the waiter did not get the lock within 5s of its release")
	}
}

func TestAWaitSaysOnceWhoHoldsTheLockAndEndsWhenTheLockIsNoLongerNeeded(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	holder, waiter := sessionConn(t, db), sessionConn(t, db)
	if _, err := holder.ExecContext(ctx, "SET application_name = 'replica-7'"); err != nil {
		t.Fatal(err)
	}
	unlock, err := d.Lock(ctx, holder, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	defer func() { _ = unlock(ctx) }()

	var (
		notices []string
		asked   int
	)
	start := time.Now()
	_, err = d.Lock(ctx, waiter, dialect.LockOptions{
		Waiting: func(holder string) { notices = append(notices, holder) },
		Needed: func(context.Context) (bool, error) {
			asked++
			return time.Since(start) < 1500*time.Millisecond, nil
		},
	})
	if !errors.Is(err, dialect.ErrNotNeeded) {
		t.Fatalf("Lock = %v, want ErrNotNeeded once Needed says so", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Lock gave up %v after it started, want soon after 1.5s", took)
	}
	if asked < 10 {
		t.Errorf("Needed was asked %d times in 1.5s, want it asked at each attempt", asked)
	}
	var from string
	if err := holder.QueryRowContext(ctx, "SELECT coalesce(', from ' || host(client_addr), '') FROM pg_stat_activity WHERE pid = pg_backend_pid()").Scan(&from); err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf(`process %d (application "replica-7"%s)`, backendPID(t, holder), from)}
	if diff := cmp.Diff(want, notices); diff != "" {
		t.Errorf("Waiting was told (-want +got):\n%s", diff)
	}
}

func TestUnlockOfALostConnectionEndsItsSessionAndFreesTheLock(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	conn := sessionConn(t, db)
	unlock, err := d.Lock(ctx, conn, dialect.LockOptions{Pool: db})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	pid := backendPID(t, conn)
	stmt, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	// pgx gives up on the statement when its context ends and closes the
	// connection; the server goes on sleeping, holding the lock.
	if _, err := conn.ExecContext(stmt, "SELECT pg_sleep(30)"); err == nil {
		t.Fatal("pg_sleep(30) returned within 300ms")
	}
	start := time.Now()
	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock of the lost connection: %v", err)
	}
	if holder := advisoryLockHolder(t, db); holder != 0 {
		t.Errorf("after unlock the migration lock is held by process %d (the lost one was %d), want it free", holder, pid)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("unlock took %v", took)
	}
	var alive int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&alive); err != nil || alive != 0 {
		t.Errorf("the lost session is still there (%d, %v), want it ended", alive, err)
	}
}

func TestLockFreeConditionIsFalseWhileASessionHoldsTheLock(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	free := func() bool {
		t.Helper()
		var ok bool
		if err := db.QueryRowContext(ctx, "SELECT "+d.LockFreeCondition()).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !free() {
		t.Fatal("the condition is false while nobody holds the lock")
	}
	conn := sessionConn(t, db)
	unlock, err := d.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if free() {
		t.Error("the condition is true while a session holds the lock")
	}
	if err := unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if !free() {
		t.Error("the condition is false once the lock is released")
	}
}
