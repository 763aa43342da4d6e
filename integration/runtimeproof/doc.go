// Package runtimeproof proves, with real processes on real databases, what
// the runtime package claims about applying migrations: that replicas of an
// app starting together on one database apply each migration exactly once,
// and how long the last of them waits; that a process killed in the middle
// of a transactional migration leaves the schema and the ledger either
// before or after that migration, never between, and that the next run
// completes it; and that an unreachable database, a failing statement and a
// read-only database each give a clear error and leave the ledger and the
// schema consistent; and that replicas behind PgBouncer in transaction
// pooling, serialised by a lease, still run each migration, and each of its
// statements, exactly once.
//
// It also proves what a user of the command line meets: that replicas
// waiting for the lock while another builds an index with CREATE INDEX
// CONCURRENTLY neither deadlock with it nor apply anything twice; that
// SIGINT or SIGTERM stops "migrate up" during such a build, or during a
// transactional migration, leaving no lock held and nothing half done,
// and that the next "up" finishes the build with no manual step; that runs
// with and without a lease exclude each other; and that an older build
// starts cleanly on a database a newer one migrated.
//
// Every test runs on SQLite and on PostgreSQL with one shared body, but the
// ones through PgBouncer alone, on PostgreSQL alone: SQLite ignores the
// lease. The replicas are the package's test binary run again: TestMain
// sees the STRATA_PROOF_CHILD environment variable, opens the database,
// registers the migrations of the scenario it names and calls
// [runtime.Migrator.Up] once the parent releases it. Given
// STRATA_PROOF_COMMAND instead, it runs the command line,
// [migratecli.Main], over the scenario's migrations. The package holds test
// files only, besides this one.
package runtimeproof
