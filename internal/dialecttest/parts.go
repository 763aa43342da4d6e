package dialecttest

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/strata-go/strata/runtime/dialect"
)

// RunParts carries out steps on conn as the runtime does, without its
// ledger: one transaction of d for them all, unless they cannot share one
// ([dialect.Stepwise]); then runs of ordinary steps in one transaction
// each, a step marked Outside on conn outside any transaction, one marked
// Apart in a transaction of its own, one marked Repeat in one transaction
// after another until it changes no row. It stops at the first error,
// which names the step, having rolled back the transaction it failed in.
func RunParts(ctx context.Context, conn *sql.Conn, d dialect.Dialect, steps []dialect.Step) error {
	alone := func(st dialect.Step) bool { return st.Outside || st.Apart || st.Repeat }
	stepwise := dialect.Stepwise(steps)
	for k := 0; k < len(steps); {
		st := steps[k]
		if st.Outside {
			if _, err := conn.ExecContext(ctx, st.SQL); err != nil {
				return fmt.Errorf("step %d (of operation %d): %w\nstatement: %s", k+1, st.Op+1, err, st.SQL)
			}
			k++
			continue
		}
		end := k + 1
		for !alone(st) && end < len(steps) && (!stepwise || !alone(steps[end])) {
			end++
		}
		again, err := runTransaction(ctx, conn, d, steps, k, end)
		if err != nil {
			return err
		}
		if !again {
			k = end
		}
	}
	return nil
}

// runTransaction runs steps k to end in one transaction of d on conn, and
// reports whether one marked Repeat changed rows.
func runTransaction(ctx context.Context, conn *sql.Conn, d dialect.Dialect, steps []dialect.Step, k, end int) (again bool, err error) {
	tx, err := d.Begin(ctx, conn, dialect.LockOptions{})
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for i := k; i < end; i++ {
		s := steps[i]
		if s.Go != nil {
			err = s.Go(ctx, tx)
		} else {
			var res sql.Result
			if res, err = tx.ExecContext(ctx, s.SQL); err == nil && s.Repeat {
				n, _ := res.RowsAffected()
				again = n > 0
			}
		}
		if err != nil {
			return false, fmt.Errorf("step %d (of operation %d): %w\nstatement: %s", i+1, s.Op+1, err, s.SQL)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	return again, nil
}
