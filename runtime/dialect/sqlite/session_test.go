package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime/dialect"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
)

func TestBeginTakesTheWriteLockBeforeAnythingElse(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
	if _, err := db.ExecContext(ctx, "CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	holder := lockedConn(t, db)
	tx, err := d.Begin(ctx, holder, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}

	// A plain writer that does not wait finds the database locked.
	other := lockedConn(t, db)
	if _, err := other.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ExecContext(ctx, "INSERT INTO notes VALUES ('x')"); err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Errorf("a write beside Begin's transaction: err = %v, want the database locked", err)
	}
	// Readers are not kept out.
	var notes int
	if err := other.QueryRowContext(ctx, "SELECT count(*) FROM notes").Scan(&notes); err != nil {
		t.Errorf("a read beside Begin's transaction: %v", err)
	}

	tests := []struct {
		name    string
		context func() (context.Context, context.CancelFunc)
		want    error
	}{
		{"a second Begin gives up when its context is cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(300*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"a second Begin gives up at its context's deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 300*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	waiter := lockedConn(t, db)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wctx, cancel := tt.context()
			defer cancel()
			start := time.Now()
			if _, err := d.Begin(wctx, waiter, dialect.LockOptions{}); !errors.Is(err, tt.want) {
				t.Errorf("Begin: err = %v, want %v", err, tt.want)
			}
			// Well under the 30 s busy timeout Lock set.
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("Begin took %v to notice its context ended", took)
			}
		})
	}

	done := make(chan error, 1)
	go func() {
		tx2, err := d.Begin(ctx, waiter, dialect.LockOptions{})
		if err == nil {
			err = tx2.Rollback()
		}
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Begin once the lock came free: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Begin still waits 10 s after the lock came free")
	}
}

