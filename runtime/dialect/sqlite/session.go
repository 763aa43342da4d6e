package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

var _ dialect.Dialect = Dialect{}

// writeLockTable is the table [Dialect.Begin] writes to in order to take
// SQLite's write lock. It has no rows: its only use is to be written to.
// [Dialect.Lock] creates it, outside any transaction, before the first
// Begin needs it.
const writeLockTable = "strata_lock"

const (
	// lockPollInterval is how long one attempt at the write lock lets
	// SQLite's busy handler wait before Begin checks its context again.
	// SQLite's wait cannot be interrupted, so this bounds how late Begin
	// notices that its context is done.
	lockPollInterval = 100 * time.Millisecond

	// defaultBusyTimeout is the busy timeout of the statements of a
	// migration, which may have to wait for readers at commit, when the
	// context has no deadline. With a deadline, the time left until it is
	// the busy timeout.
	defaultBusyTimeout = 30 * time.Second

	// sqliteBusy is SQLITE_BUSY, the primary result code of a statement
	// that gave up waiting for a lock.
	sqliteBusy = 5
)

// Lock prepares conn for a migration run. It sets conn's busy timeout (the
// time left until ctx's deadline, or 30 seconds), turns foreign-key
// enforcement off (PRAGMA foreign_keys = OFF) and PRAGMA legacy_alter_table
// off, and creates the strata_lock table that [Dialect.Begin] writes to, if
// it is missing. It takes no lock itself: each migration's transaction is
// the lock, unless Begin keeps it (see runState). The function it returns
// releases a lock the run kept and puts conn's previous busy timeout,
// foreign_keys, legacy_alter_table and locking_mode back; should that
// fail, it closes conn's connection rather than return it to the app's
// pool with the run's settings or its lock.
//
// Enforcement is off for the whole run because a table rebuild (see
// [Dialect.Render]) drops the old table, which, enforced, would delete the
// rows of other tables that reference it (ON DELETE CASCADE) or fail; and
// SQLite ignores PRAGMA foreign_keys inside a transaction, so it cannot
// change per migration. Render ends each migration that may break a
// foreign key with a check of the tables concerned instead. Lock fails when
// enforcement stays on, as it does when conn is inside a transaction.
// With legacy_alter_table off, renaming a table or column renames it in the
// foreign keys of other tables too. Lock waits for a run that keeps the
// lock as Begin waits for a writer, within opts.Wait; a lease
// (opts.Lease) changes nothing here, as SQLite has no session lock to give
// up.
func (d Dialect) Lock(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions) (unlock func(context.Context) error, err error) {
	previous, err := readSession(ctx, conn)
	if err != nil {
		return nil, err
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA locking_mode").Scan(&mode); err != nil {
		return nil, fmt.Errorf("sqlite: read PRAGMA locking_mode: %w", err)
	}
	st := &runState{appExclusive: strings.EqualFold(mode, "exclusive")}
	runs.Store(conn, st)
	restore := func(ctx context.Context) error {
		runs.Delete(conn)
		err := st.release(ctx, conn)
		if err == nil {
			err = previous.set(ctx, conn)
		}
		if err != nil {
			// Not back in the pool with settings the app did not make, or
			// holding the database's lock.
			discardConn(conn)
			return err
		}
		return nil
	}
	run := session{busyTimeout: busyTimeoutFor(ctx)}
	if err := run.set(ctx, conn); err != nil {
		return nil, errors.Join(err, restore(context.WithoutCancel(ctx)))
	}
	// Outside a transaction, so that Begin's first statement can write to
	// the table, and idempotent, so that processes starting together may
	// all run it. It reads the schema, which a run that keeps the lock
	// keeps others from doing: it waits as Begin does.
	create := "CREATE TABLE IF NOT EXISTS " + d.QuoteIdent(writeLockTable) + ` ("id" INTEGER PRIMARY KEY)`
	err = waitOut(ctx, conn, opts, "create "+writeLockTable, func() error {
		_, err := conn.ExecContext(ctx, create)
		return err
	})
	if err == nil {
		err = setBusyTimeout(ctx, conn, run.busyTimeout)
	}
	if err != nil {
		return nil, errors.Join(err, restore(context.WithoutCancel(ctx)))
	}
	return restore, nil
}

