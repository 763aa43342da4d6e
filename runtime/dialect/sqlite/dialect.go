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
// Render does in place what SQLite's ALTER TABLE can do, and rebuilds the
// table for the rest (a column's type, nullability or default, checks,
// foreign keys of an existing table), following SQLite's own procedure:
// create the table anew under a temporary name, copy the rows with their
// row ids, drop the old table, rename the new one, and create its indexes
// and triggers again. Several operations on one table in a row share one
// rebuild.
//
// Dropping the old table must neither delete the rows that reference it
// through an ON DELETE CASCADE foreign key nor fail, so foreign keys are not
// enforced while strata migrates: [Dialect.Lock], which the runtime calls
// once per run before any transaction, turns enforcement off on its
// connection and its unlock turns it back on (SQLite ignores the setting
// inside a transaction). A rebuild refuses to run on a connection that
// enforces foreign keys ([ErrEnforcementOn]). Instead of enforcement, each
// migration that may have broken a foreign key ends with a check of the
// tables concerned (PRAGMA foreign_key_check) that fails the migration,
// listing the rows, so that the runtime rolls it back
// ([ErrForeignKeyViolation]). Hand-written steps (RunSQL, RunGo) run without
// enforcement too: their deletes do not cascade, and the check after them
// catches the rows they leave dangling.
//
// The package imports the standard library and strata's runtime packages
// only; the app registers its SQLite driver (modernc.org/sqlite, driver
// name "sqlite") itself.
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
