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

// byStatement applies (or, when down is true, reverts) migration id,
// rendered as steps, part by part, and reports whether this run did it
// rather than another. It runs so a migration marked
// [Migration.NonTransactional], one statement per part, and one whose
// steps say that they cannot share one transaction ([dialect.Stepwise]):
// then a part is a run of ordinary steps, or a step that runs outside a
// transaction, apart or repeatedly, alone.
//
// Each part runs in a transaction of its own together with the update of
// the migration's progress row, so that a crash leaves the row telling
// exactly which statements took effect, and the next run resumes from the
// first that did not. A statement the engine refuses inside a transaction
// runs on its own, bracketed by two updates of the row: the first marks it
// running, and a run that finds that mark settles it, or, when the dialect
// cannot tell whether the statement took effect, stops with an
// *[InterruptedError]. A step marked Repeat runs in one transaction after
// another until it changes no row. A part that gave up waiting for a lock
// is tried again (see [WithStepTimeouts]). The last transaction writes (or
// deletes) the migration's ledger row and deletes its progress row.
//
// Where the run holds what it knows of the ledger under a lock that lasts
// the run (see [run.trusted]), nobody else changes the ledger meanwhile,
// and the loop takes the migration's progress from there. Otherwise it
// reads the ledger at each part, so that it also finishes, or notices that
// another process finished, a migration whose statements other processes
// ran: on SQLite, whose lock is each transaction, several processes may
// take turns at one migration.
func (r *run) byStatement(ctx context.Context, conn *sql.Conn, id string, down, nonTx bool, steps []dialect.Step, batch int) (Result, bool, error) {
	start := time.Now()
	tries, at := 0, -1 // tries of the part that begins at step at
	for {
		tx, st, err := r.beginWithLedger(ctx, conn, down)
		if err != nil {
			return Result{}, false, err
		}
		p, fresh, finished, err := resume(st, id, down, steps, batch)
		switch {
		case err != nil || finished:
			rollback(tx)
			return Result{}, false, err
		case p.Running != 0 && r.premarked == id:
			r.premarked = "" // the mark is this run's, made for the statement it runs now
		case p.Running != 0:
			rollback(tx)
			if err := r.settle(ctx, conn, p, steps); err != nil {
				return Result{}, false, err
			}
			continue
		case p.Done == len(steps):
			return r.finish(ctx, conn, tx, st, id, down, steps, p, start)
		}
		if p.Done != at {
			tries, at = 0, p.Done
		}
		if steps[p.Done].Outside {
			rollback(tx)
			var done bool
			if done, err = r.outside(ctx, conn, p, steps, fresh, p.Done == len(steps)-1); done {
				return r.finish(ctx, conn, nil, st, id, down, steps, advance(p, steps), start)
			}
		} else {
			if tx == nil {
				if tx, err = r.dialect.Begin(ctx, conn, r.lockOpts); err != nil {
					return Result{}, false, fmt.Errorf("runtime: %s: %w", direction(down), err)
				}
			}
			err = r.part(ctx, conn, tx, p, fresh, steps, nonTx)
		}
		if tries++; err != nil && !r.retryLock(ctx, conn, id, &err, tries) {
			return Result{}, false, err
		}
	}
}

// beginWithLedger returns the rows and progress of the ledger: those r
// holds when it can trust them (see [run.trusted]), with no transaction
// begun, and otherwise those it reads in a transaction it begins on conn,
// which it returns.
func (r *run) beginWithLedger(ctx context.Context, conn *sql.Conn, down bool) (*sql.Tx, ledgerState, error) {
	if h := r.trusted(); h != nil {
		return nil, ledgerState{rows: h.rows, progress: h.progress}, nil
	}
	tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
	if err != nil {
		return nil, ledgerState{}, fmt.Errorf("runtime: %s: %w", direction(down), err)
	}
	st, err := r.ledger.read(ctx, tx)
	if err != nil {
		_ = tx.Rollback()
		return nil, ledgerState{}, err
	}
	return tx, st, nil
}