// runs holds the state of each connection that [Dialect.Lock] prepared
// for a run, until its unlock: a *sql.Conn's *runState.
var runs sync.Map

// runState is what Begin and DataVersion know of a run's connection.
//
// A run's lock is the write lock that each of its transactions takes, so
// that readers, and other processes, get in between two migrations. On a
// database that holds no migration yet ([dialect.LockOptions.KeepLock]),
// nothing reads what the run writes, and in rollback-journal mode
// (SQLite's default) Begin switches the connection to PRAGMA locking_mode
// = EXCLUSIVE inside the transaction that takes the lock: from then on the
// connection keeps its locks, up to the exclusive lock of its first
// commit, from one transaction to the next, until the run's unlock, as a
// run on PostgreSQL keeps its session lock. Later Begins need not take the
// lock again, and nobody else can commit meanwhile, so the ledger cannot
// change behind the run: each migration saves the locking, and the check
// for other writers' changes, that it would pay otherwise. Others wait,
// readers included, as they wait at each commit of any writer in this mode.
//
// In WAL mode readers never wait for writers, and an exclusive lock would
// keep them out; there each Begin takes the write lock anew.
type runState struct {
	appExclusive bool // the app's connection was in locking_mode EXCLUSIVE already
	held         bool // the connection keeps the lock between transactions
}

// release gives up the lock that conn keeps between transactions, when
// the run switched it to locking_mode EXCLUSIVE (it held the lock, and the
// app's connection was not in that mode already): back in NORMAL mode,
// SQLite lets it go at the next access to the database file.
func (st *runState) release(ctx context.Context, conn *sql.Conn) error {
	if !st.held || st.appExclusive {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA locking_mode = NORMAL"); err != nil {
		return fmt.Errorf("sqlite: PRAGMA locking_mode = NORMAL: %w", err)
	}
	var version int64
	if err := conn.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
		return fmt.Errorf("sqlite: release the write lock: %w", err)
	}
	return nil
}

// stateOf returns the state of conn's run, or nil when [Dialect.Lock] did
// not prepare it.
func stateOf(conn *sql.Conn) *runState {
	if st, ok := runs.Load(conn); ok {
		return st.(*runState)
	}
	return nil
}

// session holds the settings of a connection that [Dialect.Lock] changes
// for a migration run.
type session struct {
	busyTimeout      int64 // milliseconds
	foreignKeys      bool
	legacyAlterTable bool
}

// readSession reads the settings of conn that Lock changes.
func readSession(ctx context.Context, conn *sql.Conn) (session, error) {
	var s session
	for _, p := range []struct {
		pragma string
		into   any
	}{
		{"busy_timeout", &s.busyTimeout},
		{"foreign_keys", &s.foreignKeys},
		{"legacy_alter_table", &s.legacyAlterTable},
	} {
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.into); err != nil {
			return session{}, fmt.Errorf("sqlite: read PRAGMA %s: %w", p.pragma, err)
		}
	}
	return s, nil
}

// set gives conn the settings s, and checks that conn took them: SQLite
// ignores a change of foreign_keys inside a transaction.
func (s session) set(ctx context.Context, conn *sql.Conn) error {
	if err := setBusyTimeout(ctx, conn, s.busyTimeout); err != nil {
		return err
	}
	onOff := map[bool]string{true: "ON", false: "OFF"}
	for _, stmt := range []string{
		"PRAGMA foreign_keys = " + onOff[s.foreignKeys],
		"PRAGMA legacy_alter_table = " + onOff[s.legacyAlterTable],
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("sqlite: %s: %w", stmt, err)
		}
	}
	got, err := readSession(ctx, conn)
	if err != nil {
		return err
	}
	if got.foreignKeys != s.foreignKeys || got.legacyAlterTable != s.legacyAlterTable {
		return fmt.Errorf("sqlite: the connection kept its foreign_keys or legacy_alter_table setting, as it does inside a transaction; want foreign_keys %s, legacy_alter_table %s",
			onOff[s.foreignKeys], onOff[s.legacyAlterTable])
	}
	return nil
}

