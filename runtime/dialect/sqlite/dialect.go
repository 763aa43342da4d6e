// Package sqlite is strata's SQLite dialect: it renders schema operations as
// SQLite statements, takes the migration lock, keeps the ledger of applied
// migrations, and reads a live database back into a [schema.Schema].
//
// In the pipeline it sits at the runtime end. A migration's operations, with
// the schema replayed up to the migration, go in through [Dialect.Render];
// the statements come out in the order the runtime runs them. [Inspect] goes
// the other way, from a live database to a schema, and is how tests prove
// that what ran is what the models say.
//
// SQLite has fewer ALTER TABLE forms than the schema model has operations.
// This package renders the ones SQLite can do in place and returns an error
// naming the operation for the others (adding or dropping a foreign key on an
// existing table, adding a column whose default is not a constant): those
// need a table rebuild. The package imports the standard library and
// strata's runtime packages only; the app registers its SQLite driver
// (modernc.org/sqlite, driver name "sqlite") itself.
package sqlite

import "strings"

// Dialect is the SQLite engine. Its zero value is ready to use and safe for
// concurrent use.
type Dialect struct{}

// Name returns "sqlite", the name [schema.RunSQL.For] and
// [schema.Type.CustomFor] look up.
func (Dialect) Name() string { return dialectName }

// dialectName is the dialect's short name.
const dialectName = "sqlite"

// QuoteIdent quotes name as an SQLite identifier: in double quotes, with any
// double quote inside doubled.
func (Dialect) QuoteIdent(name string) string { return quoteIdent(name) }

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// quoteString quotes s as an SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
