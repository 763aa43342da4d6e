package runtime

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
)

// MigrationStatus tells whether one migration is applied to a database.
type MigrationStatus struct {
	ID      string
	Applied bool
	// AppliedAt is when the migration was applied, in UTC; zero when it is
	// pending.
	AppliedAt time.Time
	// Batch is the number of the call of [Migrator.Up] that applied the
	// migration; zero when it is pending.
	Batch int
}

// Status returns the state of every migration on db, sorted by ID: each
// registered migration, applied or pending, and each migration the ledger
// records as applied that is not registered (Applied true too). A database
// without a ledger table has every migration pending; Status creates
// nothing and takes no lock.
func (m *Migrator) Status(ctx context.Context, db *sql.DB, opts ...Option) ([]MigrationStatus, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	applied, err := r.ledger.readIfExists(ctx, db)
	if err != nil {
		return nil, err
	}
	statuses := make([]MigrationStatus, len(r.migrations), len(r.migrations)+len(applied))
	for i, mig := range r.migrations {
		statuses[i].ID = mig.ID
	}
	for _, row := range applied {
		st := MigrationStatus{ID: row.ID, Applied: true, AppliedAt: row.AppliedAt, Batch: row.Batch}
		if i := indexOf(r.migrations, row.ID); i >= 0 {
			statuses[i] = st
		} else {
			statuses = append(statuses, st)
		}
	}
	slices.SortFunc(statuses, func(a, b MigrationStatus) int { return strings.Compare(a.ID, b.ID) })
	return statuses, nil
}
