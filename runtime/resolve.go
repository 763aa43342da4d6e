package runtime

import (
	"context"
	"database/sql"
	"fmt"
)

// Resolution is what a person found when checking the statement an
// *[InterruptedError] names.
type Resolution int

const (
	// StatementDone says the statement took effect: the next run goes on
	// from the statement after it.
	StatementDone Resolution = iota + 1
	// StatementRetry says the statement did not take effect: the next run
	// runs it again.
	StatementRetry
)

// Resolve records what became of the statement during which a run of
// migration id, marked [Migration.NonTransactional], was interrupted (see
// [InterruptedError]), so that the next call of [Migrator.Up] (or
// [Migrator.Down], for a migration being reverted) can go on. It takes the
// migration lock. It returns an error wrapping [ErrNotPending] when no
// statement of id is waiting to be resolved.
func (m *Migrator) Resolve(ctx context.Context, db *sql.DB, id string, how Resolution, opts ...Option) error {
	if how != StatementDone && how != StatementRetry {
		return fmt.Errorf("runtime: resolve: %w: Resolution %d", ErrInvalidOption, how)
	}
	r, err := m.newRun(db, opts)
	if err != nil {
		return err
	}
	i := r.index(id)
	if i < 0 {
		return fmt.Errorf("runtime: resolve: %w %q", ErrUnknownMigration, id)
	}
	return r.locked(ctx, db, func(conn *sql.Conn) error {
		tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
		if err != nil {
			return fmt.Errorf("runtime: resolve: %w", err)
		}
		defer func() { _ = tx.Rollback() }()
		st, err := r.ledger.read(ctx, tx)
		if err != nil {
			return err
		}
		p, found := st.progressOf(id)
		if !found || p.Running == 0 {
			return fmt.Errorf("runtime: resolve: %w: migration %s has no interrupted statement", ErrNotPending, id)
		}
		next := p
		next.Running = 0
		if how == StatementDone {
			rp := replayer{migrations: r.migrations}
			steps, err := r.render(&rp, i, p.down())
			if err != nil {
				return err
			}
			next = advance(p, steps)
		}
		if stmt, err := r.ledger.saveProgress(ctx, tx, next, false); err != nil {
			return fmt.Errorf("runtime: resolve: %s: %w", brief(stmt), err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("runtime: resolve: commit: %w", err)
		}
		r.log.InfoContext(ctx, "strata: resolved interrupted statement", "id", id, "step", p.Done+1, "took_effect", how == StatementDone)
		return nil
	})
}