// Begin starts the transaction of one migration on conn and takes SQLite's
// write lock (RESERVED, or the WAL write lock) before anything else, as
// BEGIN IMMEDIATE would: SQLite has no lock a session can hold apart from a
// transaction, so on SQLite each migration's transaction is the migration
// lock. With opts.KeepLock, in rollback-journal mode, the connection keeps
// the lock from then on until the run's unlock, and later Begins start a
// plain transaction (see runState).
//
// database/sql cannot say BEGIN IMMEDIATE without an option in the driver's
// DSN, which strata does not control. So Begin starts a deferred
// transaction and runs, as its first statement, an UPDATE of the
// strata_lock table that matches no row: SQLite starts a write transaction
// for a first statement that writes, whether or not it changes a row (and
// one that changes none adds no page to the transaction's journal), and,
// since the connection holds no read transaction yet, waits out other
// writers through its busy handler. Had the transaction read first, SQLite
// would fail with SQLITE_BUSY at its first write instead of waiting, and a
// migration could act on a ledger another process has changed since.
//
// SQLite's busy wait cannot be interrupted, so Begin waits in slices of
// 100 milliseconds (less when ctx's deadline is nearer), trying again after
// each until the lock is free or ctx ends. Once the lock is held, the busy
// timeout of the transaction's statements, which may wait for readers at
// commit, is the time left until ctx's deadline, or 30 seconds. When
// opts.Wait passes before the lock is free, Begin returns an error wrapping
// [dialect.ErrLockTimeout]; once it has waited for [dialect.WaitNotice], it
// calls opts.Waiting, with "": SQLite does not tell who holds its lock.
// Begin needs conn prepared by [Dialect.Lock].
func (d Dialect) Begin(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions) (*sql.Tx, error) {
	st := stateOf(conn)
	if st != nil && st.held {
		tx, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			return nil, fmt.Errorf("sqlite: begin: %w", err)
		}
		return tx, nil
	}
	tx, err := d.takeLock(ctx, conn, opts)
	if err != nil || st == nil || !opts.KeepLock {
		return tx, err
	}
	if err := st.keepLock(ctx, tx); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// keepLock makes the connection of tx, which holds SQLite's write lock,
// keep its locks from this transaction to the next in rollback-journal
// mode, and records whether it does.
func (st *runState) keepLock(ctx context.Context, tx *sql.Tx) error {
	var journal string
	if err := tx.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		return fmt.Errorf("sqlite: read PRAGMA journal_mode: %w", err)
	}
	switch {
	case strings.EqualFold(journal, "wal"):
	case st.appExclusive:
		st.held = true
	default:
		if _, err := tx.ExecContext(ctx, "PRAGMA locking_mode = EXCLUSIVE"); err != nil {
			return fmt.Errorf("sqlite: PRAGMA locking_mode = EXCLUSIVE: %w", err)
		}
		st.held = true
	}
	return nil
}

// takeLock starts a transaction on conn whose first statement takes
// SQLite's write lock, waiting for it as [Dialect.Begin] tells.
func (d Dialect) takeLock(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions) (*sql.Tx, error) {
	// The statement that takes the lock also sets the busy timeout of the
	// statements after it, when it succeeds, and not otherwise.
	takeLock := "UPDATE " + d.QuoteIdent(writeLockTable) + ` SET "id" = "id" WHERE 0; PRAGMA busy_timeout = ` + strconv.FormatInt(busyTimeoutFor(ctx), 10)
	var tx *sql.Tx
	err := waitOut(ctx, conn, opts, "take the write lock", func() error {
		// The transaction must not end behind the caller's back: when ctx
		// ends, database/sql would roll it back from another goroutine,
		// possibly while SQLite is still in its busy wait, and the rollback
		// could fail and leave the connection inside a transaction. Begin
		// watches ctx itself, statements still take ctx, and the caller
		// rolls back on failure.
		t, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		if _, err := t.ExecContext(ctx, takeLock); err != nil {
			_ = t.Rollback()
			return err
		}
		tx = t
		return nil
	})
	return tx, err
}