// rollback rolls tx back, when there is one.
func rollback(tx *sql.Tx) {
	if tx != nil {
		_ = tx.Rollback()
	}
}

// partEnd returns where the part of steps that begins at step k ends: one
// step on, for a migration marked [Migration.NonTransactional] and for a
// step that runs outside a transaction, apart or repeatedly; at the next
// such step, or the end, otherwise.
func partEnd(steps []dialect.Step, k int, nonTx bool) int {
	alone := func(st dialect.Step) bool { return st.Outside || st.Apart || st.Repeat }
	if nonTx || alone(steps[k]) {
		return k + 1
	}
	end := k + 1
	for end < len(steps) && !alone(steps[end]) {
		end++
	}
	return end
}

// resume returns, from the ledger's state st, the progress of migration
// id in the direction down says, and reports whether it is finished
// already. A migration not started yet gets a fresh row, not written yet
// (fresh is true).
func resume(st ledgerState, id string, down bool, steps []dialect.Step, batch int) (p progressRow, fresh, finished bool, err error) {
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
// tell whether it took effect (its Settle, or, for an engine whose DDL is
// atomic, the live schema: see [run.settleBySchema]), it records the
// answer, and the run goes on from the next statement or runs it again;
// otherwise it returns an *[InterruptedError], which a person settles with
// [Migrator.Resolve].
func (r *run) settle(ctx context.Context, conn *sql.Conn, p progressRow, steps []dialect.Step) error {
	down, k := p.down(), p.Done
	interrupted := &InterruptedError{ID: p.ID, Down: down, Step: k + 1, Steps: len(steps), Statement: stepText(steps, k)}
	if k >= len(steps) || steps[k].SQL == "" {
		return interrupted
	}
	var (
		tookEffect, known bool
		err               error
	)
	if s, ok := r.dialect.(settler); ok {
		tookEffect, known, err = s.Settle(ctx, conn, steps[k].SQL)
	}
	if err == nil && !known {
		tookEffect, known, err = r.settleBySchema(ctx, p, steps)
	}
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

// part runs the next part of p's migration (see [run.byStatement]): in
// tx, together with the update of p (inserted when fresh is true), or,
// for a statement that runs outside a transaction, on conn alone,
// bracketed by two updates. A step marked Repeat that changed rows leaves
// p where it was, for the loop to run it again. tx ends either way.
func (r *run) part(ctx context.Context, conn *sql.Conn, tx *sql.Tx, p progressRow, fresh bool, steps []dialect.Step, nonTx bool) error {
	defer func() { _ = tx.Rollback() }()
	down, k := p.down(), p.Done
	if err := r.fence(ctx, tx, p.ID, down); err != nil {
		return err
	}
	end := partEnd(steps, k, nonTx)
	pre := r.prologue(steps[k:end])
	next := advanceTo(p, steps, end)
	for j := k; j < end; j++ {
		changed, err := r.runStep(ctx, tx, p.ID, down, j, steps[j], pre, "")
		if err != nil {
			if refuser, ok := r.dialect.(outsideTransaction); ok && end == k+1 && steps[k].SQL != "" && refuser.OutsideTransaction(err) {
				_ = tx.Rollback()
				_, err := r.outside(ctx, conn, p, steps, fresh, false)
				return err
			}
			return withCommitted(err, k)
		}
		if steps[j].Repeat && changed > 0 {
			next = p // not done until a run changes nothing
		}
		pre = ""
	}
	if stmt, err := r.ledger.saveProgress(ctx, tx, next, fresh); err != nil {
		return &MigrationError{ID: p.ID, Down: down, Committed: k, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	if err := tx.Commit(); err != nil {
		r.held = nil // whether it took effect is for the next read to tell
		return &MigrationError{ID: p.ID, Down: down, Committed: k, Err: fmt.Errorf("commit: %w", err)}
	}
	r.held.saved(next)
	return nil
}

// outside runs statement p.Done of p's migration on conn, outside any
// transaction, marking it running in the progress row first, unless p is
// marked so already (see [run.premark]), and done, or not running, after.
// When last is set and the statement, the migration's
// last, takes effect, outside leaves the row marked running and reports
// done: the caller's [run.finish] deletes the row in the transaction that
// records the migration, which spares a transaction, and a crash before
// it commits leaves the mark for the next run to settle.
func (r *run) outside(ctx context.Context, conn *sql.Conn, p progressRow, steps []dialect.Step, fresh, last bool) (done bool, err error) {
	down, k, st := p.down(), p.Done, steps[p.Done]
	if s, ok := r.dialect.(settler); ok {
		// Clear what an earlier run of the statement that failed left
		// behind, such as an invalid index, which would fail it again.
		if _, _, err := s.Settle(ctx, conn, st.SQL); err != nil {
			return false, &MigrationError{ID: p.ID, Down: down, Step: k + 1, Statement: st.SQL, Committed: k, SQLState: sqlState(err), Err: err}
		}
	}
	if p.Running == 0 {
		running := p
		running.Running = 1
		if err := r.saveAlone(ctx, conn, running, fresh); err != nil {
			return false, err
		}
	}
	begun := time.Now()
	res, execErr := conn.ExecContext(ctx, st.SQL)
	if execErr == nil && last {
		r.logStep(ctx, p.ID, down, k, st.SQL, time.Since(begun), res)
		return true, nil
	}
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
			return false, withCommitted(r.stepError(ctx, p.ID, down, k, st.SQL, errors.Join(execErr, err)), k)
		}
		return false, err
	}
	if execErr != nil {
		return false, withCommitted(r.stepError(ctx, p.ID, down, k, st.SQL, execErr), k)
	}
	r.logStep(ctx, p.ID, down, k, st.SQL, time.Since(begun), res)
	return false, nil
}

// saveAlone writes p in a transaction of its own on conn: the one
// statement's own, under a lock the run trusts (see [run.trusted]), which
// spares two round trips; one begun with the dialect's Begin otherwise,
// which on SQLite takes the lock.
func (r *run) saveAlone(ctx context.Context, conn *sql.Conn, p progressRow, fresh bool) error {
	if r.trusted() != nil {
		if stmt, err := r.ledger.saveProgress(ctx, conn, p, fresh); err != nil {
			r.held = nil // whether it took effect is for the next read to tell
			return &MigrationError{ID: p.ID, Down: p.down(), Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
		}
		r.held.saved(p)
		return nil
	}
	tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
	if err != nil {
		return fmt.Errorf("runtime: %s: %w", p.Direction, err)
	}
	defer func() { _ = tx.Rollback() }()
	if stmt, err := r.ledger.saveProgress(ctx, tx, p, fresh); err != nil {
		return &MigrationError{ID: p.ID, Down: p.down(), Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	if err := tx.Commit(); err != nil {
		r.held = nil // whether it took effect is for the next read to tell
		return &MigrationError{ID: p.ID, Down: p.down(), Committed: p.Done, Err: fmt.Errorf("commit: %w", err)}
	}
	r.held.saved(p)
	return nil
}

// finish ends p's migration, all of whose statements took effect, in tx,
// or, when tx is nil, in a transaction it begins on conn: it writes (or,
// reverting, deletes) the migration's ledger row and deletes the progress
// row, then commits. st is the ledger's state the caller has, read in tx
// or trusted (see [run.trusted]); with no tx, and nothing trusted, finish
// reads it anew.
func (r *run) finish(ctx context.Context, conn *sql.Conn, tx *sql.Tx, st ledgerState, id string, down bool, steps []dialect.Step, p progressRow, start time.Time) (Result, bool, error) {
	if tx == nil {
		var err error
		if tx, err = r.dialect.Begin(ctx, conn, r.lockOpts); err != nil {
			return Result{}, false, fmt.Errorf("runtime: %s: %w", direction(down), err)
		}
		if r.trusted() == nil {
			if st, err = r.ledger.read(ctx, tx); err != nil {
				_ = tx.Rollback()
				return Result{}, false, err
			}
		}
	}
	defer func() { _ = tx.Rollback() }()
	if err := r.fence(ctx, tx, id, down); err != nil {
		return Result{}, false, err
	}
	i := r.index(id)
	var rows []ledgerRow
	if down {
		if stmt, err := r.ledger.remove(ctx, tx, id); err != nil {
			return Result{}, false, &MigrationError{ID: id, Down: true, Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
		}
	} else {
		var err error
		if rows, err = r.record(ctx, tx, st.rows, r.migrations[i], p.Batch, start); err != nil {
			return Result{}, false, withCommitted(err, p.Done)
		}
	}
	if stmt, err := r.ledger.removeProgress(ctx, tx, id); err != nil {
		return Result{}, false, &MigrationError{ID: id, Down: down, Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	mark, marked := r.premark(down, p.Batch)
	if marked {
		if stmt, err := r.ledger.saveProgress(ctx, tx, mark, true); err != nil {
			return Result{}, false, &MigrationError{ID: id, Down: down, Committed: p.Done, Statement: stmt, SQLState: sqlState(err), Err: err}
		}
	}
	if err := tx.Commit(); err != nil {
		r.held = nil // whether it took effect is for the next read to tell
		return Result{}, false, &MigrationError{ID: id, Down: down, Committed: p.Done, Err: fmt.Errorf("commit: %w", err)}
	}
	if down {
		r.held = nil // a run that reverts does not hold the ledger
	} else {
		r.held.finished(rows, i, id)
	}
	if marked {
		r.held.saved(mark)
		r.premarked = mark.ID
	}
	res := Result{ID: id, Down: down, Duration: time.Since(start)}
	r.logResult(ctx, res, len(steps))
	return res, true, nil
}

// premark returns the progress row that marks the first statement of the
// migration Up applies next running, for [run.finish] to write in the
// transaction that records the one before it, which spares the mark a
// transaction of its own: on MySQL, where each migration runs statement
// by statement, that is one commit fewer a migration. It does so only
// under a lock the run trusts (see [run.trusted]), for a statement whose
// engine runs it whole or not at all ([dialect.AtomicDDL]), so that a run
// that stops before the statement leaves a mark the next one settles from
// the schema, as it settles a statement interrupted while it ran; and
// only for a migration not started yet, whose rendering is at hand.
func (r *run) premark(down bool, batch int) (progressRow, bool) {
	a, h := r.ahead, r.trusted()
	atomic, ok := r.dialect.(dialect.AtomicDDL)
	if down || a == nil || h == nil || !ok {
		return progressRow{}, false
	}
	<-a.done
	if a.err != nil || len(a.steps) == 0 || !a.steps[0].Outside || a.steps[0].SQL == "" || !atomic.AtomicDDL(a.steps[0].SQL) {
		return progressRow{}, false
	}
	id := r.migrations[a.i].ID
	if _, started := (ledgerState{progress: h.progress}).progressOf(id); started || isApplied(h.rows, id) {
		return progressRow{}, false
	}
	return progressRow{ID: id, Direction: direction(false), Batch: batch, Checksum: statementsChecksum("", nil), Running: 1}, true
}

// unmark deletes, on conn, the mark [run.premark] left for a migration
// the run did not go on to run, as when it stopped at an error in
// between. Should that fail, the next run settles the mark.
func (r *run) unmark(ctx context.Context, conn *sql.Conn) {
	if r.premarked == "" {
		return
	}
	if _, err := r.ledger.removeProgress(context.WithoutCancel(ctx), conn, r.premarked); err == nil {
		r.premarked = ""
	}
}

// advance returns p after its next statement took effect.
func advance(p progressRow, steps []dialect.Step) progressRow {
	return advanceTo(p, steps, p.Done+1)
}

// advanceTo returns p after its statements up to step end took effect.
func advanceTo(p progressRow, steps []dialect.Step, end int) progressRow {
	p.Done = end
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
