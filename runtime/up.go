package runtime

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"
)

// Up applies every pending migration to db, in order of ID, and returns
// those it applied. Each runs in a transaction of its own, together with the
// ledger row that records it; all those of one call share a batch number.
//
// Up first reads the ledger without any lock: when nothing is pending it
// returns at once, without waiting for a lock another process holds.
// Otherwise it takes the dialect's migration lock, reads the ledger again
// under it and again inside each migration's transaction, so that processes
// calling Up on one database at the same time apply each migration exactly
// once between them. It creates the ledger table when it is missing.
//
// Before it applies anything, Up checks the ledger against the registered
// migrations and refuses with a *[DriftError] when an applied migration was
// edited or is not registered, or when a pending one sorts before an
// applied one, unless given [WithAllowDrift].
//
// When a migration fails, Up rolls it back and stops: it returns the
// migrations applied before it with a *[MigrationError]. When ctx ends
// while Up waits for the lock, Up returns an error wrapping ctx.Err().
func (m *Migrator) Up(ctx context.Context, db *sql.DB, opts ...Option) ([]Result, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	// The read without the lock only saves taking it: when it fails (SQLite
	// reports SQLITE_BUSY while another process commits), the read under
	// the lock decides.
	if applied, exists, err := r.ledger.readIfExists(ctx, db); err == nil && exists {
		statuses := r.audit(applied)
		if err := r.checkDrift("up", statuses); err != nil {
			return nil, err
		}
		if !pending(statuses) {
			return nil, nil
		}
	}
	var results []Result
	err = r.locked(ctx, db, func(conn *sql.Conn) error {
		applied, err := r.ledger.read(ctx, conn)
		if err != nil {
			return err
		}
		if err := r.checkDrift("up", r.audit(applied)); err != nil {
			return err
		}
		rp := replayer{migrations: r.migrations}
		batch := 0 // set from the ledger when the first migration is applied
		for {
			res, ok, err := r.applyNext(ctx, conn, &rp, &batch)
			if err != nil || !ok {
				return err
			}
			results = append(results, res)
		}
	})
	return results, err
}

// applyNext applies the first pending migration, if there is one, in a
// transaction of its own, and reports whether there was one.
func (r *run) applyNext(ctx context.Context, conn *sql.Conn, rp *replayer, batch *int) (Result, bool, error) {
	tx, err := r.dialect.Begin(ctx, conn)
	if err != nil {
		return Result{}, false, fmt.Errorf("runtime: up: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// Read inside the transaction: another process may have applied
	// migrations since the last one.
	applied, err := r.ledger.read(ctx, tx)
	if err != nil {
		return Result{}, false, err
	}
	i := slices.IndexFunc(r.migrations, func(mig Migration) bool { return !isApplied(applied, mig.ID) })
	if i < 0 {
		return Result{}, false, nil
	}
	if *batch == 0 {
		*batch = nextBatch(applied)
	}
	mig := r.migrations[i]
	before, err := rp.after(i)
	if err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Err: err}
	}
	steps, err := r.dialect.Render(before, mig.Up)
	if err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Err: err}
	}

	start := time.Now()
	if err := execute(ctx, tx, mig.ID, false, steps); err != nil {
		return Result{}, false, err
	}
	sum := chainChecksum(checksumBefore(applied, mig.ID), steps)
	if stmt, err := r.ledger.insert(ctx, tx, mig.ID, sum, *batch, start, time.Since(start)); err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Statement: stmt, Err: err}
	}
	if err := r.rechain(ctx, tx, applied, mig.ID, sum); err != nil {
		return Result{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Err: fmt.Errorf("commit: %w", err)}
	}
	res := Result{ID: mig.ID, Duration: time.Since(start)}
	r.logResult(ctx, res)
	return res, true, nil
}

// checksumBefore returns the checksum of the row of rows, sorted by ID,
// just before where migration id sorts, or "" when there is none.
func checksumBefore(rows []ledgerRow, id string) string {
	k := sort.Search(len(rows), func(k int) bool { return rows[k].ID >= id })
	if k == 0 {
		return ""
	}
	return rows[k-1].Checksum
}

// rechain chains anew, in tx, the checksums of the rows of applied that
// sort after migration id, just recorded with sum: it only has work when
// [WithAllowDrift] let Up apply a migration out of order. A row whose
// checksum did not match before is left as it is, still reported as drift.
func (r *run) rechain(ctx context.Context, tx *sql.Tx, applied []ledgerRow, id, sum string) error {
	k := sort.Search(len(applied), func(k int) bool { return applied[k].ID > id })
	oldPrev, newPrev := checksumBefore(applied, id), sum
	rp := replayer{migrations: r.migrations}
	for _, row := range applied[k:] {
		i := indexOf(r.migrations, row.ID)
		if i < 0 || r.expectedChecksum(&rp, i, oldPrev) != row.Checksum {
			oldPrev, newPrev = row.Checksum, row.Checksum
			continue
		}
		next := r.expectedChecksum(&rp, i, newPrev)
		if stmt, err := r.ledger.setChecksum(ctx, tx, row.ID, next); err != nil {
			return &MigrationError{ID: id, Statement: stmt, Err: err}
		}
		oldPrev, newPrev = row.Checksum, next
	}
	return nil
}
