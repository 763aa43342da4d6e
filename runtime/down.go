package runtime

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// Down reverts the last steps applied migrations of db, the last to run
// first (the last ID first, when the Migrator includes no set), and
// returns those it reverted; fewer when fewer are applied. Each runs its
// Down operations in a transaction of its own, together with the deletion
// of its ledger row, rendered against the schema as that migration left it;
// one marked [Migration.NonTransactional] runs them statement by statement,
// as [Migrator.Up] does.
//
// Down takes the migration lock as [Migrator.Up] does, and refuses as Up
// does with a *[DriftError] when the ledger and the registered migrations
// disagree, unless given [WithAllowDrift]. Before it reverts anything, it
// returns an error wrapping [ErrIrreversible] when one of the migrations to
// revert holds a [schema.Irreversible] marker, unless given [WithForce],
// and one wrapping [ErrUnknownMigration] when one of them is applied but
// not registered. It returns an error wrapping [ErrInvalidSteps] when steps
// is less than 1 and [ErrNothingToRevert] when no migration is applied.
// When a migration fails, Down rolls it back and stops: it returns the
// migrations reverted before it with a *[MigrationError].
func (m *Migrator) Down(ctx context.Context, db *sql.DB, steps int, opts ...Option) ([]Result, error) {
	if steps < 1 {
		return nil, fmt.Errorf("runtime: down: %w, got %d", ErrInvalidSteps, steps)
	}
	return m.down(ctx, db, opts, func(applied []ledgerRow) (int, error) { return min(steps, len(applied)), nil })
}

// DownTo reverts, last first, every applied migration that runs after id
// (whose ID sorts after it, when the Migrator includes no set), which stays applied, as [Migrator.Down] reverts them. DownTo returns
// an error wrapping [ErrUnknownMigration] when id is not applied, and
// nothing when no migration after it is.
func (m *Migrator) DownTo(ctx context.Context, db *sql.DB, id string, opts ...Option) ([]Result, error) {
	return m.down(ctx, db, opts, func(applied []ledgerRow) (int, error) {
		for k := len(applied) - 1; k >= 0; k-- {
			if applied[k].ID == id {
				return len(applied) - 1 - k, nil
			}
		}
		return 0, fmt.Errorf("runtime: down: %w %q: it is not applied, so strata cannot revert down to it", ErrUnknownMigration, id)
	})
}

// DownBatch reverts the migrations of the last batch, those the last call
// of [Migrator.Up] applied, last first, as [Migrator.Down] reverts them.
func (m *Migrator) DownBatch(ctx context.Context, db *sql.DB, opts ...Option) ([]Result, error) {
	return m.down(ctx, db, opts, func(applied []ledgerRow) (int, error) {
		last, n := nextBatch(applied)-1, 0
		for _, row := range applied {
			if row.Batch == last {
				n++
			}
		}
		return n, nil
	})
}

// Redo reverts the last applied migration and applies it again, under one
// hold of the migration lock: the round trip to try while writing a
// migration's Down. It returns the two results, or what it got through
// with the error that stopped it.
func (m *Migrator) Redo(ctx context.Context, db *sql.DB, opts ...Option) ([]Result, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	var results []Result
	err = r.locked(ctx, db, func(conn *sql.Conn) error {
		plan, err := r.downPlan(ctx, conn, func(applied []ledgerRow) (int, error) { return 1, nil })
		if err != nil {
			return err
		}
		rp := replayer{migrations: r.migrations}
		res, _, err := r.revert(ctx, conn, &rp, plan[0])
		if err != nil {
			return err
		}
		results = append(results, res)
		res, ok, err := r.applyNext(ctx, conn, &rp, r.migrations[plan[0]].ID, new(int))
		if err != nil {
			return withBefore(err, results)
		}
		if ok {
			results = append(results, res)
		}
		return nil
	})
	return results, err
}