// waitOut runs attempt until it does not fail with SQLITE_BUSY, ctx ends
// or opts.Wait passes, with conn's busy timeout set to 100 milliseconds
// (less when ctx's deadline is nearer): SQLite's busy wait cannot be
// interrupted, so waitOut waits in slices of it. Once it has waited for
// [dialect.WaitNotice], it calls opts.Waiting, with "": SQLite does not
// tell who holds its lock. what names the attempt in errors.
func waitOut(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions, what string, attempt func() error) error {
	if err := setBusyTimeout(ctx, conn, min(lockPollInterval.Milliseconds(), busyTimeoutFor(ctx))); err != nil {
		return err
	}
	var giveUp <-chan time.Time
	if opts.Wait > 0 {
		timer := time.NewTimer(opts.Wait)
		defer timer.Stop()
		giveUp = timer.C
	}
	started := time.Now()
	for {
		err := attempt()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("sqlite: wait for the write lock: %w", ctx.Err())
		case !isBusy(err):
			return fmt.Errorf("sqlite: %s: %w", what, err)
		}
		if opts.Waiting != nil && !started.IsZero() && time.Since(started) >= dialect.WaitNotice {
			opts.Waiting("") // SQLite does not tell who writes
			started = time.Time{}
		}
		// SQLite's busy handler has waited already; the pause only keeps the
		// loop from spinning should SQLite give up without waiting.
		select {
		case <-ctx.Done():
		case <-giveUp:
			return fmt.Errorf("sqlite: %w (waited %s; another process is writing to this database)", dialect.ErrLockTimeout, opts.Wait)
		case <-time.After(time.Millisecond):
		}
	}
}

// execer runs a statement: a *sql.Conn or a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// setBusyTimeout sets the busy timeout of the connection e runs on, in
// milliseconds.
func setBusyTimeout(ctx context.Context, e execer, ms int64) error {
	if _, err := e.ExecContext(ctx, "PRAGMA busy_timeout = "+strconv.FormatInt(ms, 10)); err != nil {
		return fmt.Errorf("sqlite: set the busy timeout: %w", err)
	}
	return nil
}

// busyTimeoutFor returns the busy timeout for statements run under ctx, in
// milliseconds: the time left until ctx's deadline, at least 1, or
// defaultBusyTimeout when ctx has none.
func busyTimeoutFor(ctx context.Context) int64 {
	if deadline, ok := ctx.Deadline(); ok {
		return max(time.Until(deadline).Milliseconds(), 1)
	}
	return defaultBusyTimeout.Milliseconds()
}

// isBusy reports whether err is SQLite's SQLITE_BUSY: by its result code
// when the driver's error has a Code method (modernc.org/sqlite), and by
// SQLite's own message for it otherwise (github.com/mattn/go-sqlite3).
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code()&0xff == sqliteBusy
	}
	return strings.Contains(err.Error(), "database is locked")
}

// discardConn closes conn's connection instead of returning it to the pool.
func discardConn(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}

// Ledger returns the statement that creates the ledger table named table
// when it does not exist: WITHOUT ROWID, so that a migration's ledger row
// costs one page of the table's only b-tree, not one of the table's and
// one of its key's index, each copied to the journal at every commit.
func (d Dialect) Ledger(table string) []string {
	return []string{"CREATE TABLE IF NOT EXISTS " + d.QuoteIdent(table) + ` (
  "id" TEXT NOT NULL PRIMARY KEY,
  "checksum" TEXT NOT NULL,
  "batch" INTEGER NOT NULL,
  "applied_at" TIMESTAMP NOT NULL,
  "duration_ms" BIGINT NOT NULL
) WITHOUT ROWID`}
}

// LedgerExists reports whether the ledger table named table exists.
func (Dialect) LedgerExists(ctx context.Context, db *sql.DB, table string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", table).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlite: look for table %s: %w", table, err)
	}
	return n > 0, nil
}

// Placeholder returns "?", SQLite's parameter.
func (Dialect) Placeholder(int) string { return "?" }

// DataVersion returns SQLite's PRAGMA data_version, read in tx on conn: a
// number that differs from the one an earlier transaction of the same
// connection read exactly when another connection has committed a change
// to the database file since. The runtime reads the ledger again only
// then, as the migration lock, which in WAL mode is each migration's
// transaction, lets other processes in between two migrations of a run.
// While conn keeps the lock between transactions (see [Dialect.Begin]),
// nobody else can commit, and DataVersion returns 0 without asking.
func (Dialect) DataVersion(ctx context.Context, conn *sql.Conn, tx *sql.Tx) (int64, error) {
	if st := stateOf(conn); st != nil && st.held {
		return 0, nil
	}
	var v int64
	if err := tx.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: read PRAGMA data_version: %w", err)
	}
	return v, nil
}
