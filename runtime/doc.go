// Package runtime applies strata migrations to a database. It is the part of
// strata an app links into its own binary, next to the database driver it
// already uses.
//
// Generated migration files build [Migration] values and hand them to a
// [Migrator] with [Migrator.Register] from their init functions. At start-up,
// or through the commands of runtime/migratecli, the app calls
// [Migrator.Up]: for each pending migration, in order of ID (see
// [Migrator.Include] for the order of several sets), the runtime
// replays the migrations before it in memory to know the schema it starts
// from ([schema.Schema.ApplyAll]), has the database's dialect render its
// operations as SQL, and runs them in one transaction together with the row
// that records the migration in the ledger table (strata_migrations by
// default).
//
// The other methods cover the rest of a schema's life: [Migrator.UpTo]
// stops at a migration; [Migrator.Down], [Migrator.DownTo],
// [Migrator.DownBatch] and [Migrator.Redo] revert; [Migrator.Status] tells
// where each migration stands and [Migrator.Pending] lists those still to
// apply, for readiness probes; [Migrator.Plan] and [Migrator.SQL] show what
// would run without running it; [Migrator.Fake], [Migrator.Baseline] and
// [WithFakeInitial] adopt a database whose schema exists already;
// [Migrator.Fresh] rebuilds a development database from nothing; and
// [Migrator.Resolve] settles a statement whose outcome a crash left
// unknown.
//
// Each ledger row holds a checksum of its migration's operations, chained to
// the row before it; checking them all costs one pass over the operations,
// however long the history. Up and Down refuse, with a *[DriftError],
// when an applied migration was edited or removed from the app, or when a
// pending one sorts before an applied one of its set, unless given
// [WithAllowDrift].
//
// Each migration is applied once, whatever happens: a run holds the
// dialect's migration lock (a session advisory lock on PostgreSQL, or a
// lease row with [WithLease] behind PgBouncer; runs of either kind exclude
// each other) and reads the ledger under it, so that many replicas of an app
// starting together apply each migration exactly once. On SQLite the lock is
// the write lock, which each migration's transaction takes anew, reading
// the ledger again when another process wrote since; on a database that
// holds no migration yet, in rollback-journal mode, the run keeps it from
// its first migration to its end instead. A run waiting for the lock holds
// no snapshot, says who holds the lock after a second, and stops once
// nothing is left to apply; [WithLockTimeout] bounds the wait. A failing
// migration is rolled back alone; the ones before it stay applied.
// Migrations that a later build applied are [StateFuture], not drift: a
// replica of the previous build starts cleanly during a rolling deploy.
// A migration marked [Migration.NonTransactional] commits statement by
// statement with a record of its progress, so that a crash leaves a state
// the next run resumes from. A statement that ran outside any transaction
// is settled by the next run when the database tells whether it took
// effect (PostgreSQL's CREATE and DROP INDEX CONCURRENTLY); for any other,
// the run stops with an error that names the statement to check.
//
// Every method takes a context and honours its end. Errors say which
// migration failed and how: *[MigrationError] carries the statement, its
// SQLSTATE, the database's DETAIL and HINT, and the migrations applied
// before it. [WithLogger] receives an event per migration, one per
// statement at debug level, and warnings; [WithProgress] is called as each
// migration commits.
//
// The package imports the standard library and strata's own runtime
// packages only. It talks to the database through database/sql and works
// out the dialect from the driver the app registered ([DialectFor]).
package runtime
