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

// outsideTransaction is implemented by dialects whose engine refuses some
// statements inside a transaction (PostgreSQL's CREATE INDEX CONCURRENTLY),
// as strata's postgres dialect does: it reports whether err is that refusal.
type outsideTransaction interface {
	OutsideTransaction(err error) bool
}

// settler is implemented by dialects that can tell, for some statements
// run outside a transaction, whether a run of one that was interrupted
// took effect, and that clear what a failed run of one leaves behind, as
// strata's postgres dialect does for CREATE INDEX CONCURRENTLY (which
// leaves an invalid index) and DROP INDEX CONCURRENTLY.
type settler interface {
	Settle(ctx context.Context, conn *sql.Conn, statement string) (tookEffect, known bool, err error)
}

// byStatement applies (or, when down is true, reverts) migration id, marked
// [Migration.NonTransactional] and rendered as steps, one statement at a
// time, and reports whether this run did it rather than another.
//
// Each statement runs in a transaction of its own together with the update
// of the migration's progress row, so that a crash leaves the row telling
// exactly which statements took effect, and the next run resumes from the
// first that did not. A statement the engine refuses inside a transaction
// runs on its own, bracketed by two updates of the row: the first marks it
// running, and a run that finds that mark knows it cannot tell whether the
// statement took effect, and stops with an *[InterruptedError]. The last
// transaction writes (or deletes) the migration's ledger row and deletes
// its progress row.
//
// The loop reads the ledger at each statement, so that it also finishes,
// or notices that another process finished, a migration whose statements
// other processes ran: on SQLite, whose lock is each transaction, several
// processes may take turns at one migration.
func (r *run) byStatement(ctx context.Context, conn *sql.Conn, id string, down bool, steps []dialect.Step, batch int) (Result, bool, error) {
	start := time.Now()
	for {
		tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
		if err != nil {
			return Result{}, false, fmt.Errorf("runtime: %s: %w", direction(down), err)
		}
		p, fresh, finished, err := r.resume(ctx, tx, id, down, steps, batch)
		if err != nil || finished {
			_ = tx.Rollback()
			return Result{}, false, err
		}
		if p.Running != 0 {
			_ = tx.Rollback()
			if err := r.settle(ctx, conn, p, steps); err != nil {
				return Result{}, false, err
			}
			continue
		}
		if p.Done == len(steps) {
			return r.finish(ctx, tx, id, down, steps, p, start)
		}
		if err := r.statement(ctx, conn, tx, p, fresh, steps); err != nil {
			return Result{}, false, err
		}
	}
}

// resume reads, in tx, the progress of migration id in the direction down
// says, and reports whether it is finished already. A migration not started
// yet gets a fresh row, not written yet (fresh is true).
func (r *run) resume(ctx context.Context, tx *sql.Tx, id string, down bool, steps []dialect.Step, batch int) (p progressRow, fresh, finished bool, err error) {
	st, err := r.ledger.read(ctx, tx)
	if err != nil {
		return progressRow{}, false, false, err
	}
	if isApplied(st.rows, id) == !down {
		return progressRow{}, false, true, nil
	}
	p, found := st.progressOf(id)
	if !found {
		return progressRow{ID: id, Direction: direction(down), Batch: batch, Checksum: statementsChecksum("", nil)}, true, false, nil
	}
	if !down {
		// The run that finishes the migration counts it in its batch.
		p.Batch = batch
	}
	switch {
	case p.down() != down:
		return progressRow{}, false, false, checkProgress(direction(down), st.progress)
	case p.Done > len(steps) || statementsChecksum("", steps[:p.Done]) != p.Checksum:
		return progressRow{}, false, false, &MigrationError{ID: id, Down: down, Committed: p.Done, Err: fmt.Errorf(
			"%w: its first %d statements took effect, but they are not what it renders to today: restore the migration as it was, finish it, and put the change in a new migration",
			ErrDrift, p.Done)}
	}
	return p, false, false, nil
}

// settle settles statement p.Done of p's migration, which a run began
// outside a transaction and never saw end, on conn: when the dialect can
// tell whether it took effect, it records the answer, and the run goes on
// from the next statement or runs it again; otherwise it returns an
// *[InterruptedError], which a person settles with [Migrator.Resolve].
func (r *run) settle(ctx context.Context, conn *sql.Conn, p progressRow, steps []dialect.Step) error {
	down, k := p.down(), p.Done
	interrupted := &InterruptedError{ID: p.ID, Down: down, Step: k + 1, Steps: len(steps), Statement: stepText(steps, k)}
	s, ok := r.dialect.(settler)
	if !ok || k >= len(steps) || steps[k].SQL == "" {
		return interrupted
	}
	tookEffect, known, err := s.Settle(ctx, conn, steps[k].SQL)
	switch {
	case err != nil:
		return &MigrationError{ID: p.ID, Down: down, Step: k + 1, Statement: steps[k].SQL, Committed: k, SQLState: sqlState(err), Err: err}
	case !known:
		return interrupted
	}
	next := p
	next.Running = 0
	if tookEffect {
		next = advance(p, steps)
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, "strata: settled a statement an earlier run was interrupted in",
		slog.String("id", p.ID), slog.String("direction", p.Direction), slog.Int("step", k+1),
		slog.String("statement", brief(steps[k].SQL)), slog.Bool("took_effect", tookEffect))
	return r.saveAlone(ctx, conn, next, false)
}

