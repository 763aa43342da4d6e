package runtime

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
)

// Errors that the runtime's functions wrap, so that callers can test for
// them with [errors.Is].
var (
	// ErrUnknownMigration is returned when an ID names no registered
	// migration: by [Migrator.SQL] for the ID it is given, and by
	// [Migrator.Down] for an applied migration that is not registered.
	ErrUnknownMigration = errors.New("unknown migration")

	// ErrNoDialect is returned when no dialect is known for a database
	// driver ([DialectFor]) or a name ([DialectByName]), and when nil is
	// given where a dialect is needed.
	ErrNoDialect = errors.New("no dialect")

	// ErrNothingToRevert is returned by [Migrator.Down] when no migration is
	// applied.
	ErrNothingToRevert = errors.New("no applied migration to revert")

	// ErrInvalidOption is returned when an [Option] is given a value it
	// cannot take, or is given twice.
	ErrInvalidOption = errors.New("invalid option")

	// ErrDrift is what a *[DriftError] wraps: [Migrator.Up] or
	// [Migrator.Down] refused to run because the applied migrations differ
	// from the registered ones.
	ErrDrift = errors.New("drift")

	// ErrInvalidSteps is returned by [Migrator.Down] when asked to revert
	// fewer than one migration.
	ErrInvalidSteps = errors.New("steps must be at least 1")

	// ErrLockTimeout is returned when a call waited for the migration lock
	// for as long as [WithLockTimeout] allows. The call changed nothing.
	ErrLockTimeout = dialect.ErrLockTimeout

	// ErrLeaseLost is returned when a run that serialises with
	// [WithLease] finds that another process has taken its lease over. The
	// migration that found it was rolled back.
	ErrLeaseLost = errors.New("the migration lease was taken over by another process")

	// ErrNonTransactional is returned by [Migrator.Up] given
	// [WithSingleTransaction] when a pending migration is marked
	// [Migration.NonTransactional], or has statements that cannot run
	// inside a transaction (every DDL statement on MySQL, which commits
	// it on its own).
	ErrNonTransactional = errors.New("migration cannot run in a transaction")

	// ErrIrreversible is returned by [Migrator.Down] and its variants,
	// before they revert anything, when a migration to revert holds a
	// [schema.Irreversible] operation in its Down and [WithForce] was not
	// given.
	ErrIrreversible = errors.New("irreversible migration")

	// ErrProduction is returned by [Migrator.Fresh] when the caller did not
	// state, with [WithNonProduction], that the database may be wiped.
	ErrProduction = errors.New("refusing to drop everything in a database not marked as non-production")

	// ErrNotPending is returned by [Migrator.Fake] for a migration that is
	// applied already, and by [Migrator.Resolve] for one that has no
	// interrupted statement to resolve.
	ErrNotPending = errors.New("migration is not pending")

	// ErrInterrupted is what an *[InterruptedError] wraps.
	ErrInterrupted = errors.New("interrupted migration")
)

// MigrationError reports the migration that failed while [Migrator.Up] or
// [Migrator.Down] ran it, and the statement that failed. A migration that
// runs in a transaction was rolled back as a whole; one marked
// [Migration.NonTransactional] keeps its first Committed statements, and
// the next call resumes it from the one that failed. The migrations run
// before it in the same call stay applied (or reverted), and the call
// returns them with the error.
type MigrationError struct {
	// ID is the migration's ID.
	ID string
	// Down is true when the migration was being reverted.
	Down bool
	// Step is the number, from 1, of the failing statement among those the
	// migration's operations render to (a Go step counts as one); 0 when
	// the failure came from elsewhere: rendering the operations, the
	// ledger, the commit; and when the server stopped, past its timeout, a
	// statement of a migration that went as one text (see
	// [Migrator.Up]), which is not run again to tell which.
	Step int
	// Statement is the SQL statement that failed. It is empty when the
	// failure came from elsewhere: rendering the operations, a Go step
	// ([schema.RunGo]), the ledger or the commit; and when Step is 0.
	Statement string
	// SQLState is the five-character SQLSTATE code the database reported
	// for the failure, when the driver exposes one (pgx and lib/pq do,
	// SQLite drivers do not); "23505" is a unique violation, say.
	SQLState string
	// Committed is how many of the migration's statements took effect and
	// stay so: 0 for a migration that runs in a transaction.
	Committed int
	// Before lists the migrations the same call applied (or reverted)
	// before this one, in order; they stay so.
	Before []string
	// LockTries is, for a statement that gave up waiting for a lock (see
	// [WithStepTimeouts]), how many times the run tried it; 0 otherwise.
	LockTries int
	// Blockers names the sessions that held locks on the tables the
	// statement names when it gave up waiting for a lock, where the engine
	// can tell, or is "".
	Blockers string
	// Err is the underlying error.
	Err error
}

