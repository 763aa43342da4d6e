package runtime

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Up applies every pending migration to db, in order of ID, and returns
// those it applied. Each runs in a transaction of its own, together with the
// ledger row that records it; all those of one call share a batch number.
//
// Up holds the dialect's migration lock while it runs and reads the ledger
// again inside each migration's transaction, so that processes calling Up
// on one database at the same time apply each migration exactly once
// between them. It creates the ledger table when it is missing.
//
// When a migration fails, Up rolls it back and stops: it returns the
// migrations applied before it with a *[MigrationError]. When ctx ends
// while Up waits for the lock, Up returns an error wrapping ctx.Err().
func (m *Migrator) Up(ctx context.Context, db *sql.DB, opts ...Option) ([]Result, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	var results []Result
	err = r.locked(ctx, db, func(conn *sql.Conn) error {
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
	if stmt, err := r.ledger.insert(ctx, tx, mig.ID, checksum(steps), *batch, start, time.Since(start)); err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Statement: stmt, Err: err}
	}
	if err := tx.Commit(); err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Err: fmt.Errorf("commit: %w", err)}
	}
	res := Result{ID: mig.ID, Duration: time.Since(start)}
	r.logResult(ctx, res)
	return res, true, nil
}
