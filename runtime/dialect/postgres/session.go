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
	"strings"
	"time"

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
// the database and returns the function that releases it. The lock
// belongs to conn's session: it outlives the transactions run on conn, and
// the server drops it if the session ends.
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
// Lock tries pg_try_advisory_lock, and while another session holds the
// lock tries again after a pause that starts at 2 milliseconds and doubles
// up to 50, so that a waiting run notices the lock come free within 50
// milliseconds. It does not wait inside pg_advisory_lock: a session blocked
// there holds a snapshot all along, and CREATE INDEX CONCURRENTLY, which a
// migration of the run holding the lock may be running, waits for every
// snapshot older than its own to end, while the waiter waits for that
// migration: both would wait forever, or until PostgreSQL's deadlock
// detector cancels one of them, leaving an invalid index behind. Between
// attempts it asks opts.Needed whether the caller still needs the lock,
// and after [dialect.WaitNotice] tells opts.Waiting which session holds
// it.
//
// opts.Wait bounds the wait; when it passes first, Lock returns an error
// wrapping [dialect.ErrLockTimeout]. With opts.Lease set, Lock takes no
// lock at all: the caller holds a lease row instead, since behind a pooler
// in transaction mode the session is not the app's to keep.
//
// When conn is lost with the lock (pgx, for one, closes a connection whose
// statement's context ended, and the server runs the statement to its end
// before it notices), the function Lock returns ends the server session
// that holds the lock through opts.Pool, rolling back what it was running,
// so that the lock is free when it returns. When taking or releasing the
// lock fails otherwise, conn is closed rather than returned to the pool,
// so that no pooled session can keep the lock.
func (Dialect) Lock(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions) (unlock func(context.Context) error, err error) {
	if opts.Lease {
		return func(context.Context) error { return nil }, nil
	}
	var giveUp, notice <-chan time.Time
	if opts.Wait > 0 {
		timer := time.NewTimer(opts.Wait)
		defer timer.Stop()
		giveUp = timer.C
	}
	if opts.Waiting != nil {
		timer := time.NewTimer(dialect.WaitNotice)
		defer timer.Stop()
		notice = timer.C
	}
	pause := firstLockPause
	for {
		var (
			got bool
			pid int64
		)
		err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1), pg_backend_pid()", migrationLockKey).Scan(&got, &pid)
		switch {
		case err != nil && ctx.Err() != nil:
			discardConn(conn)
			return nil, fmt.Errorf("postgres: wait for the migration lock: %w", ctx.Err())
		case err != nil:
			discardConn(conn)
			return nil, fmt.Errorf("postgres: take the migration lock: %w", err)
		case got:
			return releaser(conn, pid, opts.Pool), nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("postgres: wait for the migration lock: %w", ctx.Err())
		case <-giveUp:
			return nil, fmt.Errorf("postgres: %w (waited %s; another process is migrating this database)", dialect.ErrLockTimeout, opts.Wait)
		case <-notice:
			opts.Waiting(holder(ctx, conn))
		case <-time.After(pause):
			pause = min(2*pause, lockPause)
		}
		if opts.Needed != nil {
			if needed, err := opts.Needed(ctx); err == nil && !needed {
				return nil, fmt.Errorf("postgres: %w", dialect.ErrNotNeeded)
			}
		}
	}
}

// The pauses between two attempts at the migration lock.
const (
	firstLockPause = 2 * time.Millisecond
	lockPause      = 50 * time.Millisecond
)

// releaser returns the function that releases the migration lock that
// conn's session, the server process pid, holds.
func releaser(conn *sql.Conn, pid int64, pool *sql.DB) func(context.Context) error {
	return func(ctx context.Context) error {
		var released bool
		err := conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLockKey).Scan(&released)
		if err == nil && released {
			return nil
		}
		discardConn(conn)
		switch {
		case err == nil:
			err = errors.New("the session did not hold it")
		case pool != nil:
			// conn is lost: its session may live on, running the statement
			// it was given, with the lock.
			endErr := endSession(ctx, pool, pid)
			if endErr == nil {
				return nil
			}
			err = errors.Join(err, endErr)
		case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
			return nil // the session will end, and its lock with it
		}
		return fmt.Errorf("postgres: release the migration lock: %w", err)
	}
}

// lockHeldBy is the condition on pg_locks l of a row of the migration lock,
// granted to a session.
var lockHeldBy = fmt.Sprintf("l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"+
	" AND l.classid::bigint = %d AND l.objid::bigint = %d AND l.objsubid = 1",
	uint64(migrationLockKey)>>32, uint64(migrationLockKey)&0xffffffff)

// endSession ends, through pool, the server process pid if it still holds
// the migration lock: pg_terminate_backend rolls back what it was running
// and frees its locks. It waits, up to ctx's end, until the lock is free.
func endSession(ctx context.Context, pool *sql.DB, pid int64) error {
	ended := false
	err := pool.QueryRowContext(ctx, "SELECT count(pg_terminate_backend(l.pid)) > 0 FROM pg_locks l WHERE l.pid = $1 AND "+lockHeldBy, pid).Scan(&ended)
	if err != nil {
		return fmt.Errorf("end the session of the lost connection (process %d): %w", pid, err)
	}
	for ended {
		if err := pool.QueryRowContext(ctx, "SELECT count(*) > 0 FROM pg_locks l WHERE l.pid = $1 AND "+lockHeldBy, pid).Scan(&ended); err != nil {
			return fmt.Errorf("wait for the session of the lost connection (process %d) to end: %w", pid, err)
		}
		if ended {
			select {
			case <-ctx.Done():
				return fmt.Errorf("wait for the session of the lost connection (process %d) to end: %w", pid, ctx.Err())
			case <-time.After(firstLockPause):
			}
		}
	}
	return nil
}

