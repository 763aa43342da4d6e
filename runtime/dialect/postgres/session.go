package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/strata-go/strata/runtime/dialect"
)

var _ dialect.Dialect = Dialect{}

// migrationLockKey is the key of the migration lock; [Dialect.Lock] says
// what it is and why it must never change.
var migrationLockKey = advisoryLockKey("strata_migrations")

// advisoryLockKey derives an advisory-lock key from a ledger table's name.
func advisoryLockKey(ledger string) int64 {
	sum := sha256.Sum256([]byte("strata:" + ledger))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// Lock takes the session advisory lock that serialises migration runs on
// the database with pg_advisory_lock, waiting until the session holding it
// releases it or ctx ends. The lock belongs to conn's session: it outlives
// the transactions run on conn, and the server drops it if the session
// ends.
//
// The lock's key is the first 8 bytes of the SHA-256 of
// "strata:strata_migrations", read as a big-endian signed integer:
// -8397786590616460299, which pg_locks shows as classid 2339705238, objid
// 3603194869 and objsubid 1. It must never change: replicas running
// different releases of an app exclude each other only while they agree on
// it. It comes from the default ledger table's name because Lock is not
// told the name of the ledger: a run that uses another ledger table waits
// for runs on the default one too, which is safe, if more than needed.
//
// opts.Wait bounds the wait; when it passes first, Lock returns an error
// wrapping [dialect.ErrLockTimeout]. With opts.Lease set, Lock takes no
// lock at all: the caller holds a lease row instead, since behind a pooler
// in transaction mode the session is not the app's to keep.
//
// When taking or releasing the lock fails, conn is closed rather than
// returned to the pool, so that no pooled session can keep the lock. When
// ctx ends during the wait, the driver stops the query; pgx does so by
// closing the connection, whose server session may then still get the lock
// when it comes free, and drops it at once, as it finds its client gone
// while reporting the lock taken.
func (Dialect) Lock(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions) (unlock func(context.Context) error, err error) {
	if opts.Lease {
		return func(context.Context) error { return nil }, nil
	}
	wait := ctx
	if opts.Wait > 0 {
		var cancel context.CancelFunc
		wait, cancel = context.WithTimeout(ctx, opts.Wait)
		defer cancel()
	}
	if _, err := conn.ExecContext(wait, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		discardConn(conn)
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("postgres: wait for the migration lock: %w", ctx.Err())
		case wait.Err() != nil:
			return nil, fmt.Errorf("postgres: %w (waited %s; another process is migrating this database)", dialect.ErrLockTimeout, opts.Wait)
		}
		return nil, fmt.Errorf("postgres: take the migration lock: %w", err)
	}
	unlock = func(ctx context.Context) error {
		var released bool
		err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLockKey).Scan(&released)
		switch {
		case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
			return nil // the session has ended, and its lock with it
		case err == nil && !released:
			err = errors.New("the session did not hold it")
		}
		if err != nil {
			discardConn(conn)
			return fmt.Errorf("postgres: release the migration lock: %w", err)
		}
		return nil
	}
	return unlock, nil
}

// discardConn closes conn's session instead of returning it to the pool.
func discardConn(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}

// Begin starts a transaction on conn. It needs nothing more, and ignores
// opts: the advisory lock taken by [Dialect.Lock] (or the caller's lease)
// already keeps other runs out, and PostgreSQL runs DDL inside
// transactions.
func (Dialect) Begin(ctx context.Context, conn *sql.Conn, _ dialect.LockOptions) (*sql.Tx, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("postgres: begin: %w", err)
	}
	return tx, nil
}

// Ledger returns the statement that creates the ledger table named table,
// in the current schema, when it does not exist.
func (d Dialect) Ledger(table string) []string {
	return []string{"CREATE TABLE IF NOT EXISTS " + d.QuoteIdent(table) + ` (
  "id" TEXT NOT NULL PRIMARY KEY,
  "checksum" TEXT NOT NULL,
  "batch" INTEGER NOT NULL,
  "applied_at" TIMESTAMPTZ NOT NULL,
  "duration_ms" BIGINT NOT NULL
)`}
}

// LedgerExists reports whether the ledger table named table exists, looking
// it up along the search path the way an unqualified name in
// [Dialect.Ledger]'s statement is.
func (d Dialect) LedgerExists(ctx context.Context, db *sql.DB, table string) (bool, error) {
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", d.QuoteIdent(table)).Scan(&exists); err != nil {
		return false, fmt.Errorf("postgres: look for table %s: %w", table, err)
	}
	return exists, nil
}

// Placeholder returns "$n", PostgreSQL's n-th parameter.
func (Dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// OutsideTransaction reports whether err is PostgreSQL refusing a statement
// inside a transaction block (SQLSTATE 25001), as it refuses CREATE INDEX
// CONCURRENTLY. The runtime then runs that statement of a non-transactional
// migration on its own.
func (Dialect) OutsideTransaction(err error) bool {
	var coded interface{ SQLState() string }
	return errors.As(err, &coded) && coded.SQLState() == "25001"
}