func TestLockSetsTheBusyTimeoutAndItsUnlockPutsTheAppsBack(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t) // its DSN sets a busy timeout of 10000 ms
	conn := sessionConn(t, db)
	unlock, err := sqlite.Dialect{}.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	if got := busyTimeout(t, conn); got != 30000 {
		t.Errorf("busy timeout under Lock = %d ms, want 30000", got)
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	tx, err := sqlite.Dialect{}.Begin(dctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	var inTx int64
	if err := tx.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&inTx); err != nil {
		t.Fatal(err)
	}
	if inTx <= 0 || inTx > 5000 {
		t.Errorf("busy timeout in Begin's transaction = %d ms, want the time left until the 5 s deadline", inTx)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if got := busyTimeout(t, conn); got != 10000 {
		t.Errorf("busy timeout after unlock = %d ms, want the app's 10000 back", got)
	}
}

func TestLedgerCreatesTheLedgerTableOnceAndLedgerExistsFindsIt(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
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
	// applied_at comes back as a time.Time, in a ledger row as the runtime
	// writes it.
	at := time.Date(2025, 3, 1, 12, 30, 0, 123456789, time.UTC)
	if _, err := db.ExecContext(ctx, "INSERT INTO strata_migrations (id, checksum, batch, applied_at, duration_ms) VALUES (?, ?, ?, ?, ?)",
		"0001_x", "abc", 1, at, 12); err != nil {
		t.Fatal(err)
	}
	var got time.Time
	if err := db.QueryRowContext(ctx, "SELECT applied_at FROM strata_migrations").Scan(&got); err != nil {
		t.Fatalf("scan applied_at: %v", err)
	}
	if !got.Equal(at) {
		t.Errorf("applied_at = %v, want %v", got, at)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO strata_migrations (id, checksum, batch, applied_at, duration_ms) VALUES (NULL, 'x', 1, ?, 1)", at); err == nil {
		t.Error("the ledger took a row without an id")
	}
}

func TestPlaceholderIsAQuestionMark(t *testing.T) {
	if got := (sqlite.Dialect{}).Placeholder(3); got != "?" {
		t.Errorf("Placeholder(3) = %q, want ?", got)
	}
}

func TestLockWorksOnADatabaseWithoutABusyTimeout(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "plain.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	conn := sessionConn(t, db)
	unlock, err := sqlite.Dialect{}.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	if err := unlock(ctx); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if got := busyTimeout(t, conn); got != 0 {
		t.Errorf("busy timeout after unlock = %d ms, want 0 back", got)
	}
}

// lockedConn returns a connection of db prepared by Lock, released and
// closed when the test ends.
func lockedConn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	conn := sessionConn(t, db)
	unlock, err := sqlite.Dialect{}.Lock(context.Background(), conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	t.Cleanup(func() { _ = unlock(context.Background()) })
	return conn
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

func busyTimeout(t *testing.T, conn *sql.Conn) int64 {
	t.Helper()
	var ms int64
	if err := conn.QueryRowContext(context.Background(), "PRAGMA busy_timeout").Scan(&ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestLockTurnsForeignKeysOffForTheRunAndItsUnlockPutsTheAppsSettingsBack(t *testing.T) {
	cases := []struct {
		name        string
		app         []string // how the app set its connection up, after testdb's DSN
		fks, legacy int      // the settings that makes
	}{
		{name: "an app that enforces foreign keys", fks: 1, legacy: 0},
		{name: "an app that enforces none and asks for the legacy ALTER TABLE",
			app: []string{"PRAGMA foreign_keys = OFF", "PRAGMA legacy_alter_table = ON"}, fks: 0, legacy: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			conn := sessionConn(t, testdb.SQLite(t))
			for _, s := range tc.app {
				if _, err := conn.ExecContext(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			unlock, err := sqlite.Dialect{}.Lock(ctx, conn, dialect.LockOptions{})
			if err != nil {
				t.Fatalf("Lock: %v", err)
			}
			if fks, legacy := alterSettings(t, conn); fks != 0 || legacy != 0 {
				t.Errorf("under Lock: foreign_keys = %d, legacy_alter_table = %d; want both off", fks, legacy)
			}
			if err := unlock(ctx); err != nil {
				t.Fatalf("unlock: %v", err)
			}
			if fks, legacy := alterSettings(t, conn); fks != tc.fks || legacy != tc.legacy {
				t.Errorf("after unlock: foreign_keys = %d, legacy_alter_table = %d; want the app's %d and %d back", fks, legacy, tc.fks, tc.legacy)
			}
		})
	}
}

// SQLite ignores PRAGMA foreign_keys inside a transaction; Lock must not
// then let a run go on with foreign keys enforced.
func TestLockRefusesAConnectionInsideATransaction(t *testing.T) {
	ctx := context.Background()
	conn := sessionConn(t, testdb.SQLite(t))
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = conn.ExecContext(ctx, "ROLLBACK") }()
	_, err := sqlite.Dialect{}.Lock(ctx, conn, dialect.LockOptions{})
	if err == nil || !strings.Contains(err.Error(), "as it does inside a transaction") {
		t.Errorf("Lock inside a transaction: err = %v, want it refused", err)
	}
	if fks, _ := alterSettings(t, conn); fks != 1 {
		t.Errorf("after the refused Lock: foreign_keys = %d, want the app's 1", fks)
	}
}

// alterSettings returns the foreign_keys and legacy_alter_table settings of
// conn.
func alterSettings(t *testing.T, conn *sql.Conn) (fks, legacy int) {
	t.Helper()
	err := conn.QueryRowContext(context.Background(), "SELECT foreign_keys, legacy_alter_table FROM pragma_foreign_keys, pragma_legacy_alter_table").Scan(&fks, &legacy)
	if err != nil {
		t.Fatal(err)
	}
	return fks, legacy
}

func TestDataVersionChangesWhenAnotherConnectionCommitsOnly(t *testing.T) {
	for _, journal := range []string{"DELETE", "WAL"} {
		t.Run("in "+journal+" mode", func(t *testing.T) {
			ctx := context.Background()
			db := notesDB(t, journal)
			d := sqlite.Dialect{}
			runner, other := lockedConn(t, db), lockedConn(t, db)
			// version reads the data version in a migration's transaction
			// of runner, writing a note in it when write is set.
			version := func(write bool) int64 {
				t.Helper()
				tx, err := d.Begin(ctx, runner, dialect.LockOptions{})
				if err != nil {
					t.Fatalf("Begin: %v", err)
				}
				defer func() { _ = tx.Rollback() }()
				v, err := d.DataVersion(ctx, runner, tx)
				if err != nil {
					t.Fatalf("DataVersion: %v", err)
				}
				if write {
					if _, err := tx.ExecContext(ctx, "INSERT INTO notes VALUES ('runner')"); err != nil {
						t.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				return v
			}
			first := version(true)
			if again := version(false); again != first {
				t.Errorf("after the runner's own commit the version went from %d to %d, want it unchanged", first, again)
			}
			if _, err := other.ExecContext(ctx, "INSERT INTO notes VALUES ('other')"); err != nil {
				t.Fatal(err)
			}
			if after := version(false); after == first {
				t.Errorf("after another connection committed the version stayed %d, want it changed", after)
			}
		})
	}
}

func TestBeginSaysOnceThatItWaitsForTheWriteLock(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
	holder := lockedConn(t, db)
	tx, err := d.Begin(ctx, holder, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	defer func() { _ = tx.Rollback() }()
	var notices []string
	_, err = d.Begin(ctx, lockedConn(t, db), dialect.LockOptions{
		Wait:    1500 * time.Millisecond,
		Waiting: func(holder string) { notices = append(notices, holder) },
	})
	if !errors.Is(err, dialect.ErrLockTimeout) {
		t.Fatalf("Begin beside a writer: err = %v, want ErrLockTimeout", err)
	}
	if len(notices) != 1 || notices[0] != "" {
		t.Errorf("Waiting was told %q, want once, with no holder", notices)
	}
}

func TestKeepLockKeepsTheLockFromBeginToTheUnlockInRollbackJournalModeOnly(t *testing.T) {
	for _, journal := range []string{"DELETE", "WAL"} {
		t.Run("in "+journal+" mode", func(t *testing.T) {
			ctx := context.Background()
			db := notesDB(t, journal)
			d := sqlite.Dialect{}
			runner := sessionConn(t, db)
			unlock, err := d.Lock(ctx, runner, dialect.LockOptions{})
			if err != nil {
				t.Fatalf("Lock: %v", err)
			}
			other := sessionConn(t, db)
			if _, err := other.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
				t.Fatal(err)
			}
			// others reports whether another connection may write, and
			// read, between two of the run's transactions.
			others := func() (write, read error) {
				_, write = other.ExecContext(ctx, "INSERT INTO notes VALUES ('other')")
				var n int
				read = other.QueryRowContext(ctx, "SELECT count(*) FROM notes").Scan(&n)
				return write, read
			}
			var versions []int64
			for k := range 2 {
				tx, err := d.Begin(ctx, runner, dialect.LockOptions{KeepLock: true})
				if err != nil {
					t.Fatalf("Begin %d: %v", k+1, err)
				}
				v, err := d.DataVersion(ctx, runner, tx)
				if err != nil {
					t.Fatal(err)
				}
				versions = append(versions, v)
				if _, err := tx.ExecContext(ctx, "INSERT INTO notes VALUES ('runner')"); err != nil {
					t.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				write, read := others()
				if journal == "WAL" {
					if write != nil || read != nil {
						t.Errorf("in WAL mode, after the run's transaction %d, another connection's write = %v, read = %v; want both to succeed", k+1, write, read)
					}
					continue
				}
				for what, err := range map[string]error{"write": write, "read": read} {
					if err == nil || !strings.Contains(err.Error(), "database is locked") {
						t.Errorf("after the run's transaction %d, another connection's %s: err = %v, want the database locked", k+1, what, err)
					}
				}
			}
			if journal == "DELETE" && versions[0] != versions[1] {
				t.Errorf("data versions %v while the run kept the lock, want them equal", versions)
			}
			if journal == "WAL" && versions[0] == versions[1] {
				t.Errorf("data versions %v after another connection wrote in WAL mode, want them different", versions)
			}
			if err := unlock(ctx); err != nil {
				t.Fatalf("unlock: %v", err)
			}
			if write, read := others(); write != nil || read != nil {
				t.Errorf("after the run's unlock, another connection's write = %v, read = %v; want both to succeed", write, read)
			}
			var mode string
			if err := runner.QueryRowContext(ctx, "PRAGMA locking_mode").Scan(&mode); err != nil || mode != "normal" {
				t.Errorf("locking_mode after unlock = %q, %v; want normal, as the app had it", mode, err)
			}
		})
	}
}

func TestLockWaitsForARunThatKeepsTheLockAsBeginWaitsForAWriter(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
	holder := lockedConn(t, db)
	tx, err := d.Begin(ctx, holder, dialect.LockOptions{KeepLock: true})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// The holder's run keeps the lock: another run's Lock waits for it,
	// says so once, and gives up at its bound or when its context ends.
	var notices []string
	start := time.Now()
	_, err = d.Lock(ctx, sessionConn(t, db), dialect.LockOptions{
		Wait:    1500 * time.Millisecond,
		Waiting: func(holder string) { notices = append(notices, holder) },
	})
	if !errors.Is(err, dialect.ErrLockTimeout) {
		t.Fatalf("Lock beside a run that keeps the lock: err = %v, want ErrLockTimeout", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Lock took %v to give up, want about 1.5 s", took)
	}
	if len(notices) != 1 || notices[0] != "" {
		t.Errorf("Waiting was told %q, want once, with no holder", notices)
	}
	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := d.Lock(cctx, sessionConn(t, db), dialect.LockOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock at its context's deadline: err = %v, want DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Lock took %v to notice its context ended", took)
	}
}

// notesDB returns a new database in the given journal mode, with a table
// notes (body TEXT) to write to.
func notesDB(t *testing.T, journal string) *sql.DB {
	t.Helper()
	db := testdb.SQLite(t)
	for _, stmt := range []string{"PRAGMA journal_mode = " + journal, "CREATE TABLE notes (body TEXT)"} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	return db
}
