package mysql_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/mysql"
)

// sessionConn returns a connection of db of its own, closed when the test
// ends.
func sessionConn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func connectionID(t *testing.T, conn *sql.Conn) string {
	t.Helper()
	var id string
	if err := conn.QueryRowContext(context.Background(), "SELECT CAST(CONNECTION_ID() AS CHAR)").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestLockHoldsTheNamedLockAcrossTransactionsAndDDLAndKeepsOtherSessionsOut(t *testing.T) {
	ctx := context.Background()
	db := testdb.MySQL(t)
	d := mysql.Dialect{}
	first, second := sessionConn(t, db), sessionConn(t, db)

	unlock, err := d.Lock(ctx, first, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	tx, err := d.Begin(ctx, first, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE `t` (`id` INT)"); err != nil { // commits the transaction
		t.Fatal(err)
	}
	_ = tx.Rollback()

	waitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := d.Lock(waitCtx, second, dialect.LockOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock by a second session: err = %v, want it to wait until its deadline", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Lock took %v to give up after its deadline", took)
	}
	third := sessionConn(t, db)
	start = time.Now()
	if _, err := d.Lock(ctx, third, dialect.LockOptions{Wait: 200 * time.Millisecond}); !errors.Is(err, dialect.ErrLockTimeout) {
		t.Errorf("Lock with Wait: err = %v, want one wrapping dialect.ErrLockTimeout", err)
	}
	if took := time.Since(start); took < 200*time.Millisecond || took > 2*time.Second {
		t.Errorf("Lock with a Wait of 200ms gave up after %v", took)
	}

	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	fourth := sessionConn(t, db)
	unlock, err = d.Lock(ctx, fourth, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock once released: %v", err)
	}
	if err := unlock(ctx); err != nil {
		t.Errorf("unlock: %v", err)
	}
}

func TestLockTellsWhoHoldsItAndStopsWhenNoLongerNeeded(t *testing.T) {
	ctx := context.Background()
	db := testdb.MySQL(t)
	d := mysql.Dialect{}
	first, second := sessionConn(t, db), sessionConn(t, db)
	unlock, err := d.Lock(ctx, first, dialect.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unlock(ctx) }()

	var holder string
	asked := 0
	_, err = d.Lock(ctx, second, dialect.LockOptions{
		Waiting: func(h string) { holder = h },
		Needed: func(context.Context) (bool, error) {
			asked++
			return holder == "", nil // no longer needed once told who holds it
		},
	})
	if !errors.Is(err, dialect.ErrNotNeeded) {
		t.Errorf("err = %v, want one wrapping dialect.ErrNotNeeded", err)
	}
	if want := "connection " + connectionID(t, first); !strings.HasPrefix(holder, want) {
		t.Errorf("Waiting was told %q, want it to start with %q", holder, want)
	}
	if asked < 2 {
		t.Errorf("Needed was asked %d times, want at every attempt", asked)
	}
}

func TestLockWithALeaseTakesNoLockButSetsUpTheSession(t *testing.T) {
	ctx := context.Background()
	db := testdb.MySQL(t)
	d := mysql.Dialect{}
	leased, other := sessionConn(t, db), sessionConn(t, db)
	unlock, err := d.Lock(ctx, leased, dialect.LockOptions{Lease: true})
	if err != nil {
		t.Fatal(err)
	}
	unlockOther, err := d.Lock(ctx, other, dialect.LockOptions{Wait: time.Second})
	if err != nil {
		t.Fatalf("Lock beside a lease: %v", err)
	}
	_ = unlockOther(ctx)
	_ = unlock(ctx)
	var mode, zone string
	if err := leased.QueryRowContext(ctx, "SELECT @@SESSION.sql_mode, @@SESSION.time_zone").Scan(&mode, &zone); err != nil {
		t.Fatal(err)
	}
	for _, want := range strings.Split(mysql.SQLMode, ",") {
		if !strings.Contains(","+mode+",", ","+want+",") {
			t.Errorf("sql_mode %q lacks %s", mode, want)
		}
	}
	if zone != "+00:00" {
		t.Errorf("time_zone = %q, want +00:00", zone)
	}
}

func TestLocksOfTwoDatabasesDoNotExcludeEachOther(t *testing.T) {
	ctx := context.Background()
	d := mysql.Dialect{}
	a, b := sessionConn(t, testdb.MySQL(t)), sessionConn(t, testdb.MySQL(t))
	unlockA, err := d.Lock(ctx, a, dialect.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unlockA(ctx) }()
	unlockB, err := d.Lock(ctx, b, dialect.LockOptions{Wait: time.Second})
	if err != nil {
		t.Fatalf("the lock of another database: %v", err)
	}
	_ = unlockB(ctx)
}

func TestUnlockThatFindsNoLockFailsAndClosesTheConnection(t *testing.T) {
	ctx := context.Background()
	db := testdb.MySQL(t)
	conn := sessionConn(t, db)
	unlock, err := mysql.Dialect{}.Lock(ctx, conn, dialect.LockOptions{})
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

func TestUnlockOfALostConnectionEndsItsSessionThroughThePool(t *testing.T) {
	ctx := context.Background()
	db := testdb.MySQL(t)
	d := mysql.Dialect{}
	conn := sessionConn(t, db)
	unlock, err := d.Lock(ctx, conn, dialect.LockOptions{Pool: db})
	if err != nil {
		t.Fatal(err)
	}
	// A statement whose context ends makes the driver drop the connection,
	// while the server session, with the lock, runs on.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := conn.ExecContext(short, "DO SLEEP(2)"); err == nil {
		t.Fatal("the sleep was not interrupted")
	}
	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock of a lost connection: %v", err)
	}
	other := sessionConn(t, db)
	unlockOther, err := d.Lock(ctx, other, dialect.LockOptions{Wait: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("Lock after the lost session was ended: %v", err)
	}
	_ = unlockOther(ctx)
}

func TestLedgerCreatesTheLedgerTableOnceAndLedgerExistsFindsIt(t *testing.T) {
	ctx := context.Background()
	db := testdb.MySQL(t)
	d := mysql.Dialect{}
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
	got := dialecttest.QueryRows(t, db, `SELECT CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE, ' nullable=', IS_NULLABLE, ' ', COLUMN_KEY)
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'strata_migrations' ORDER BY ORDINAL_POSITION`)
	want := []string{
		"id varchar(255) nullable=NO PRI",
		"checksum text nullable=NO ",
		"batch int(11) nullable=NO ",
		"applied_at datetime(6) nullable=NO ",
		"duration_ms bigint(20) nullable=NO ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ledger columns differ (-want +got):\n%s", diff)
	}
	dialecttest.Exec(t, db, "INSERT INTO `strata_migrations` VALUES ('0001_init', 'x', 1, '2026-01-02 03:04:05.123456', 7)")
}