// statement runs the next statement of p's migration: in tx, together with
// the update of p (inserted when fresh is true), or, when the engine
// refuses it in a transaction, on conn alone, bracketed by two updates. tx
// ends either way.
func (r *run) statement(ctx context.Context, conn *sql.Conn, tx *sql.Tx, p progressRow, fresh bool, steps []dialect.Step) error {
	defer func() { _ = tx.Rollback() }()
	down, k, st := p.down(), p.Done, steps[p.Done]
	if err := r.fence(ctx, tx, p.ID, down); err != nil {
		return err
	}
	err := r.runStep(ctx, tx, p.ID, down, k, st)
	if err == nil {
		if stmt, err := r.ledger.saveProgress(ctx, tx, advance(p, steps), fresh); err != nil {
			return &MigrationError{ID: p.ID, Down: down, Committed: k, Statement: stmt, SQLState: sqlState(err), Err: err}
		}
		if err := tx.Commit(); err != nil {
			return &MigrationError{ID: p.ID, Down: down, Committed: k, Err: fmt.Errorf("commit: %w", err)}
		}
		return nil
	}
	if refuser, ok := r.dialect.(outsideTransaction); !ok || st.SQL == "" || !refuser.OutsideTransaction(err) {
		return withCommitted(err, k)
	}
	_ = tx.Rollback()
	return r.outside(ctx, conn, p, steps, fresh)
}

// outside runs statement p.Done of p's migration on conn, outside any
// transaction, marking it running in the progress row first and done, or
// not running, after.
func (r *run) outside(ctx context.Context, conn *sql.Conn, p progressRow, steps []dialect.Step, fresh bool) error {
	down, k, st := p.down(), p.Done, steps[p.Done]
	if s, ok := r.dialect.(settler); ok {
		// Clear what an earlier run of the statement that failed left
		// behind, such as an invalid index, which would fail it again.
		if _, _, err := s.Settle(ctx, conn, st.SQL); err != nil {
			return &MigrationError{ID: p.ID, Down: down, Step: k + 1, Statement: st.SQL, Committed: k, SQLState: sqlState(err), Err: err}
		}
	}
	running := p
	running.Running = 1
	if err := r.saveAlone(ctx, conn, running, fresh); err != nil {
		return err
	}
	begun := time.Now()
	res, execErr := conn.ExecContext(ctx, st.SQL)
	next := advance(p, steps)
	if execErr != nil {
		next = p
		next.Running = 0
	}
	// The outcome is known: record it even when ctx has ended meanwhile.
	if err := r.saveAlone(context.WithoutCancel(ctx), conn, next, false); err != nil {
		if execErr != nil {
			// The statement's failure is the news; the record, lost with
			// the connection as a rule, leaves it marked running, for the
			// next run to settle.
			return withCommitted(r.stepError(ctx, p.ID, down, k, st.SQL, errors.Join(execErr, err)), k)
		}
		return err
	}
	if execErr != nil {
		return withCommitted(r.stepError(ctx, p.ID, down, k, st.SQL, execErr), k)
	}
	r.logStep(ctx, p.ID, down, k, st.SQL, time.Since(begun), res)
	return nil
}

// saveAlone writes p in a transaction of its own on conn.
func (r *run) saveAlone(ctx context.Context, conn *sql.Conn, p progressRow, fresh bool) error {
	tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
	if err != nil {
		return fmt.Errorf("runtime: %s: %w", p.Direction, err)
	}
	defer func() { _ = tx.Rollback() }()
	if stmt, err := r.ledger.saveProgress(ctx, tx, p, fresh); err != nil {
		return &MigrationError{ID: p.ID, Down: p.down(), Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	if err := tx.Commit(); err != nil {
		return &MigrationError{ID: p.ID, Down: p.down(), Committed: p.Done, Err: fmt.Errorf("commit: %w", err)}
	}
	return nil
}

// finish ends p's migration, all of whose statements took effect, in tx:
// it writes (or, reverting, deletes) the migration's ledger row and deletes
// the progress row, then commits.
func (r *run) finish(ctx context.Context, tx *sql.Tx, id string, down bool, steps []dialect.Step, p progressRow, start time.Time) (Result, bool, error) {
	defer func() { _ = tx.Rollback() }()
	if err := r.fence(ctx, tx, id, down); err != nil {
		return Result{}, false, err
	}
	if down {
		if stmt, err := r.ledger.remove(ctx, tx, id); err != nil {
			return Result{}, false, &MigrationError{ID: id, Down: true, Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
		}
	} else {
		st, err := r.ledger.read(ctx, tx)
		if err != nil {
			return Result{}, false, err
		}
		if _, err := r.record(ctx, tx, st.rows, r.migrations[indexOf(r.migrations, id)], p.Batch, start); err != nil {
			return Result{}, false, withCommitted(err, p.Done)
		}
	}
	if stmt, err := r.ledger.removeProgress(ctx, tx, id); err != nil {
		return Result{}, false, &MigrationError{ID: id, Down: down, Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	if err := tx.Commit(); err != nil {
		return Result{}, false, &MigrationError{ID: id, Down: down, Committed: p.Done, Err: fmt.Errorf("commit: %w", err)}
	}
	res := Result{ID: id, Down: down, Duration: time.Since(start)}
	r.logResult(ctx, res, len(steps))
	return res, true, nil
}

// advance returns p after its next statement took effect.
func advance(p progressRow, steps []dialect.Step) progressRow {
	p.Done++
	p.Running = 0
	p.Checksum = statementsChecksum("", steps[:p.Done])
	return p
}

// withCommitted sets the Committed of a *MigrationError err to n.
func withCommitted(err error, n int) error {
	var me *MigrationError
	if errors.As(err, &me) {
		me.Committed = n
	}
	return err
}

// stepText returns the SQL of step k, or a note for a Go step.
func stepText(steps []dialect.Step, k int) string {
	if k >= len(steps) {
		return ""
	}
	if steps[k].Go != nil {
		return "-- Go step"
	}
	return steps[k].SQL
}
