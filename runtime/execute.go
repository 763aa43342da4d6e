package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/strata-go/strata/runtime/dialect"
)

// execute runs the rendered steps of migration id in tx, in order: SQL
// through tx, Go steps with tx. A failure is a *MigrationError.
func execute(ctx context.Context, tx *sql.Tx, id string, down bool, steps []dialect.Step) error {
	for _, st := range steps {
		if st.Go != nil {
			if err := st.Go(ctx, tx); err != nil {
				return &MigrationError{ID: id, Down: down, Err: fmt.Errorf("operation %d (run Go): %w", st.Op+1, err)}
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, st.SQL); err != nil {
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				// Some drivers report only that the statement was
				// interrupted; say why, so that callers can tell.
				err = fmt.Errorf("%w: %w", ctx.Err(), err)
			}
			return &MigrationError{ID: id, Down: down, Statement: st.SQL, Err: err}
		}
	}
	return nil
}

// logResult logs that a migration was applied or reverted.
func (r *run) logResult(ctx context.Context, res Result) {
	msg, direction := "strata: applied migration", "up"
	if res.Down {
		msg, direction = "strata: reverted migration", "down"
	}
	r.log.LogAttrs(ctx, slog.LevelInfo, msg,
		slog.String("id", res.ID),
		slog.String("direction", direction),
		slog.Duration("duration", res.Duration))
}
