package runtime

import (
	"context"
	"database/sql"
	"time"
)

// State is where one migration stands on a database, as [Migrator.Status]
// reports it. Its value is a short lowercase word, stable for scripts.
type State string

// The states of a migration. [StateMissing], [StateOutOfOrder] and
// [StateEdited] are drift, [StateFuture] is not: [Migrator.Up] and [Migrator.Down] refuse to run
// while a migration is in one of them, unless given [WithAllowDrift].
const (
	// StateApplied is an applied migration, recorded with the checksum of
	// its operations as they are today. Its marker is [X].
	StateApplied State = "applied"
	// StatePending is a migration not applied yet that sorts after every
	// applied one of its set. Its marker is [ ].
	StatePending State = "pending"
	// StateMissing is a migration the ledger records as applied that the
	// app does not register, although it registers one that sorts after
	// it: a migration removed from the middle of the history. Its marker
	// is [!].
	StateMissing State = "missing"
	// StateOutOfOrder is a migration not applied yet that sorts before an
	// applied one of its set, or that an applied migration of another set
	// depends on ([Migration.DependsOn]): it was added, or merged, after a later one was applied.
	// Its marker is [?].
	StateOutOfOrder State = "out_of_order"
	// StateEdited is an applied migration whose operations differ from
	// those recorded, by their checksum, when it was applied, or whose
	// ledger row, or the one before it, was changed. Its marker is [~].
	StateEdited State = "edited"
	// StateFuture is a migration the ledger records as applied that the app
	// does not register and that sorts after every migration it does: a
	// later build of the app applied it. The database is ahead of this
	// build, as it is for the replicas still running the previous build
	// during a rolling deploy; [Migrator.Up] leaves such migrations alone
	// and logs them as a warning. It is not drift. Its marker is [>].
	StateFuture State = "future"
)

// Marker returns the three characters status tables print for s: [X], [ ],
// [!], [?] or [~].
func (s State) Marker() string {
	switch s {
	case StateApplied:
		return "[X]"
	case StatePending:
		return "[ ]"
	case StateMissing:
		return "[!]"
	case StateOutOfOrder:
		return "[?]"
	case StateEdited:
		return "[~]"
	case StateFuture:
		return "[>]"
	}
	return "[" + string(s) + "]"
}

// IsDrift reports whether s is one of the states that make [Migrator.Up]
// and [Migrator.Down] refuse to run.
func (s State) IsDrift() bool {
	return s == StateMissing || s == StateOutOfOrder || s == StateEdited
}

// MigrationStatus tells whether one migration is applied to a database.
type MigrationStatus struct {
	ID string
	// Applied is true when the ledger records the migration: in
	// [StateApplied], [StateEdited], [StateMissing] or [StateFuture].
	Applied bool
	// AppliedAt is when the migration was applied, in UTC; zero when it is
	// pending.
	AppliedAt time.Time
	// Batch is the number of the call of [Migrator.Up] that applied the
	// migration; zero when it is pending.
	Batch int
	// State says more precisely where the migration stands, drift
	// included.
	State State
	// Progress is set for a migration marked [Migration.NonTransactional]
	// that a run left part way.
	Progress *Progress
}

// Progress tells how far a run got with a migration marked
// [Migration.NonTransactional] before it stopped.
type Progress struct {
	// Down is true when the migration was being reverted.
	Down bool
	// Done is how many of its statements took effect.
	Done int
	// Interrupted is true when the run stopped during statement Done+1,
	// which ran outside a transaction, so that nobody knows whether it took
	// effect: see [InterruptedError].
	Interrupted bool
}

// Status returns the state of every migration on db, in the order they
// run (sorted by ID, when the Migrator includes no set): each
// registered migration, applied or pending, and each migration the ledger
// records as applied that is not registered ([StateMissing],
// [StateFuture]). It reads the ledger with one query and compares each
// applied migration's checksum with that of its operations today. A database without a ledger
// table has every migration pending; Status creates nothing and takes no
// lock. It reports drift without refusing: see [State].
func (m *Migrator) Status(ctx context.Context, db *sql.DB, opts ...Option) ([]MigrationStatus, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	st, _, err := r.ledger.readIfExists(ctx, db, true)
	if err != nil {
		return nil, err
	}
	statuses := r.audit(st.rows)
	for _, p := range st.progress {
		for k := range statuses {
			if statuses[k].ID == p.ID {
				statuses[k].Progress = &Progress{Down: p.down(), Done: p.Done, Interrupted: p.Running != 0}
			}
		}
	}
	return statuses, nil
}

// Pending returns the IDs of the registered migrations that db has not
// applied, in the order they run, for readiness probes: an app is ready when the
// list is empty. It runs one query on a migrated database, takes no lock,
// creates nothing and renders nothing, so it neither detects drift nor
// reports applied migrations the app does not register; [Migrator.Status]
// does.
func (m *Migrator) Pending(ctx context.Context, db *sql.DB, opts ...Option) ([]string, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	st, _, err := r.ledger.readIfExists(ctx, db, false)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, mig := range r.migrations {
		if !isApplied(st.rows, mig.ID) {
			ids = append(ids, mig.ID)
		}
	}
	return ids, nil
}
