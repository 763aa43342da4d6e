package runtime

import (
	"context"
	"database/sql"

	"github.com/strata-go/strata/runtime/dialect"
)

// Planned is a migration that [Migrator.Up] would apply, with what it
// would run.
type Planned struct {
	ID string
	// NonTransactional is set when the migration runs statement by
	// statement: it is marked [Migration.NonTransactional], or its steps
	// cannot share one transaction ([dialect.Stepwise]).
	NonTransactional bool
	// Steps are the statements it renders to on the database's dialect.
	Steps []dialect.Step
	// Parts are its steps as the run applies them, a transaction at a
	// time (see [Parts]).
	Parts []Part
}

// Plan returns the migrations that [Migrator.Up] would apply to db now, in
// order, each rendered for db's dialect, without changing anything or
// taking any lock. It refuses on drift as Up does, unless given
// [WithAllowDrift]. A non-transactional migration that a run left part way
// is listed whole.
func (m *Migrator) Plan(ctx context.Context, db *sql.DB, opts ...Option) ([]Planned, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	st, _, err := r.ledger.readIfExists(ctx, db, true)
	if err != nil {
		return nil, err
	}
	if err := r.checkDrift("plan", r.audit(st.rows)); err != nil {
		return nil, err
	}
	var plan []Planned
	rp := replayer{migrations: r.migrations}
	for i, mig := range r.migrations {
		if isApplied(st.rows, mig.ID) {
			continue
		}
		steps, err := r.render(&rp, i, false)
		if err != nil {
			return nil, err
		}
		plan = append(plan, Planned{
			ID:               mig.ID,
			NonTransactional: mig.NonTransactional || dialect.Stepwise(steps),
			Steps:            steps,
			Parts:            r.parts(steps, mig.NonTransactional),
		})
	}
	return plan, nil
}
