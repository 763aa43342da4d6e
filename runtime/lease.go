package runtime

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
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
}

// takeLease waits until it holds the lease of r's ledger, or ctx ends, or
// [WithLockTimeout] passes, and returns it. It creates the lease table
// when it is missing.
func (r *run) takeLease(ctx context.Context, db *sql.DB) (*lease, error) {
	if err := r.createLeaseTable(ctx, db); err != nil {
		return nil, err
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	l := &lease{r: r, holder: hex.EncodeToString(token), ttl: r.cfg.lease}
	var giveUp <-chan time.Time
	if r.cfg.lockTimeout > 0 {
		timer := time.NewTimer(r.cfg.lockTimeout)
		defer timer.Stop()
		giveUp = timer.C
	}
	pause := leasePoll / 10
	for {
		ok, err := l.claim(ctx, db)
		if err != nil {
			return nil, err
		}
		if ok {
			return l, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("runtime: wait for the migration lease: %w", ctx.Err())
		case <-giveUp:
			return nil, fmt.Errorf("runtime: %w (waited %s for the lease in %s; another process is migrating this database)", ErrLockTimeout, r.cfg.lockTimeout, leaseTable)
		case <-time.After(pause):
		}
		pause = min(2*pause, leasePoll)
	}
}

// createLeaseTable creates the lease table when it does not exist. Two
// processes creating it at once may collide on PostgreSQL's catalogue;
// the second attempt then finds it.
func (r *run) createLeaseTable(ctx context.Context, db *sql.DB) error {
	create := "CREATE TABLE IF NOT EXISTS " + r.dialect.QuoteIdent(leaseTable) + ` (
  "name" TEXT NOT NULL PRIMARY KEY,
  "holder" TEXT NOT NULL,
  "expires_at" BIGINT NOT NULL
)`
	var err error
	for range 3 {
		if _, err = db.ExecContext(ctx, create); err == nil {
			return nil
		}
	}
	return fmt.Errorf("runtime: create %s: %w", leaseTable, err)
}

// claim takes the lease when nobody holds it or its holder let it expire,
// and reports whether it did.
func (l *lease) claim(ctx context.Context, db *sql.DB) (bool, error) {
	d, table := l.r.dialect, l.r.dialect.QuoteIdent(leaseTable)
	now := time.Now()
	stmt := fmt.Sprintf(`INSERT INTO %s (name, holder, expires_at) VALUES (%s, %s, %s)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE %s.expires_at < %s`, table, d.Placeholder(1), d.Placeholder(2), d.Placeholder(3), table, d.Placeholder(4))
	res, err := db.ExecContext(ctx, stmt, l.r.ledger.table, l.holder, now.Add(l.ttl).UnixMilli(), now.UnixMilli())
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
	res, err := e.ExecContext(ctx, stmt, time.Now().Add(l.ttl).UnixMilli(), l.r.ledger.table, l.holder)
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