// Error names the migration, its direction and, when there is one, the
// failing statement folded onto one line and shortened, then the
// database's message with its DETAIL and HINT.
func (e *MigrationError) Error() string {
	direction := "up"
	if e.Down {
		direction = "down"
	}
	msg := fmt.Sprint(e.Err)
	if e.SQLState != "" && !strings.Contains(msg, e.SQLState) {
		msg += " (SQLSTATE " + e.SQLState + ")"
	}
	if detail := e.Detail(); detail != "" && !strings.Contains(msg, detail) {
		msg += "; DETAIL: " + detail
	}
	if hint := e.Hint(); hint != "" && !strings.Contains(msg, hint) {
		msg += "; HINT: " + hint
	}
	if e.LockTries > 0 {
		msg += fmt.Sprintf("; gave up after %d tries", e.LockTries)
		if e.Blockers != "" {
			msg += "; held by " + e.Blockers
		}
	}
	switch {
	case e.Statement != "" && e.Step > 0:
		return fmt.Sprintf("runtime: migration %s (%s): statement %d: %s: %s", e.ID, direction, e.Step, brief(e.Statement), msg)
	case e.Statement != "":
		return fmt.Sprintf("runtime: migration %s (%s): statement %s: %s", e.ID, direction, brief(e.Statement), msg)
	}
	return fmt.Sprintf("runtime: migration %s (%s): %s", e.ID, direction, msg)
}

// Unwrap returns the underlying error.
func (e *MigrationError) Unwrap() error { return e.Err }

// Detail returns the DETAIL the database reported with the failure, such
// as which key a unique index found twice, when the driver's error carries
// one, or "". PostgreSQL sends one with many errors; pgx's *pgconn.PgError
// and lib/pq's *pq.Error keep it in a field named Detail.
func (e *MigrationError) Detail() string { return driverField(e.Err, "Detail") }

// Hint returns the HINT the database reported with the failure, such as
// which setting to raise, when the driver's error carries one, or "". pgx
// and lib/pq keep it in a field named Hint.
func (e *MigrationError) Hint() string { return driverField(e.Err, "Hint") }

// driverField returns the string field named name of the first error in
// err's tree that is a struct, or points to one, with such a field: the
// drivers' errors carry the DETAIL and HINT of PostgreSQL this way, and the
// runtime, which imports no driver, reads them by name.
func driverField(err error, name string) string {
	for err != nil {
		v := reflect.ValueOf(err)
		if v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct {
			if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
				return f.String()
			}
		}
		switch u := err.(type) { //nolint:errorlint // it walks the tree itself
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if s := driverField(inner, name); s != "" {
					return s
				}
			}
			return ""
		default:
			return ""
		}
	}
	return ""
}

// briefLength is the most runes of a statement an error message shows.
const briefLength = 200

// brief folds the whitespace of statement onto one line and shortens it to
// briefLength runes.
func brief(statement string) string {
	s := strings.Join(strings.Fields(statement), " ")
	if r := []rune(s); len(r) > briefLength {
		s = string(r[:briefLength]) + "…"
	}
	return s
}

// Drift is one migration that makes the ledger and the registered
// migrations disagree.
type Drift struct {
	// ID is the migration's ID.
	ID string
	// State is how it drifts: [StateEdited], [StateMissing] or
	// [StateOutOfOrder].
	State State
	// LastApplied is the ID of the last applied migration of its set,
	// which an out-of-order one sorts before.
	LastApplied string
	// DependedOnBy is, for an out-of-order migration that sorts after
	// every applied one of its set, the applied migration of another set
	// that depends on it ([Migration.DependsOn]).
	DependedOnBy string
	// ReplacedBy is, for a missing migration, the registered migration
	// that replaces it ([Migration.Replaces]), if any: the database
	// applied only some of the migrations it replaces.
	ReplacedBy string
}