// holder describes, as far as the server tells, the session that holds
// the migration lock: its process, application, client address and what
// it runs; "" when it tells nothing.
func holder(ctx context.Context, conn *sql.Conn) string {
	var (
		pid                    int64
		app, addr, state, text string
		seconds                float64
	)
	err := conn.QueryRowContext(ctx, `SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),
  coalesce(a.state, ''), coalesce(a.query, ''), coalesce(extract(epoch FROM now() - a.query_start), 0)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE `+lockHeldBy).Scan(&pid, &app, &addr, &state, &text, &seconds)
	if err != nil {
		return ""
	}
	var details []string
	if app != "" {
		details = append(details, "application "+strconv.Quote(app))
	}
	if addr != "" {
		details = append(details, "from "+addr)
	}
	if state == "active" && text != "" {
		details = append(details, fmt.Sprintf("running %s for %s", strconv.Quote(brief(text)), time.Duration(seconds*float64(time.Second)).Round(time.Second)))
	}
	if len(details) == 0 {
		return fmt.Sprintf("process %d", pid)
	}
	return fmt.Sprintf("process %d (%s)", pid, strings.Join(details, ", "))
}

// brief folds the whitespace of a statement and cuts it to 60 runes.
func brief(statement string) string {
	s := strings.Join(strings.Fields(statement), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}

// LockFreeCondition returns an SQL condition that is true when no session
// holds the migration lock, and that keeps any from taking it until the
// transaction of the statement it is part of ends: a run with a lease
// claims its lease with it, so that runs with a lease and runs with the
// session lock exclude each other.
func (Dialect) LockFreeCondition() string {
	return fmt.Sprintf("pg_try_advisory_xact_lock(%d)", migrationLockKey)
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

// Timeouts returns the SET LOCAL statements that bound, for the rest of
// the transaction, how long a statement waits for a lock (lock_timeout)
// and how long it runs (statement_timeout). A zero duration sets nothing,
// and a negative statement duration lifts the limit (statement_timeout =
// 0), so that a limit set for the role does not cut short a statement
// that blocks nobody, such as VALIDATE CONSTRAINT.
func (Dialect) Timeouts(lock, statement time.Duration) []string {
	var sets []string
	if lock > 0 {
		sets = append(sets, "SET LOCAL lock_timeout = "+interval(lock))
	}
	switch {
	case statement > 0:
		sets = append(sets, "SET LOCAL statement_timeout = "+interval(statement))
	case statement < 0:
		sets = append(sets, "SET LOCAL statement_timeout = 0")
	}
	return sets
}

// interval spells d as a PostgreSQL setting takes it: in whole seconds
// when it is a number of them, in milliseconds (rounded up) otherwise.
func interval(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("'%ds'", d/time.Second)
	}
	return fmt.Sprintf("'%dms'", (d+time.Millisecond-1)/time.Millisecond)
}

// LockTimedOut reports whether err is a statement giving up waiting for a
// lock after lock_timeout (SQLSTATE 55P03, lock_not_available).
func (Dialect) LockTimedOut(err error) bool {
	var coded interface{ SQLState() string }
	return errors.As(err, &coded) && coded.SQLState() == "55P03"
}

// Blockers names the other sessions that hold locks on the relations that
// statement names in double quotes, as strata quotes every name, such as
// `process 4242 (application "api", from 10.0.0.5, idle in transaction,
// running "SELECT ...")`; "" when none does.
func (Dialect) Blockers(ctx context.Context, conn *sql.Conn, statement string) (string, error) {
	names := quotedNames(statement)
	if len(names) == 0 {
		return "", nil
	}
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),
  coalesce(a.state, ''), left(coalesce(a.query, ''), 80), c.relname, l.mode
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.pid <> pg_backend_pid() AND c.relname = ANY(string_to_array($1, chr(1)))
ORDER BY a.pid`, strings.Join(names, "\x01"))
	if err != nil {
		return "", err
	}
	defer func() { _ = rows.Close() }()
	var who []string
	for rows.Next() {
		var (
			pid                                  int64
			app, addr, state, query, table, mode string
		)
		if err := rows.Scan(&pid, &app, &addr, &state, &query, &table, &mode); err != nil {
			return "", err
		}
		s := fmt.Sprintf("process %d", pid)
		var about []string
		if app != "" {
			about = append(about, fmt.Sprintf("application %q", app))
		}
		if addr != "" {
			about = append(about, "from "+addr)
		}
		if state != "" {
			about = append(about, state)
		}
		if query != "" {
			about = append(about, fmt.Sprintf("last query %q", strings.Join(strings.Fields(query), " ")))
		}
		about = append(about, mode+" on "+quote(table))
		who = append(who, s+" ("+strings.Join(about, ", ")+")")
	}
	return strings.Join(who, "; "), rows.Err()
}

// quotedNames returns the names statement writes in double quotes, once
// each.
func quotedNames(statement string) []string {
	var names []string
	seen := map[string]bool{}
	for i := 0; i < len(statement); i++ {
		if statement[i] != '"' {
			continue
		}
		var b strings.Builder
		j := i + 1
		for ; j < len(statement); j++ {
			if statement[j] == '"' {
				if j+1 < len(statement) && statement[j+1] == '"' {
					b.WriteByte('"')
					j++
					continue
				}
				break
			}
			b.WriteByte(statement[j])
		}
		if n := b.String(); n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
		i = j
	}
	return names
}
