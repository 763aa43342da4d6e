package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// unlockTimeout bounds how long releasing the migration lock may take.
const unlockTimeout = 10 * time.Second

// locked runs fn with one connection of db that holds the dialect's
// migration lock, or r's lease ([WithLease]), once the ledger table exists.
// It releases the lock and the connection on every path; the lock with a
// context of its own, so that it is released even when ctx is done by then.
// A run whose lease is lost has its context cancelled, so that it stops at
// its next statement; the fence in each migration's transaction keeps it
// from committing anything after another process took the lease over.
//
// A run with the dialect's session lock also waits, once it holds it, for
// any live lease of another run to end ([run.respectLeases]), and a run
// with a lease claims it only while no session holds the lock: any two
// runs exclude each other, whatever options each was given.
//
// When r.lockOpts.Needed reports, while locked waits, that the lock is no
// longer needed, locked returns an error wrapping [dialect.ErrNotNeeded]
// without calling fn.
func (r *run) locked(ctx context.Context, db *sql.DB, fn func(*sql.Conn) error) (err error) {
	release := func(ctx context.Context) error { return nil }
	if r.leased() {
		l, err := r.takeLease(ctx, db)
		if err != nil {
			return err
		}
		r.lease = l
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		go l.keep(ctx, db, func() { cancel(ErrLeaseLost) })
		release = func(ctx context.Context) error { return l.release(ctx, db) }
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		defer cancel()
		if rerr := release(uctx); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()

	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("runtime: connect: %w", err)
	}
	defer func() { _ = conn.Close() }()

	unlock, err := r.dialect.Lock(ctx, conn, r.lockOpts)
	if err != nil {
		return fmt.Errorf("runtime: take migration lock: %w", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		defer cancel()
		if uerr := unlock(uctx); uerr != nil {
			err = errors.Join(err, fmt.Errorf("runtime: release migration lock: %w", uerr))
		}
	}()

	// First the leases, so that no run with a lease is creating the ledger
	// while this one does.
	if respectsLeases(r.dialect) && !r.leased() {
		if err := r.respectLeases(ctx, conn); err != nil {
			return err
		}
	}
	if !r.ledgerFound {
		if err := r.ledger.create(ctx, conn, r.lockOpts); err != nil {
			return err
		}
	}
	return fn(conn)
}

// respectsLeases reports whether d's lock belongs to a session, and runs
// holding it must therefore wait for any live lease: whether it tells, as a
// condition or by claiming leases itself, whether a session holds it.
func respectsLeases(d dialect.Dialect) bool {
	_, probed := d.(sessionLockProbe)
	_, booked := d.(dialect.Bookkeeping)
	return probed || booked
}

// waiting logs, once a run has waited for the migration lock for
// [dialect.WaitNotice], that it waits, and for whom.
func (r *run) waiting(holder string) {
	attrs := []slog.Attr{slog.Duration("waited", dialect.WaitNotice)}
	if holder != "" {
		attrs = append(attrs, slog.String("holder", holder))
	}
	r.log.LogAttrs(context.Background(), slog.LevelWarn, "strata: waiting for the migration lock, which another run holds", attrs...)
}

// leased reports whether r serialises with a lease ([WithLease]). SQLite
// ignores the option: its lock is the write lock of the database file,
// which no connection pooler stands in front of.
func (r *run) leased() bool {
	return r.cfg.lease > 0 && r.dialect.Name() != "sqlite"
}
