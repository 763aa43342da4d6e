package runtime

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// leaseTable is the table that holds the lease of [WithLease]: one row per
// ledger, named after it, with the holder's random token and when the lease
// expires, in Unix milliseconds.
const leaseTable = "strata_lease"

// leasePoll is the longest a run waiting for a lease sleeps between
// attempts; it starts at a tenth of it.
const leasePoll = 100 * time.Millisecond

// lease is the lease a run holds.
type lease struct {
	r      *run
	holder string
	ttl    time.Duration
	// last is the expiry, in Unix milliseconds, the run last wrote.
	last atomic.Int64
}

// next returns the expiry to write at now: ttl after now, and always after
// the one written last, so that every renewal changes the row. MySQL
// counts only the rows an UPDATE changes, and a renewal within the same
// millisecond as the last would otherwise read as a lease lost.
func (l *lease) next(now time.Time) int64 {
	for {
		last := l.last.Load()
		exp := max(now.Add(l.ttl).UnixMilli(), last+1)
		if l.last.CompareAndSwap(last, exp) {
			return exp
		}
	}
}

// sessionLockProbe is implemented by dialects whose migration lock belongs
// to a session, as PostgreSQL's advisory lock does, and that let a lease
// respect it: runs with a lease and runs with the session lock must
// exclude each other.
type sessionLockProbe interface {
	// LockFreeCondition returns an SQL condition that is true when no
	// session holds the migration lock, and that keeps any from taking it
	// until the transaction of the statement it is part of ends.
	LockFreeCondition() string
}

// takeLease waits until it holds the lease of r's ledger, or ctx ends, or
// [WithLockTimeout] passes, and returns it. It creates the lease table
// when it is missing.
func (r *run) takeLease(ctx context.Context, db *sql.DB) (*lease, error) {
	if err := r.createLeaseTable(ctx, db); err != nil {
		return nil, err
	}
	l := &lease{r: r, holder: newHolder(), ttl: r.cfg.lease}
	err := r.pollLock(ctx, func() (bool, error) { return l.claim(ctx, db) }, func() string { return r.leaseHolder(ctx, db) })
	if err != nil {
		return nil, err
	}
	return l, nil
}

// respectLeases waits, on conn, which holds the dialect's session lock,
// until no other run holds a live lease of r's ledger: a run with
// [WithLease] may have claimed it before this run took the lock. It
// deletes a lease whose holder let it expire, which that holder's next
// migration then finds gone.
func (r *run) respectLeases(ctx context.Context, conn *sql.Conn) error {
	d := r.dialect
	table := d.QuoteIdent(leaseTable)
	read := fmt.Sprintf("SELECT expires_at FROM %s WHERE name = %s", table, d.Placeholder(1))
	created := false
	free := func() (bool, error) {
		var expires int64
		err := conn.QueryRowContext(ctx, read, r.ledger.table).Scan(&expires)
		if err != nil && !errors.Is(err, sql.ErrNoRows) && !created {
			// The table is missing, most likely: runs without a lease
			// create it only then, so as to pay for it once.
			created = true
			if err := r.createLeaseTable(ctx, conn); err != nil {
				return false, err
			}
			err = conn.QueryRowContext(ctx, read, r.ledger.table).Scan(&expires)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return true, nil
		case err != nil:
			return false, fmt.Errorf("runtime: look for a migration lease: %w", err)
		case expires >= time.Now().UnixMilli():
			return false, nil
		}
		stmt := fmt.Sprintf("DELETE FROM %s WHERE name = %s AND expires_at = %s", table, d.Placeholder(1), d.Placeholder(2))
		if _, err := conn.ExecContext(ctx, stmt, r.ledger.table, expires); err != nil {
			return false, fmt.Errorf("runtime: clear an expired migration lease: %w", err)
		}
		return false, nil // read again: its holder may have renewed it meanwhile
	}
	return r.pollLock(ctx, free, func() string { return r.leaseHolder(ctx, conn) })
}

