// Package mysql is strata's MySQL and MariaDB dialect: it renders schema
// operations as MySQL DDL, maps strata's column kinds to MySQL types, takes
// the migration lock with GET_LOCK, and reads a live database back into a
// [schema.Schema].
//
// It sits at the end of the runtime's pipeline, as the postgres and sqlite
// dialects do. A migration's operations, replayed in memory by the runtime,
// reach [Dialect.Render], which turns each into the statements that carry
// it out. [Inspect] goes the other way and is what tests use to prove that
// the database holds exactly the schema the operations describe.
//
// # DDL is not transactional
//
// MySQL and MariaDB commit every DDL statement on its own, and commit the
// transaction around it first: a migration cannot be one transaction. So
// Render marks every DDL statement [dialect.Step.Outside]. The runtime then
// runs the migration part by part: each DDL statement alone on the
// migration's connection, its progress recorded in the progress table
// before (as running) and after (as done); the data-changing statements
// between them (a backfill, the UPDATE of an enum value's rename, a
// [schema.RunGo]) in a transaction together with the progress row. A crash
// therefore leaves the progress row saying which statements took effect,
// and the next run resumes at the first that did not, or, when the crash
// came while a DDL statement ran, stops and says which one to check (the
// runtime's InterruptedError). Outside rather than Apart, because a DDL
// statement inside the progress row's transaction would commit that
// transaction half-way, before the row is written, and the record would no
// longer be exact. A [schema.RunSQL] is marked Outside when its text starts
// with a statement that commits implicitly (CREATE, ALTER, DROP, RENAME,
// TRUNCATE...), and otherwise runs in a transaction like any DML.
//
// # The session
//
// [Dialect.Lock] sets, on the migration's connection, the SQL mode
// [SQLMode] and the time zone UTC. SQLMode makes the server strict (a
// value that does not fit, such as an enum value a row holds but the new
// type lacks, fails the statement instead of being cut) and makes it read
// SQL as PostgreSQL and SQLite do: a double-quoted name is an identifier
// (ANSI_QUOTES) and a backslash in a string is a backslash
// (NO_BACKSLASH_ESCAPES), so the checks, defaults and index columns a
// model writes mean on MySQL what they mean elsewhere. The time zone makes
// CURRENT_TIMESTAMP, which DATETIME columns store as it reads, a UTC time;
// apps should open their connections in UTC too (go-sql-driver/mysql's
// loc=UTC, the default, with time_zone='+00:00').
//
// # What MySQL cannot build
//
// Render refuses, naming the construct, what MySQL and MariaDB have no
// form for: a partial index (an index with a WHERE), a change of type
// converted by an expression (AlterColumn.Using: MySQL's ALTER has no
// USING), an identity column that is not the first column of a key, a
// change of type of a column a foreign key uses, ON DELETE SET DEFAULT.
//
// # Server versions
//
// The SQL is that of MariaDB 10.5 and later, which the tests run against
// (10.11): RENAME COLUMN, RENAME INDEX, DROP CONSTRAINT for checks, and
// DROP INDEX IF EXISTS and ADD INDEX IF NOT EXISTS to manage the index
// InnoDB keeps for each foreign key. MySQL 8 lacks the last two; rendering
// for it is not done yet, and [Dialect.Lock] refuses a server that is not
// MariaDB 10.5 or later before anything changes.
//
// Like every dialect package, it imports the standard library and strata's
// runtime packages only. The app registers the driver
// (github.com/go-sql-driver/mysql) and strata talks to it through
// database/sql.
package mysql

import "github.com/strata-go/strata/runtime/dialect"

// Dialect is the MySQL and MariaDB dialect. The zero value is ready to use
// and safe for concurrent use.
type Dialect struct{}

var _ dialect.Dialect = Dialect{}

// Name returns "mysql", the name under which [schema.RunSQL.For] and
// [schema.Type.CustomFor] look up MySQL's own text.
func (Dialect) Name() string { return name }

// name is the dialect's short name.
const name = "mysql"

// SQLMode is the SQL mode [Dialect.Lock] sets on the migration's session:
// strict for every table, double quotes around identifiers, backslashes
// taken literally in strings, an error for a division by zero, and no
// silent change of storage engine.
const SQLMode = "STRICT_ALL_TABLES,ANSI_QUOTES,NO_BACKSLASH_ESCAPES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

// maxIdentifier is MySQL's limit on the length of a table, column, index or
// constraint name, in characters. strata's derived names fit PostgreSQL's
// 63 bytes ([schema.MaxNameLen]) and so this one too.
const maxIdentifier = 64
