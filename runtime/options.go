package runtime

import (
	"fmt"
	"log/slog"
	"path"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// DefaultLedgerTable is the table in which the runtime records the applied
// migrations, unless [WithLedgerTable] names another.
const DefaultLedgerTable = "strata_migrations"

// maxIdentLength is the longest ledger table name: PostgreSQL keeps
// identifiers of 63 bytes whole, and the ledger's progress table adds
// "_progress" to its name.
const maxIdentLength = 63 - len(progressSuffix)

// Option configures one call of a [Migrator] method that works on a
// database. Options check their own values: a call given an invalid
// option, or the same option twice, returns an error wrapping
// [ErrInvalidOption] before it touches the database. A call ignores the
// options that do not concern it, such as [WithForce] given to
// [Migrator.Up].
type Option interface {
	apply(*config) error
}

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

// config is what the options of one call set.
type config struct {
	dialect  dialect.Dialect
	logger   *slog.Logger
	progress func(Result)
	ledger   string
	// allowDrift is set by WithAllowDrift.
	allowDrift    bool
	lockTimeout   time.Duration
	lease         time.Duration
	singleTx      bool
	force         bool
	fakeInitial   bool
	nonProduction bool
	offline       bool
	// stepLock and stepStatement are set by WithStepTimeouts: the
	// timeouts given, and whether they were given (stepTimeoutsSet).
	stepLock, stepStatement time.Duration
	stepTimeoutsSet         bool
	// verify is set by WithVerify, ignore by WithIgnore.
	verify bool
	ignore []string
}

// Default timeouts of the statements of a migration, on engines that have
// them (PostgreSQL); see [WithStepTimeouts].
const (
	DefaultStepLockTimeout      = 2 * time.Second
	DefaultStepStatementTimeout = time.Minute
)

// stepTimeouts returns the lock and statement timeouts of the run's
// statements.
func (c *config) stepTimeouts() (lock, statement time.Duration) {
	if c.stepTimeoutsSet {
		return c.stepLock, c.stepStatement
	}
	return DefaultStepLockTimeout, DefaultStepStatementTimeout
}

// WithDialect sets the dialect of the database, which is otherwise worked
// out from its driver by [DialectFor]. Use it when the driver is wrapped
// (for tracing, say) or not one DialectFor knows.
func WithDialect(d dialect.Dialect) Option {
	return optionFunc(func(c *config) error {
		switch {
		case d == nil:
			return fmt.Errorf("runtime: %w: WithDialect(nil)", ErrInvalidOption)
		case c.dialect != nil:
			return fmt.Errorf("runtime: %w: WithDialect given twice", ErrInvalidOption)
		}
		c.dialect = d
		return nil
	})
}

// WithLogger sets the logger that receives an event for each migration
// applied or reverted, with its ID, direction and duration. By default
// nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) error {
		switch {
		case l == nil:
			return fmt.Errorf("runtime: %w: WithLogger(nil)", ErrInvalidOption)
		case c.logger != nil:
			return fmt.Errorf("runtime: %w: WithLogger given twice", ErrInvalidOption)
		}
		c.logger = l
		return nil
	})
}

// WithProgress sets a function that a call runs with each migration's
// [Result] as soon as that migration is committed (applied, reverted or
// faked), before the call goes on to the next one: a command line prints
// each line as it happens rather than all of them at the end, so that an
// interrupted run has told what it did. fn runs on the goroutine of the
// call; it must not call the [Migrator].
func WithProgress(fn func(Result)) Option {
	return optionFunc(func(c *config) error {
		switch {
		case fn == nil:
			return fmt.Errorf("runtime: %w: WithProgress(nil)", ErrInvalidOption)
		case c.progress != nil:
			return fmt.Errorf("runtime: %w: WithProgress given twice", ErrInvalidOption)
		}
		c.progress = fn
		return nil
	})
}

// WithLedgerTable sets the name of the ledger table, [DefaultLedgerTable]
// by default. The name must be a plain SQL identifier: ASCII letters, digits
// and underscores, not starting with a digit, at most 54 bytes (the
// ledger's progress table is named after it, with "_progress" added).
func WithLedgerTable(name string) Option {
	return optionFunc(func(c *config) error {
		switch {
		case !plainIdent(name):
			return fmt.Errorf("runtime: %w: WithLedgerTable(%q): the name must be made of ASCII letters, digits and underscores, not start with a digit, and be at most %d bytes", ErrInvalidOption, name, maxIdentLength)
		case c.ledger != "":
			return fmt.Errorf("runtime: %w: WithLedgerTable given twice", ErrInvalidOption)
		}
		c.ledger = name
		return nil
	})
}

