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

// runStep runs step k (from 0) of migration id in tx: SQL through tx, a Go
// step with tx. It runs the statements of pre, the timeouts of tx when the
// step is its first (see [run.prologue]), in the same request as the
// step's SQL, or before a Go step, and the statements of post after the
// step's SQL in the same request (see [run.ledgerTail]). It logs the step at debug level with
// its duration and, where the driver knows it, the number of rows it
// touched, and returns that number (0 when the driver does not know it).
// A failure is a *MigrationError.
func (r *run) runStep(ctx context.Context, tx *sql.Tx, id string, down bool, k int, st dialect.Step, pre, post string) (int64, error) {
	start := time.Now()
	if st.Go != nil {
		if pre != "" {
			if _, err := tx.ExecContext(ctx, pre); err != nil {
				return 0, r.stepError(ctx, id, down, k, pre, err)
			}
		}
		if err := st.Go(ctx, tx); err != nil {
			return 0, &MigrationError{ID: id, Down: down, Step: k + 1, SQLState: sqlState(err), Err: fmt.Errorf("operation %d (run Go): %w", st.Op+1, err)}
		}
		r.logStep(ctx, id, down, k, "-- Go step", time.Since(start), nil)
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, pre+st.SQL+post)
	if err != nil {
		return 0, r.stepError(ctx, id, down, k, st.SQL, err)
	}
	r.logStep(ctx, id, down, k, st.SQL, time.Since(start), res)
	n, err := res.RowsAffected()
	if err != nil {
		n = 0
	}
	return n, nil
}

// stepError returns the *MigrationError of statement k of migration id,
// which failed with err.
func (r *run) stepError(ctx context.Context, id string, down bool, k int, statement string, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		// Some drivers report only that the statement was interrupted; say
		// why, so that callers can tell.
		err = fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return &MigrationError{ID: id, Down: down, Step: k + 1, Statement: statement, SQLState: sqlState(err), Err: err}
}

// logStep logs that step k of migration id ran.
func (r *run) logStep(ctx context.Context, id string, down bool, k int, statement string, took time.Duration, res sql.Result) {
	if !r.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("id", id),
		slog.String("direction", direction(down)),
		slog.Int("step", k+1),
		slog.String("statement", brief(statement)),
		slog.Duration("duration", took),
	}
	if res != nil {
		if n, err := res.RowsAffected(); err == nil {
			attrs = append(attrs, slog.Int64("rows", n))
		}
	}
	r.log.LogAttrs(ctx, slog.LevelDebug, "strata: ran statement", attrs...)
}

// logResult logs that a migration of the given number of statements was
// applied, reverted or faked, and hands res to the [WithProgress]
// function.
func (r *run) logResult(ctx context.Context, res Result, statements int) {
	if r.cfg.progress != nil {
		r.cfg.progress(res)
	}
	msg := "strata: applied migration"
	switch {
	case res.Faked:
		msg = "strata: recorded migration without running it"
	case res.Down:
		msg = "strata: reverted migration"
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, msg,
		slog.String("id", res.ID),
		slog.String("direction", direction(res.Down)),
		slog.Int("statements", statements),
		slog.Duration("duration", res.Duration))
}