// down reverts the last count(applied) migrations of db.
func (m *Migrator) down(ctx context.Context, db *sql.DB, opts []Option, count func(applied []ledgerRow) (int, error)) ([]Result, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	var results []Result
	err = r.locked(ctx, db, func(conn *sql.Conn) error {
		plan, err := r.downPlan(ctx, conn, count)
		if err != nil {
			return err
		}
		rp := replayer{migrations: r.migrations}
		for _, i := range plan {
			res, ok, err := r.revert(ctx, conn, &rp, i)
			if err != nil {
				return withBefore(err, results)
			}
			if ok {
				results = append(results, res)
			}
		}
		return nil
	})
	return results, err
}

// downPlan returns the positions in r.migrations of the last count(applied)
// applied migrations, last first, once it has checked that each can be
// reverted.
func (r *run) downPlan(ctx context.Context, conn *sql.Conn, count func(applied []ledgerRow) (int, error)) ([]int, error) {
	st, err := r.ledger.read(ctx, conn)
	if err != nil {
		return nil, err
	}
	if err := r.checkDrift("down", r.audit(st.rows)); err != nil {
		return nil, err
	}
	if err := checkProgress("down", st.progress); err != nil {
		return nil, err
	}
	if len(st.rows) == 0 {
		return nil, fmt.Errorf("runtime: down: %w", ErrNothingToRevert)
	}
	applied := r.inRunOrder(st.rows)
	n, err := count(applied)
	if err != nil {
		return nil, err
	}
	var plan []int
	for k := len(applied) - 1; k >= len(applied)-n; k-- {
		i := r.index(applied[k].ID)
		if i < 0 {
			return nil, fmt.Errorf("runtime: down: %w %q: it is applied but not registered, so strata does not know how to revert it", ErrUnknownMigration, applied[k].ID)
		}
		if reason, ok := irreversible(r.migrations[i].Down); ok && !r.cfg.force {
			return nil, fmt.Errorf("runtime: down: %w %s: %s; pass --force (runtime.WithForce) to run the rest of its Down anyway", ErrIrreversible, applied[k].ID, reason)
		}
		plan = append(plan, i)
	}
	return plan, nil
}

// revert reverts migration i, unless another process reverted it
// meanwhile, and reports whether it did: in a transaction of its own, or
// statement by statement when the migration is marked
// [Migration.NonTransactional].
func (r *run) revert(ctx context.Context, conn *sql.Conn, rp *replayer, i int) (Result, bool, error) {
	tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
	if err != nil {
		return Result{}, false, fmt.Errorf("runtime: down: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	st, err := r.ledger.read(ctx, tx)
	if err != nil {
		return Result{}, false, err
	}
	mig := r.migrations[i]
	if !isApplied(st.rows, mig.ID) {
		return Result{}, false, nil
	}
	steps, err := r.render(rp, i, true)
	if err != nil {
		return Result{}, false, err
	}
	if mig.NonTransactional || dialect.Stepwise(steps) {
		_ = tx.Rollback()
		return r.byStatement(ctx, conn, mig.ID, true, mig.NonTransactional, steps, 0)
	}
	start, err := r.revertIn(ctx, tx, mig.ID, steps)
	for tries := 1; err != nil && r.lockTimedOut(err); tries++ {
		// Nothing took effect. The rollback comes first: after the last
		// try, the sessions holding the lock are looked up on conn.
		_ = tx.Rollback()
		if !r.retryLock(ctx, conn, mig.ID, &err, tries) {
			break
		}
		if tx, err = r.dialect.Begin(ctx, conn, r.lockOpts); err != nil {
			return Result{}, false, fmt.Errorf("runtime: down: %w", err)
		}
		start, err = r.revertIn(ctx, tx, mig.ID, steps)
	}
	if err != nil {
		return Result{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Down: true, Err: fmt.Errorf("commit: %w", err)}
	}
	res := Result{ID: mig.ID, Down: true, Duration: time.Since(start)}
	r.logResult(ctx, res, len(steps))
	return res, true, nil
}