// plainIdent reports whether name is a non-empty identifier that needs no
// quoting in any engine's eyes.
func plainIdent(name string) bool {
	if name == "" || len(name) > maxIdentLength || ('0' <= name[0] && name[0] <= '9') {
		return false
	}
	for _, r := range name {
		switch {
		case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		default:
			return false
		}
	}
	return true
}

// WithAllowDrift lets [Migrator.Up] and [Migrator.Down] run when the
// ledger and the registered migrations disagree, which they otherwise
// refuse with a *[DriftError]: each drifting migration is logged as a
// warning instead. A pending migration that sorts before an applied one is
// then applied in order of ID with the others, and the checksums of the
// applied migrations after it are chained to it anew.
func WithAllowDrift() Option {
	return optionFunc(func(c *config) error {
		if c.allowDrift {
			return fmt.Errorf("runtime: %w: WithAllowDrift given twice", ErrInvalidOption)
		}
		c.allowDrift = true
		return nil
	})
}

// WithLockTimeout bounds how long a call waits for the migration lock that
// another process holds; past d it returns an error wrapping
// [ErrLockTimeout], having changed nothing. By default it waits until its
// context ends. On SQLite, where each migration's transaction takes the
// write lock anew, d bounds the wait before each migration.
func WithLockTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		switch {
		case d <= 0:
			return fmt.Errorf("runtime: %w: WithLockTimeout(%s): the timeout must be positive", ErrInvalidOption, d)
		case c.lockTimeout != 0:
			return fmt.Errorf("runtime: %w: WithLockTimeout given twice", ErrInvalidOption)
		}
		c.lockTimeout = d
		return nil
	})
}

// WithLease serialises migration runs with a lease, a row in the table
// strata_lease that a run holds for ttl at a time and renews while it works,
// instead of the dialect's session lock. Use it when connections go through
// a pooler in transaction mode, such as PgBouncer, which hands each
// transaction to whichever server session is free, so that a session lock
// is neither held nor released where strata expects. Every migration's
// transaction checks that the run still holds the lease; a run that lost
// it (it stalled for longer than ttl and another took over) stops before
// applying anything more, with an error wrapping [ErrLeaseLost].
//
// SQLite ignores the option: its lock is the write lock of the database
// file, which no pooler stands in front of.
//
// A run renews its lease every third of ttl, and inside each migration's
// transaction; a single migration that runs for longer than ttl may lose it,
// once committed, to a process waiting for it. Runs stay safe, as the one
// that takes the lease over reads the ledger then and the one that lost it
// stops at its next migration, but choose a ttl above the longest
// migration.
//
// A run waiting for a lease polls for it, every 100 milliseconds at most.
// Lease times come from the clock of each process: replicas whose clocks
// differ by a sizeable part of ttl may take over too early. ttl must be at
// least one second.
func WithLease(ttl time.Duration) Option {
	return optionFunc(func(c *config) error {
		switch {
		case ttl < time.Second:
			return fmt.Errorf("runtime: %w: WithLease(%s): the lease must last at least 1s", ErrInvalidOption, ttl)
		case c.lease != 0:
			return fmt.Errorf("runtime: %w: WithLease given twice", ErrInvalidOption)
		}
		c.lease = ttl
		return nil
	})
}

// WithSingleTransaction makes [Migrator.Up] apply all the pending
// migrations in one transaction: all of them or, on any failure, none. Up
// refuses with [ErrNonTransactional] before it changes anything when one
// of them is marked [Migration.NonTransactional]. It implies
// [WithOffline]: the online forms of changes run in parts, each committed
// on its own.
func WithSingleTransaction() Option {
	return flagOption("WithSingleTransaction", func(c *config) *bool { return &c.singleTx })
}

// WithForce lets [Migrator.Down] and its variants revert a migration whose
// Down holds a [schema.Irreversible] operation, which they otherwise refuse
// with [ErrIrreversible]: the rest of its Down operations run and its ledger
// row goes, while what the irreversible operation stands for stays undone.
func WithForce() Option {
	return flagOption("WithForce", func(c *config) *bool { return &c.force })
}

