package runtime

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Down reverts the last steps applied migrations of db, last ID first, and
// returns those it reverted; fewer when fewer are applied. Each runs its
// Down operations in a transaction of its own, together with the deletion
// of its ledger row, rendered against the schema as that migration left it.
//
// Down takes the migration lock as [Migrator.Up] does, and refuses as Up
// does with a *[DriftError] when the ledger and the registered migrations
// disagree, unless given [WithAllowDrift]. It returns an error
// wrapping [ErrInvalidSteps] when steps is less than 1,
// [ErrNothingToRevert] when no migration is applied, and
// [ErrUnknownMigration], before reverting anything, when one of the
// migrations to revert is applied but not registered. When a migration
// fails, Down rolls it back and stops: it returns the migrations reverted
// before it with a *[MigrationError].
func (m *Migrator) Down(ctx context.Context, db *sql.DB, steps int, opts ...Option) ([]Result, error) {
	if steps < 1 {
		return nil, fmt.Errorf("runtime: down: %w, got %d", ErrInvalidSteps, steps)
	}
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	var results []Result
	err = r.locked(ctx, db, func(conn *sql.Conn) error {
		plan, err := r.downPlan(ctx, conn, steps)
		if err != nil {
			return err
		}
		rp := replayer{migrations: r.migrations}
		for _, i := range plan {
			res, ok, err := r.revert(ctx, conn, &rp, i)
			if err != nil {
				return err
			}
			if ok {
				results = append(results, res)
			}
		}
		return nil
	})
	return results, err
}

// downPlan returns the positions in r.migrations of the last steps applied
// migrations, last first.
func (r *run) downPlan(ctx context.Context, conn *sql.Conn, steps int) ([]int, error) {
	applied, err := r.ledger.read(ctx, conn)
	if err != nil {
		return nil, err
	}
	if err := r.checkDrift("down", r.audit(applied)); err != nil {
		return nil, err
	}
	if len(applied) == 0 {
		return nil, fmt.Errorf("runtime: down: %w", ErrNothingToRevert)
	}
	var plan []int
	for k := len(applied) - 1; k >= 0 && len(plan) < steps; k-- {
		i := indexOf(r.migrations, applied[k].ID)
		if i < 0 {
			return nil, fmt.Errorf("runtime: down: %w %q: it is applied but not registered, so strata does not know how to revert it", ErrUnknownMigration, applied[k].ID)
		}
		plan = append(plan, i)
	}
	return plan, nil
}

// revert reverts migration i in a transaction of its own, unless another
// process reverted it meanwhile, and reports whether it did.
func (r *run) revert(ctx context.Context, conn *sql.Conn, rp *replayer, i int) (Result, bool, error) {
	tx, err := r.dialect.Begin(ctx, conn)
	if err != nil {
		return Result{}, false, fmt.Errorf("runtime: down: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	applied, err := r.ledger.read(ctx, tx)
	if err != nil {
		return Result{}, false, err
	}
	mig := r.migrations[i]
	if !isApplied(applied, mig.ID) {
		return Result{}, false, nil
	}
	before, err := rp.after(i + 1)
	if err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Down: true, Err: err}
	}
	steps, err := r.dialect.Render(before, mig.Down)
	if err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Down: true, Err: err}
	}

	start := time.Now()
	if err := execute(ctx, tx, mig.ID, true, steps); err != nil {
		return Result{}, false, err
	}
	if stmt, err := r.ledger.remove(ctx, tx, mig.ID); err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Down: true, Statement: stmt, Err: err}
	}
	if err := tx.Commit(); err != nil {
		return Result{}, false, &MigrationError{ID: mig.ID, Down: true, Err: fmt.Errorf("commit: %w", err)}
	}
	res := Result{ID: mig.ID, Down: true, Duration: time.Since(start)}
	r.logResult(ctx, res)
	return res, true, nil
}
