// Package postgres is strata's PostgreSQL dialect: it renders schema
// operations as PostgreSQL DDL, maps strata's column kinds to PostgreSQL
// types, and reads a live database back into a [schema.Schema].
//
// It sits at the end of the runtime's pipeline. A migration's operations,
// replayed in memory by the runtime, reach [Dialect.Render], which turns each
// into the statements that carry it out inside the migration's transaction.
// [Inspect] goes the other way and is what tests use to prove that the
// database holds exactly the schema the operations describe.
//
// Like every dialect package, it imports the standard library and strata's
// runtime packages only. The app registers a PostgreSQL driver for
// database/sql (pgx's stdlib driver, for one) and strata talks to it through
// database/sql.
package postgres

import (
	"slices"

	"github.com/strata-go/strata/runtime/dialect"
)

// Dialect is the PostgreSQL dialect. The zero value is ready to use and safe
// for concurrent use.
//
// It renders a change to a table that exists before the migration in its
// online form, one that holds no lock that blocks the table's writers for
// longer than a moment: indexes are built and dropped CONCURRENTLY, outside
// the migration's transaction; a unique constraint is added over a unique
// index built that way; a foreign key or a check is added NOT VALID and
// validated in a transaction of its own; a column made NOT NULL is filled
// in batches and checked before SET NOT NULL. A table created in the same
// migration, which nobody uses yet, gets the plain form.
type Dialect struct {
	// Plain renders every change in its plain form, inside the
	// migration's transaction, for a team that takes downtime to migrate.
	Plain bool
	// PlainTables names the tables whose changes take their plain form
	// when Plain is not set.
	PlainTables []string
}

// Offline returns the dialect that renders the changes to tables in their
// plain form ([Dialect.PlainTables]), or, given none, every change
// ([Dialect.Plain]).
func (d Dialect) Offline(tables ...string) dialect.Dialect {
	if len(tables) == 0 {
		return Dialect{Plain: true}
	}
	d.PlainTables = append(slices.Clone(d.PlainTables), tables...)
	return d
}

// plain reports whether changes to table take their plain form.
func (d Dialect) plain(table string) bool { return d.Plain || slices.Contains(d.PlainTables, table) }

// Name returns "postgres", the name under which [schema.RunSQL.For] and
// [schema.Type.CustomFor] look up PostgreSQL's own text.
func (Dialect) Name() string { return name }

// name is the dialect's short name.
const name = "postgres"