// fix tells what to do about d.
func (d Drift) fix() string {
	switch d.State {
	case StateEdited:
		return fmt.Sprintf("migration %s was edited since it was applied (its checksum differs): restore it as it was and put the change in a new migration", d.ID)
	case StateMissing:
		if d.ReplacedBy != "" {
			return fmt.Sprintf("migration %s is applied, but not all of those that %s replaces (squashed) are: run a build of the app that still has them, to apply the rest, then this one", d.ID, d.ReplacedBy)
		}
		return fmt.Sprintf("migration %s is applied but missing from this app: restore its file, or run a build of the app that has it", d.ID)
	case StateOutOfOrder:
		if d.DependedOnBy != "" {
			return fmt.Sprintf("migration %s is pending but %s, which is applied, depends on it: revert %s first, or, when the database holds what %s makes, record it as applied (fake)", d.ID, d.DependedOnBy, d.DependedOnBy, d.ID)
		}
		return fmt.Sprintf("migration %s is pending but sorts before %s, which is applied: give it an ID that sorts after %s", d.ID, d.LastApplied, d.LastApplied)
	}
	return fmt.Sprintf("migration %s is %s", d.ID, d.State)
}

// DriftError is returned by [Migrator.Up] and [Migrator.Down], before they
// change anything, when the ledger and the registered migrations disagree:
// an applied migration was edited or is not registered, or a pending one
// sorts before an applied one. [WithAllowDrift] lets them run anyway. It
// wraps [ErrDrift].
type DriftError struct {
	// Op is "up" or "down".
	Op string
	// Drift lists each drifting migration, in the order they run.
	Drift []Drift
}

// Error names each drifting migration with what to do about it, then how to
// proceed anyway.
func (e *DriftError) Error() string {
	fixes := make([]string, len(e.Drift))
	for i, d := range e.Drift {
		fixes[i] = d.fix()
	}
	return fmt.Sprintf("runtime: %s: %s: %s; or, to proceed anyway, pass --allow-drift (runtime.WithAllowDrift)",
		e.Op, ErrDrift, strings.Join(fixes, "; "))
}

// Unwrap returns [ErrDrift].
func (e *DriftError) Unwrap() error { return ErrDrift }

// InterruptedError is returned when a migration marked
// [Migration.NonTransactional] was interrupted, by a crash or a lost
// connection, while one of its statements ran outside a transaction (as
// CREATE INDEX CONCURRENTLY must): the ledger cannot tell whether that
// statement took effect, so strata will not guess. Check the database,
// then tell strata with [Migrator.Resolve]. It wraps [ErrInterrupted].
type InterruptedError struct {
	// ID is the migration's ID.
	ID string
	// Down is true when the migration was being reverted.
	Down bool
	// Step is the number, from 1, of the statement whose outcome is
	// unknown; the ones before it took effect.
	Step int
	// Steps is how many statements the migration has.
	Steps int
	// Statement is the SQL of that statement.
	Statement string
}

// Error says which statement to check and the two commands that resolve
// the migration.
func (e *InterruptedError) Error() string {
	direction := "applied"
	if e.Down {
		direction = "reverted"
	}
	return fmt.Sprintf("runtime: %s: migration %s was interrupted while being %s, during statement %d of %d, which ran outside a transaction: %s; "+
		"check whether it took effect, then run \"resolve %s --done\" if it did or \"resolve %s --retry\" if it did not (runtime.Migrator.Resolve), and run the command again",
		ErrInterrupted, e.ID, direction, e.Step, e.Steps, brief(e.Statement), e.ID, e.ID)
}

// Unwrap returns [ErrInterrupted].
func (e *InterruptedError) Unwrap() error { return ErrInterrupted }

// sqlState returns the SQLSTATE code err carries, when its driver exposes
// one through a SQLState method (pgx's *pgconn.PgError and lib/pq's *Error
// do), or "".
func sqlState(err error) string {
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		return coded.SQLState()
	}
	return ""
}