// WithFakeInitial lets [Migrator.Up] adopt a database whose tables exist
// already, made by hand or by another tool: each pending migration that
// creates tables, from the first, is recorded as applied without being run
// when every table it creates exists. The first one whose tables are all
// missing, and every one after it, is applied as usual; one whose tables
// exist in part stops Up with an error naming those missing, before it
// changes anything. Only the tables' existence is checked, not their
// columns.
func WithFakeInitial() Option {
	return flagOption("WithFakeInitial", func(c *config) *bool { return &c.fakeInitial })
}

// WithOffline renders every change in its plain form, inside the
// migration's transaction, for a run in a window of downtime: on
// PostgreSQL, indexes of existing tables are built with a plain CREATE
// INDEX, which blocks writes to the table until it ends, foreign keys and
// checks are added valid at once, and so on. By default a change to a
// table that exists before the migration takes its online form (see the
// dialect's documentation). Changing the form changes no checksum: a
// migration applied in one form counts as applied in the other.
func WithOffline() Option {
	return flagOption("WithOffline", func(c *config) *bool { return &c.offline })
}

// WithStepTimeouts bounds, on engines that have such limits (PostgreSQL's
// lock_timeout and statement_timeout), how long each statement of a
// migration waits for a lock and how long it runs; zero lifts a bound. By
// default a statement waits 2 seconds for a lock
// ([DefaultStepLockTimeout]) and runs for a minute
// ([DefaultStepStatementTimeout]), but for those that block no reader or
// writer and may read a whole table (VALIDATE CONSTRAINT), which run
// without a statement timeout, and those that run outside a transaction,
// which keep the session's.
//
// A migration whose statement gives up waiting for a lock is rolled back
// and tried again, up to [LockRetries] times, after a pause that doubles
// each time (from 100 milliseconds, with jitter), so that a long query or
// transaction on the table makes the migration wait in short steps
// instead of queueing every other session behind it. It then fails with
// an error that names the sessions holding locks on the tables the
// statement names, where the engine can tell.
func WithStepTimeouts(lock, statement time.Duration) Option {
	return optionFunc(func(c *config) error {
		switch {
		case lock < 0 || statement < 0:
			return fmt.Errorf("runtime: %w: WithStepTimeouts(%s, %s): a timeout cannot be negative", ErrInvalidOption, lock, statement)
		case c.stepTimeoutsSet:
			return fmt.Errorf("runtime: %w: WithStepTimeouts given twice", ErrInvalidOption)
		}
		c.stepLock, c.stepStatement, c.stepTimeoutsSet = lock, statement, true
		return nil
	})
}

// WithVerify makes [Migrator.Up], once it has applied what was pending,
// compare the live schema with the one the applied migrations declare, as
// [Migrator.Verify] does, and fail with a [*SchemaDriftError] when they
// differ, so that an app can refuse to serve on a database changed behind
// its back. It costs a query of the database's catalog per kind of object
// (see [Migrator.Verify]).
func WithVerify() Option {
	return flagOption("WithVerify", func(c *config) *bool { return &c.verify })
}

// WithIgnore leaves out of [Migrator.Verify] (and [WithVerify]) the tables
// and enum types whose names match one of patterns: those of other tools
// or extensions, which no migration of the app declares. A pattern is
// matched as [path.Match] does, * standing for any run of characters and
// ? for one: "audit_*", "pg_*".
func WithIgnore(patterns ...string) Option {
	return optionFunc(func(c *config) error {
		for _, p := range patterns {
			if _, err := path.Match(p, ""); err != nil || p == "" {
				return fmt.Errorf("runtime: %w: WithIgnore(%q): not a pattern of names", ErrInvalidOption, p)
			}
		}
		if c.ignore != nil {
			return fmt.Errorf("runtime: %w: WithIgnore given twice", ErrInvalidOption)
		}
		c.ignore = append([]string{}, patterns...)
		return nil
	})
}

// WithNonProduction states that the database is not a production one, which
// [Migrator.Fresh] requires before it drops everything in it.
func WithNonProduction() Option {
	return flagOption("WithNonProduction", func(c *config) *bool { return &c.nonProduction })
}

// flagOption returns an option that sets the flag field returns, refusing
// to be given twice.
func flagOption(name string, field func(*config) *bool) Option {
	return optionFunc(func(c *config) error {
		f := field(c)
		if *f {
			return fmt.Errorf("runtime: %w: %s given twice", ErrInvalidOption, name)
		}
		*f = true
		return nil
	})
}