// pollLock calls try until it reports true, pausing between attempts from
// a tenth of leasePoll up to leasePoll, and stops early when ctx ends,
// [WithLockTimeout] passes or r.lockOpts.Needed says the lock is no longer
// needed. After [dialect.WaitNotice] it tells r.lockOpts.Waiting what
// holder says of who holds the lock.
func (r *run) pollLock(ctx context.Context, try func() (bool, error), holder func() string) error {
	var giveUp, notice <-chan time.Time
	if r.cfg.lockTimeout > 0 {
		timer := time.NewTimer(r.cfg.lockTimeout)
		defer timer.Stop()
		giveUp = timer.C
	}
	if r.lockOpts.Waiting != nil {
		timer := time.NewTimer(dialect.WaitNotice)
		defer timer.Stop()
		notice = timer.C
	}
	pause := leasePoll / 10
	for {
		ok, err := try()
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("runtime: wait for the migration lease: %w", ctx.Err())
		case err != nil:
			return err
		case ok:
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("runtime: wait for the migration lease: %w", ctx.Err())
		case <-giveUp:
			return fmt.Errorf("runtime: %w (waited %s for the lease in %s; another process is migrating this database)", ErrLockTimeout, r.cfg.lockTimeout, leaseTable)
		case <-notice:
			r.lockOpts.Waiting(holder())
		case <-time.After(pause):
			pause = min(2*pause, leasePoll)
		}
		if r.lockOpts.Needed != nil {
			if needed, err := r.lockOpts.Needed(ctx); err == nil && !needed {
				return fmt.Errorf("runtime: %w", dialect.ErrNotNeeded)
			}
		}
	}
}

// newHolder returns the token a run holds its lease with: the host and
// process it runs in, for people to read, and random bytes, so that no two
// runs share it.
func newHolder() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown host"
	}
	token := make([]byte, 6)
	_, _ = rand.Read(token)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(token))
}

// leaseHolder describes the run that holds the lease of r's ledger, or a
// session that holds the dialect's lock when nobody holds the lease.
func (r *run) leaseHolder(ctx context.Context, q rowQuerier) string {
	d := r.dialect
	var (
		holder  string
		expires int64
	)
	stmt := fmt.Sprintf("SELECT holder, expires_at FROM %s WHERE name = %s", d.QuoteIdent(leaseTable), d.Placeholder(1))
	err := q.QueryRowContext(ctx, stmt, r.ledger.table).Scan(&holder, &expires)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "a run that holds the session lock"
	case err != nil:
		return ""
	}
	parts := strings.SplitN(holder, "/", 3)
	until := time.UnixMilli(expires).UTC().Format(time.TimeOnly)
	if len(parts) == 3 {
		return fmt.Sprintf("a run with a lease, process %s on %s, until %s UTC", parts[1], parts[0], until)
	}
	return fmt.Sprintf("a run with a lease (%s), until %s UTC", holder, until)
}

// createLeaseTable creates the lease table when it does not exist, as the
// dialect spells it ([dialect.Bookkeeping]) or in types PostgreSQL and
// SQLite share. Two processes creating it at once may collide on
// PostgreSQL's catalogue; the second attempt then finds it.
func (r *run) createLeaseTable(ctx context.Context, e execer) error {
	create := "CREATE TABLE IF NOT EXISTS " + r.dialect.QuoteIdent(leaseTable) + ` (
  "name" TEXT NOT NULL PRIMARY KEY,
  "holder" TEXT NOT NULL,
  "expires_at" BIGINT NOT NULL
)`
	if b, ok := r.dialect.(dialect.Bookkeeping); ok {
		create = b.LeaseTable(leaseTable)
	}
	var err error
	for range 3 {
		if _, err = e.ExecContext(ctx, create); err == nil {
			return nil
		}
	}
	return fmt.Errorf("runtime: create %s: %w", leaseTable, err)
}