func TestTablesAndDropAllSeeTheCurrentDatabaseOnly(t *testing.T) {
	ctx := context.Background()
	db, other := testdb.MySQL(t), testdb.MySQL(t)
	d := mysql.Dialect{}
	for _, stmt := range []string{
		"CREATE TABLE `b` (`id` INT PRIMARY KEY)",
		"CREATE TABLE `a` (`id` INT PRIMARY KEY, `b_id` INT, CONSTRAINT `a_b` FOREIGN KEY (`b_id`) REFERENCES `b` (`id`))",
		"ALTER TABLE `b` ADD COLUMN `a_id` INT, ADD CONSTRAINT `b_a` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`)",
		"CREATE VIEW `v` AS SELECT `id` FROM `a`",
	} {
		dialecttest.Exec(t, db, stmt)
	}
	dialecttest.Exec(t, other, "CREATE TABLE `kept` (`id` INT)")
	conn := sessionConn(t, db)
	tables, err := d.Tables(ctx, conn)
	if err != nil || !cmp.Equal(tables, []string{"a", "b"}) {
		t.Errorf("Tables = %v, %v; want [a b], nil", tables, err)
	}
	if err := d.DropAll(ctx, conn); err != nil {
		t.Fatalf("DropAll: %v", err)
	}
	if left := dialecttest.QueryRows(t, db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"); len(left) != 0 {
		t.Errorf("DropAll left %v", left)
	}
	if kept := dialecttest.QueryRows(t, other, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"); !cmp.Equal(kept, []string{"kept"}) {
		t.Errorf("the other database holds %v, want [kept]", kept)
	}
}
