package runtime

import (
	"errors"
	"fmt"
	"strings"
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
)

// MigrationError reports the migration that failed while [Migrator.Up] or
// [Migrator.Down] ran it, and the statement that failed. The migration was
// rolled back as a whole; the migrations run before it in the same call stay
// applied, and the call returns them with the error.
type MigrationError struct {
	// ID is the migration's ID.
	ID string
	// Down is true when the migration was being reverted.
	Down bool
	// Statement is the SQL statement that failed. It is empty when the
	// failure came from elsewhere: rendering the operations, a Go step
	// ([schema.RunGo]), the ledger or the commit.
	Statement string
	// Err is the underlying error.
	Err error
}

// Error names the migration, its direction and, when there is one, the
// failing statement folded onto one line and shortened.
func (e *MigrationError) Error() string {
	direction := "up"
	if e.Down {
		direction = "down"
	}
	if e.Statement == "" {
		return fmt.Sprintf("runtime: migration %s (%s): %v", e.ID, direction, e.Err)
	}
	return fmt.Sprintf("runtime: migration %s (%s): statement %s: %v", e.ID, direction, brief(e.Statement), e.Err)
}

// Unwrap returns the underlying error.
func (e *MigrationError) Unwrap() error { return e.Err }

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
	// LastApplied is the ID of the last applied migration, which an
	// out-of-order one sorts before.
	LastApplied string
}

// fix tells what to do about d.
func (d Drift) fix() string {
	switch d.State {
	case StateEdited:
		return fmt.Sprintf("migration %s was edited since it was applied (its checksum differs): restore it as it was and put the change in a new migration", d.ID)
	case StateMissing:
		return fmt.Sprintf("migration %s is applied but missing from this app: restore its file, or run a build of the app that has it", d.ID)
	case StateOutOfOrder:
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
	// Drift lists each drifting migration, sorted by ID.
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