// claim takes the lease when nobody holds it or its holder let it expire,
// and no session holds the dialect's lock, and reports whether it did.
func (l *lease) claim(ctx context.Context, db *sql.DB) (bool, error) {
	d, table := l.r.dialect, l.r.dialect.QuoteIdent(leaseTable)
	now := time.Now()
	expires := l.next(now)
	if b, ok := d.(dialect.Bookkeeping); ok {
		claimed, err := b.ClaimLease(ctx, db, dialect.LeaseClaim{Table: leaseTable, Name: l.r.ledger.table, Holder: l.holder, ExpiresAt: expires, Now: now.UnixMilli()})
		switch {
		case err != nil && ctx.Err() != nil:
			return false, fmt.Errorf("runtime: wait for the migration lease: %w", ctx.Err())
		case err != nil:
			return false, fmt.Errorf("runtime: take the migration lease: %w", err)
		}
		return claimed, nil
	}
	free := "1 = 1"
	if probe, ok := d.(sessionLockProbe); ok {
		free = probe.LockFreeCondition()
	}
	stmt := fmt.Sprintf(`INSERT INTO %s (name, holder, expires_at) SELECT %s, %s, %s WHERE %s
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE %s.expires_at < %s`, table, d.Placeholder(1), d.Placeholder(2), d.Placeholder(3), free, table, d.Placeholder(4))
	res, err := db.ExecContext(ctx, stmt, l.r.ledger.table, l.holder, expires, now.UnixMilli())
	if err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("runtime: wait for the migration lease: %w", ctx.Err())
		}
		return false, fmt.Errorf("runtime: take the migration lease: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("runtime: take the migration lease: %w", err)
	}
	return n == 1, nil
}

// renew extends the lease by its ttl, through e, and reports whether l
// still held it.
func (l *lease) renew(ctx context.Context, e execer) (bool, error) {
	d := l.r.dialect
	stmt := fmt.Sprintf("UPDATE %s SET expires_at = %s WHERE name = %s AND holder = %s",
		d.QuoteIdent(leaseTable), d.Placeholder(1), d.Placeholder(2), d.Placeholder(3))
	res, err := e.ExecContext(ctx, stmt, l.next(time.Now()), l.r.ledger.table, l.holder)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// keep renews the lease every third of its ttl until ctx ends, and calls
// lost when it finds the lease gone.
func (l *lease) keep(ctx context.Context, db *sql.DB, lost func()) {
	tick := time.NewTicker(l.ttl / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			held, err := l.renew(ctx, db)
			if err == nil && !held {
				lost()
				return
			}
		}
	}
}

// release gives the lease up.
func (l *lease) release(ctx context.Context, db *sql.DB) error {
	d := l.r.dialect
	stmt := fmt.Sprintf("DELETE FROM %s WHERE name = %s AND holder = %s", d.QuoteIdent(leaseTable), d.Placeholder(1), d.Placeholder(2))
	if _, err := db.ExecContext(ctx, stmt, l.r.ledger.table, l.holder); err != nil {
		return fmt.Errorf("runtime: release the migration lease: %w", err)
	}
	return nil
}

// rowQuerier runs a query of one row: a *sql.DB, *sql.Conn or *sql.Tx.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// execer runs a statement: a *sql.DB, *sql.Conn or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// fence checks, in tx, that the run still holds its lease, when it has one,
// and renews it: the update locks the lease's row until tx ends, so that no
// other process can take the lease over while the migration's transaction
// may still commit. Without a lease it does nothing.
func (r *run) fence(ctx context.Context, tx *sql.Tx, id string, down bool) error {
	if r.lease == nil {
		return nil
	}
	held, err := r.lease.renew(ctx, tx)
	switch {
	case err != nil:
		return &MigrationError{ID: id, Down: down, SQLState: sqlState(err), Err: fmt.Errorf("renew the migration lease: %w", err)}
	case !held:
		return &MigrationError{ID: id, Down: down, Err: fmt.Errorf("%w: it expired while this process stalled, and another took it over", ErrLeaseLost)}
	}
	return nil
}
