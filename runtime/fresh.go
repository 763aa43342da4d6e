package runtime

import (
	"context"
	"database/sql"
	"fmt"
)

// dropper is implemented by dialects that can empty a database, as
// strata's own do. [Migrator.Fresh] needs it.
type dropper interface {
	DropAll(ctx context.Context, conn *sql.Conn) error
}

// Fresh drops everything in db's schema (PostgreSQL's current schema,
// SQLite's main database): tables, the ledger included, views, sequences,
// types and functions; then it applies every migration, as [Migrator.Up]
// does, and returns them. It is for development and test databases, and
// refuses with [ErrProduction] unless given [WithNonProduction].
func (m *Migrator) Fresh(ctx context.Context, db *sql.DB, opts ...Option) ([]Result, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	if !r.cfg.nonProduction {
		return nil, fmt.Errorf("runtime: fresh: %w; pass runtime.WithNonProduction() to confirm that this database may be wiped", ErrProduction)
	}
	d, ok := r.dialect.(dropper)
	if !ok {
		return nil, fmt.Errorf("runtime: fresh: the %s dialect cannot drop everything", r.dialect.Name())
	}
	err = r.locked(ctx, db, func(conn *sql.Conn) error {
		if err := d.DropAll(ctx, conn); err != nil {
			return fmt.Errorf("runtime: fresh: %w", err)
		}
		r.log.WarnContext(ctx, "strata: dropped everything in the database", "dialect", r.dialect.Name())
		if r.lease != nil {
			// Back for the lease to be released from.
			return r.createLeaseTable(ctx, db)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m.up(ctx, db, "", opts)
}
