package runtime

import (
	"github.com/strata-go/strata/runtime/schema"
)

// Migration is one step in the life of a schema: the operations that take
// the database forward (Up) and those that take it back (Down).
//
// Generated migration files build Migration values as Go composite literals
// and hand them to [Migrator.Register] from an init function.
type Migration struct {
	// ID names the migration and orders it: migrations apply in ascending
	// order of ID. strata makemigrations writes IDs such as "0002_add_users_bio".
	ID   string
	Up   []schema.Operation
	Down []schema.Operation

	// NonTransactional runs the migration's statements one by one, each
	// committed with a record of the progress made, instead of all in one
	// transaction. Set it by hand in the migration file for statements an
	// engine refuses inside a transaction, such as PostgreSQL's CREATE
	// INDEX CONCURRENTLY (written as a [schema.RunSQL]), or for a long data
	// migration better committed in parts. A run that crashes part way
	// leaves the ledger saying exactly which statements took effect, and
	// the next run resumes from the first that did not; for a statement
	// that ran outside any transaction, whose outcome nobody can know, it
	// stops with an *[InterruptedError] that says what to check and how to
	// resolve it ([Migrator.Resolve]).
	NonTransactional bool
}
