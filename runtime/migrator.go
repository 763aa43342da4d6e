package runtime

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// Migrator holds an app's migrations and applies them to databases.
//
// Generated migration files call [Migrator.Register] from their init
// functions. Once registration is done, a Migrator is safe for concurrent
// use, and any number of calls of [Migrator.Up], [Migrator.Down] and
// [Migrator.Status] may run at once, on one database or many.
type Migrator struct {
	mu         sync.RWMutex
	migrations []Migration // sorted by ID
	// name is the name of the set, "" for an app's own (see [NewSet]).
	name string
	// includes are the sets whose migrations m's runs apply with its own
	// (see [Migrator.Include]).
	includes []*Migrator
	// of, set for a set made by [Migrator.Replacing], is the set whose
	// migrations it holds, with replaced's tables replaced.
	of       *Migrator
	replaced []replacement
}

// Result reports one migration that [Migrator.Up] applied or [Migrator.Down]
// reverted.
type Result struct {
	ID string
	// Down is true when the migration was reverted.
	Down bool
	// Faked is true when the migration was recorded as applied without
	// being run: by [Migrator.Fake], [Migrator.Baseline] or
	// [WithFakeInitial].
	Faked bool
	// Duration is how long the migration took, from the start of its first
	// statement to the commit of its transaction.
	Duration time.Duration
}

// NewMigrator returns a Migrator without migrations.
func NewMigrator() *Migrator { return &Migrator{} }

// Register adds migrations to m. Generated migration files call it from
// their init functions, in any order: m keeps its migrations sorted by ID.
//
// Register panics when a migration's ID is empty or already registered:
// both are programming errors, best found when the app starts.
func (m *Migrator) Register(ms ...Migration) {
	if m.of != nil {
		panic("runtime: Register: a set made by Replacing holds the migrations of the set it was made from: register with that one")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.migrations = slices.Grow(m.migrations, len(ms))
	for _, mig := range ms {
		if mig.ID == "" {
			panic("runtime: Register: a migration has an empty ID")
		}
		if strings.Contains(mig.ID, "/") {
			panic(fmt.Sprintf("runtime: Register: migration %q has a '/' in its ID, which separates the name of a set from an ID", mig.ID))
		}
		for _, id := range mig.Replaces {
			if id == "" || id >= mig.ID {
				panic(fmt.Sprintf("runtime: Register: migration %q replaces %q, which does not sort before it", mig.ID, id))
			}
		}
		if n := len(m.migrations); n == 0 || m.migrations[n-1].ID < mig.ID {
			// The files of a migrations package register in order.
			m.migrations = append(m.migrations, mig)
			continue
		}
		i, found := search(m.migrations, mig.ID)
		if found {
			panic(fmt.Sprintf("runtime: Register: migration %q is registered twice", mig.ID))
		}
		// A new array, so that no run's view of the migrations changes.
		m.migrations = slices.Insert(slices.Clip(m.migrations), i, mig)
	}
}

// Migrations returns the registered migrations, and those of the sets m
// includes, in the order they run: sorted by ID when m includes no set.
// Their IDs are qualified by the name of their set (see [NewSet]). The
// slice is the caller's to keep.
func (m *Migrator) Migrations() []Migration {
	ms, _, _ := m.flatten()
	return slices.Clone(ms)
}

// run is what one call of a Migrator method works with: the migrations as
// they were registered when it started and the options it was given, with
// their defaults filled in.
type run struct {
	// migrations are the migrations of the run, in the order they run;
	// order tells their sets.
	migrations []Migration
	order      *order
	dialect    dialect.Dialect
	log        *slog.Logger
	ledger     ledger
	lockOpts   dialect.LockOptions
	cfg        config
	// lease is the lease the run holds, with WithLease, once it holds it.
	lease *lease
	// sums makes the checksums of the ledger rows the run writes.
	sums checksummer
	// held is what the run knows of the ledger while it holds the
	// migration lock; see [run.current].
	held *heldLedger
	// driftWarned is set once the run has logged the drift it was allowed
	// to run with, which it checks again under the lock.
	driftWarned bool
	// ledgerFound is set once the run has read the ledger and its progress
	// table, which it then need not create.
	ledgerFound bool
	// ahead is the rendering of the migration Up expects to apply next,
	// made while the one before it runs.
	ahead *rendering
	// premarked is the ID of the migration whose first statement the
	// transaction that recorded the one before it marked running (see
	// [run.premark]), until Up runs it; "" otherwise.
	premarked string
	// eachTimed is 1 once the run knows that the server times each
	// statement of a text on its own (see [run.timesEachStatement]), -1
	// once it knows otherwise, and 0 before it asks.
	eachTimed int8
}

// newRun applies opts and fills in the defaults, detecting the dialect from
// db's driver unless an option set it.
func (m *Migrator) newRun(db *sql.DB, opts []Option) (*run, error) {
	if db == nil {
		return nil, errors.New("runtime: the *sql.DB is nil")
	}
	var c config
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("runtime: %w: nil Option", ErrInvalidOption)
		}
		if err := o.apply(&c); err != nil {
			return nil, err
		}
	}
	if c.dialect == nil {
		d, err := DialectFor(db)
		if err != nil {
			return nil, err
		}
		c.dialect = d
	}
	if o, ok := c.dialect.(dialect.Offliner); ok && (c.offline || c.singleTx) {
		c.dialect = o.Offline()
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.ledger == "" {
		c.ledger = DefaultLedgerTable
	}
	ms, ord, err := m.flatten()
	if err != nil {
		return nil, err
	}
	squashes, err := squashesOf(ms, ord)
	if err != nil {
		return nil, err
	}
	r := &run{
		migrations: ms,
		order:      ord,
		dialect:    c.dialect,
		log:        c.logger,
		ledger:     ledger{dialect: c.dialect, table: c.ledger, squashes: squashes, expect: len(ms)},
		cfg:        c,
		sums:       checksummer{dialect: c.dialect.Name()},
	}
	r.lockOpts = dialect.LockOptions{Wait: c.lockTimeout, Lease: r.leased(), Pool: db, Waiting: r.waiting}
	return r, nil
}

// index returns the position in r.migrations of migration id, or -1.
func (r *run) index(id string) int { return r.order.index(r.migrations, id) }

// search returns where in ms, sorted by ID, the migration with the given ID
// is or would be, and whether it is there.
func search(ms []Migration, id string) (int, bool) {
	return slices.BinarySearchFunc(ms, id, func(m Migration, id string) int { return strings.Compare(m.ID, id) })
}
