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
	// order of ID (within their set, when the Migrator includes several;
	// see [Migrator.Include]). It holds no '/'. strata makemigrations writes IDs such as "0002_add_users_bio".
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

	// Replaces lists the IDs of the migrations that this one stands in
	// for, when it folds them into one (a squash), all of which sort before
	// its own ID. Their files go, and this one's operations build the
	// schema they built. A database whose ledger records every one of them
	// has this migration applied: the runtime reads their rows as this
	// migration's, applies nothing, and a Down of it deletes them. A
	// database that records none of them applies this migration. One that
	// records some of them only is drift: it needs a build of the app that
	// still has them, to apply the rest first. A squash of a history that
	// holds an earlier squash, named as strata squash names them (the last
	// migration it replaces, then "_squashed"), lists that squash and the
	// migrations it replaced: a ledger that records either is complete.
	Replaces []string

	// DependsOn lists the qualified IDs of migrations of other sets that
	// must run before this one ("auth/0002_add_users_locale"; see
	// [NewSet] and [Migrator.Include]). strata makemigrations writes, for
	// a package whose models reference tables of another set, the latest
	// migration of every such set as it stood when it made this one: a
	// fresh database then sees, at each step, the schema the migration
	// was made against. It counts in no checksum.
	DependsOn []string

	// Offline names the tables whose changes in this migration keep their
	// plain form, in the migration's transaction, where the dialect would
	// otherwise render an online form (see [WithOffline]). strata
	// makemigrations lists the tables it changes whose models carry
	// //strata:offline. It counts in no checksum.
	Offline []string
}
