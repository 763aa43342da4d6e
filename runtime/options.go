package runtime

import (
	"fmt"
	"log/slog"

	"github.com/strata-go/strata/runtime/dialect"
)

// DefaultLedgerTable is the table in which the runtime records the applied
// migrations, unless [WithLedgerTable] names another.
const DefaultLedgerTable = "strata_migrations"

// maxIdentLength is the longest identifier PostgreSQL keeps whole.
const maxIdentLength = 63

// Option configures one call of [Migrator.Up], [Migrator.Down],
// [Migrator.Status] or [Migrator.Pending]. Options check their own values:
// a call given an invalid option, or the same option twice, returns an
// error wrapping [ErrInvalidOption] before it touches the database.
type Option interface {
	apply(*config) error
}

type optionFunc func(*config) error

func (f optionFunc) apply(c *config) error { return f(c) }

// config is what the options of one call set.
type config struct {
	dialect dialect.Dialect
	logger  *slog.Logger
	ledger  string
	// allowDrift is set by WithAllowDrift.
	allowDrift bool
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

// WithLedgerTable sets the name of the ledger table, [DefaultLedgerTable]
// by default. The name must be a plain SQL identifier: ASCII letters, digits
// and underscores, not starting with a digit, at most 63 bytes.
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
