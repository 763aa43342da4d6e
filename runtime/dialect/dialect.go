// Package dialect defines what the runtime asks of a database engine: how to
// render schema operations as SQL, how to take the migration lock, how to
// begin a migration's transaction, and how to keep the ledger of applied
// migrations.
//
// Each engine has a package below this one (postgres, sqlite) whose Dialect
// value implements [Dialect]. Those packages import the standard library and
// [github.com/strata-go/strata/runtime/schema] only, never a driver: the app
// registers the driver it already uses, and strata talks to it through
// database/sql.
package dialect

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/strata-go/strata/runtime/schema"
)

// Dialect is one database engine as the runtime sees it. Implementations are
// safe for concurrent use.
type Dialect interface {
	// Name is the dialect's short name: "postgres" or "sqlite". It is the
	// name --dialect takes and the one [schema.RunSQL.For] and
	// [schema.Type.CustomFor] look up.
	Name() string

	// Render turns the operations of one migration into the steps that carry
	// them out, in order. before is the schema as it is before the first
	// operation; Render does not change it. Rendering sees the whole list so
	// that an engine may fold or group operations (SQLite, for one, declares
	// a foreign key added to a table created in the same migration inside
	// that CREATE TABLE).
	Render(before *schema.Schema, ops []schema.Operation) ([]Step, error)

	// Lock takes the lock that serialises migration runs on the database,
	// waiting until it is free, ctx ends or opts.Wait has passed, and returns
	// the function that releases it. conn is the connection every later
	// call of the run uses. An engine whose lock is its write transaction
	// (SQLite) only prepares conn here, waiting for a run that keeps that
	// lock (see KeepLock), and takes the lock in Begin. When opts.Lease is
	// set the caller serialises runs itself, and Lock takes no lock that
	// belongs to conn's session.
	//
	// A wait that ends because opts.Wait passed returns an error wrapping
	// [ErrLockTimeout].
	Lock(ctx context.Context, conn *sql.Conn, opts LockOptions) (unlock func(context.Context) error, err error)

	// Begin starts the transaction one migration step runs in, together
	// with its ledger row. When it returns, the transaction holds the
	// engine's write lock (SQLite takes its RESERVED lock at once, as BEGIN
	// IMMEDIATE does, waiting out other writers until ctx ends or
	// opts.Wait passes, and then fails with an error wrapping
	// [ErrLockTimeout]).
	Begin(ctx context.Context, conn *sql.Conn, opts LockOptions) (*sql.Tx, error)

	// Ledger returns the statements, run in order, that create the ledger
	// table named table when it does not exist yet.
	Ledger(table string) []string

	// Placeholder returns the parameter placeholder for the n-th argument of
	// a statement, counting from 1: "$1" on PostgreSQL, "?" on SQLite.
	Placeholder(n int) string

	// QuoteIdent quotes an identifier for use in SQL.
	QuoteIdent(name string) string
}

// Step is one thing a migration does: an SQL statement, or a Go function
// from a [schema.RunGo] operation. Exactly one of SQL and Go is set.
type Step struct {
	SQL string
	Go  func(ctx context.Context, tx *sql.Tx) error
	// Op is the index, in the rendered list, of the operation the step
	// comes from.
	Op int

	// Outside marks a statement that the engine refuses inside a
	// transaction, such as PostgreSQL's CREATE INDEX CONCURRENTLY. The
	// runtime runs it alone on the migration's connection, and records the
	// migration's progress before and after it.
	Outside bool
	// Apart marks a statement that commits in a transaction of its own,
	// apart from the statements before and after it, so that the locks it
	// holds for long (PostgreSQL's VALIDATE CONSTRAINT scans the table)
	// are not held together with the stronger, brief locks of the others.
	Apart bool
	// Repeat marks a statement that runs again, each time in a transaction
	// of its own, until it changes no row: a backfill that changes a
	// bounded number of rows at a time, and so holds no lock for long.
	Repeat bool
	// Locks says what the statement locks while it runs, for people who
	// review it, such as `ACCESS EXCLUSIVE on "users"`; "" when the
	// dialect does not say.
	Locks string
	// Lint is a comment for SQL linters, printed above the statement, for
	// a statement that a linter flags although it is safe as the dialect
	// renders it, such as "squawk-ignore changing-column-type" for a
	// change of type that PostgreSQL makes without reading the table.
	Lint string
}

// Stepwise reports whether steps must run one group at a time, each
// committed on its own, rather than in one transaction: whether one of
// them is Outside, Apart or Repeat.
func Stepwise(steps []Step) bool {
	for _, st := range steps {
		if st.Outside || st.Apart || st.Repeat {
			return true
		}
	}
	return false
}

// Inspector is implemented by dialects that read a database's live
// schema back, for [runtime.Migrator.Verify].
type Inspector interface {
	// Inspect reads the schema db holds: its tables, columns, keys,
	// indexes, constraints and enum types, leaving out the runtime's own
	// tables (strata_*).
	Inspect(ctx context.Context, db *sql.DB) (*schema.Schema, error)
	// Comparable returns a copy of s as the engine would read it back, so
	// that a schema and what Inspect read compare equal when the database
	// holds the schema.
	Comparable(s *schema.Schema) *schema.Schema
}

