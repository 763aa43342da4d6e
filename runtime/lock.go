package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// unlockTimeout bounds how long releasing the migration lock may take.
const unlockTimeout = 10 * time.Second

// locked runs fn with one connection of db that holds the dialect's
// migration lock, once the ledger table exists. It releases the lock and the
// connection on every path; the lock with a context of its own, so that it
// is released even when ctx is done by then.
func (r *run) locked(ctx context.Context, db *sql.DB, fn func(*sql.Conn) error) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("runtime: connect: %w", err)
	}
	defer func() { _ = conn.Close() }()

	unlock, err := r.dialect.Lock(ctx, conn)
	if err != nil {
		return fmt.Errorf("runtime: take migration lock: %w", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		defer cancel()
		if uerr := unlock(uctx); uerr != nil {
			err = errors.Join(err, fmt.Errorf("runtime: release migration lock: %w", uerr))
		}
	}()

	if err := r.ledger.create(ctx, conn); err != nil {
		return err
	}
	return fn(conn)
}
