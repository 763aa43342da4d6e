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

// Dialect is the PostgreSQL dialect. The zero value is ready to use and safe
// for concurrent use.
type Dialect struct{}

// Name returns "postgres", the name under which [schema.RunSQL.For] and
// [schema.Type.CustomFor] look up PostgreSQL's own text.
func (Dialect) Name() string { return name }

// name is the dialect's short name.
const name = "postgres"
