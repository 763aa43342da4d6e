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
}