// Timeouts is implemented by dialects whose engine bounds how long a
// statement waits for a lock and how long it runs, as PostgreSQL's
// lock_timeout and statement_timeout do.
type Timeouts interface {
	// Timeouts returns the statements that set, for the rest of the
	// transaction they run in, how long a statement may wait for a lock
	// and how long it may run; zero leaves the engine's setting as it is.
	Timeouts(lock, statement time.Duration) []string
	// LockTimedOut reports whether err says that a statement gave up
	// waiting for a lock after the time Timeouts set.
	LockTimedOut(err error) bool
}

// Offliner is implemented by dialects that render changes to existing
// tables in an online form by default, one that holds no lock that
// blocks writes for longer than a moment (PostgreSQL builds indexes
// CONCURRENTLY). Offline returns the dialect that renders the changes to
// the tables named in their plain form instead, inside the migration's
// transaction, or, given no table, every change.
type Offliner interface {
	Offline(tables ...string) Dialect
}

// Bookkeeping is implemented by dialects whose engine needs its own
// spelling of the runtime's bookkeeping: the progress and lease tables,
// and the claim of a lease. Without it the runtime spells them in the SQL
// PostgreSQL and SQLite share (TEXT keys, INSERT ... ON CONFLICT), and
// keeps runs with the session lock out of a claim with the dialect's
// LockFreeCondition, when it has one.
type Bookkeeping interface {
	// ProgressTable returns the statement that creates, when it does not
	// exist, the table named table in which the runtime records how far a
	// run got with a migration it applies statement by statement: id, the
	// key, direction and checksum, text; done, running and batch,
	// integers.
	ProgressTable(table string) string
	// LeaseTable returns the statement that creates, when it does not
	// exist, the lease table named table: name, the key, and holder, text;
	// expires_at, a 64-bit integer.
	LeaseTable(table string) string
	// ClaimLease writes, through db, the lease row c describes and reports
	// whether it did: it does when the lease table holds no row of
	// c.Name, or one that expired before c.Now, and no session holds the
	// lock [Dialect.Lock] takes, which no session may then take until the
	// row is written. So a run with a lease and a run with the lock
	// exclude each other: the latter, once it holds the lock, waits for
	// any live lease to end.
	ClaimLease(ctx context.Context, db *sql.DB, c LeaseClaim) (bool, error)
}

// LeaseClaim is the lease row a run claims with
// [Bookkeeping.ClaimLease].
type LeaseClaim struct {
	Table  string // the lease table, unquoted
	Name   string // the key of the row: the ledger's name
	Holder string // the claiming run's token
	// ExpiresAt is when the lease ends unless renewed, and Now the time
	// of the claim, both in Unix milliseconds.
	ExpiresAt, Now int64
}

// AtomicDDL is implemented by dialects whose engine runs each DDL
// statement atomically and commits it on its own, as MySQL and MariaDB
// do: a statement that a run began and never saw end either took effect
// whole or not at all, and the live schema says which. The runtime then
// settles such a statement by reading the tables its operation changes
// with Inspect and comparing them with the schema before and after the
// operation.
type AtomicDDL interface {
	Inspector
	// AtomicDDL reports whether statement, one of the dialect's own DDL
	// statements, is one that the live schema shows took effect or not.
	AtomicDDL(statement string) bool
}

// LockOptions tune how [Dialect.Lock] and [Dialect.Begin] take the migration
// lock.
type LockOptions struct {
	// Wait bounds how long taking the lock may wait for another run to
	// release it; zero waits until the context ends.
	Wait time.Duration
	// Lease tells Lock that the caller serialises runs with a lease row of
	// its own, as it must when connections go through a pooler in
	// transaction mode (PgBouncer), where a session lock would be held by
	// whichever server session the pooler picked.
	Lease bool
	// Needed, when set, is asked between two attempts at the lock whether
	// the caller still needs it: a run waiting to apply migrations that
	// the run holding the lock has applied meanwhile does not. When it
	// reports false, Lock stops waiting and returns an error wrapping
	// [ErrNotNeeded]. Lock ignores its errors, which only mean that the
	// answer is not known yet.
	Needed func(ctx context.Context) (bool, error)
	// Waiting, when set, is called once, when taking the lock has waited
	// for WaitNotice, with what the engine tells of the process holding
	// the lock, such as "process 4242 (application "api", from 10.0.0.5)",
	// or "" when it tells nothing.
	Waiting func(holder string)
	// Pool is the pool conn comes from. Through it the dialect reaches the
	// server when conn is lost while a statement runs, as happens when the
	// driver gives up on a statement whose context ended, so as to end
	// the server session conn leaves behind, and with it that statement,
	// its transaction and the lock. Nil leaves that session to the server.
	Pool *sql.DB
	// KeepLock tells Begin that the run applies migrations to a database
	// that holds none yet, where nothing reads what the run writes: an
	// engine whose lock lasts one transaction (SQLite) may then keep it,
	// and others out, from Begin's transaction until the run's unlock,
	// and spare each later migration the taking of it.
	KeepLock bool
}

// WaitNotice is how long taking the migration lock waits before it calls
// [LockOptions.Waiting].
const WaitNotice = time.Second

// ErrLockTimeout is what errors wrap when taking the migration lock waited
// for [LockOptions.Wait] without getting it.
var ErrLockTimeout = errors.New("timed out waiting for the migration lock")

// ErrNotNeeded is what errors wrap when [Dialect.Lock] gave up waiting
// because [LockOptions.Needed] said the caller no longer needs the lock.
var ErrNotNeeded = errors.New("the migration lock is no longer needed")
