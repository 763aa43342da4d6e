package runtimeproof

import (
	"context"
	"database/sql"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
)

// replicaApp is the application_name of the PostgreSQL sessions of
// replicas, by which the tests find them.
const replicaApp = "strata_proof_replica"

// engine is one database engine the shared test bodies run on.
type engine struct {
	name string
	// url returns the URL of a fresh, empty database, removed when the
	// test ends.
	url func(testing.TB) string
	// replicaURL returns the URL a replica opens for the database at url.
	replicaURL func(url string) string
	// tables and indexes list the names of the tables and indexes of the
	// database, one a row.
	tables, indexes string
	// replicaSessions counts the sessions replicas still hold on the
	// database; empty when a replica's end ends its session at once.
	replicaSessions string
	// validIndexes lists the names of the indexes of the database that
	// queries may use, one a row: on PostgreSQL those pg_index marks
	// valid, which an interrupted CREATE INDEX CONCURRENTLY leaves not.
	validIndexes string
	// advisoryLocks lists the advisory locks sessions hold or wait for on
	// the database, one a row; empty for an engine without them.
	advisoryLocks string
	// ddlCommits is set for an engine that commits each DDL statement on
	// its own (MySQL): a migration that changes the schema runs statement
	// by statement there, its progress recorded, rather than in one
	// transaction.
	ddlCommits bool
}

var engines = []engine{
	{
		name:         "sqlite",
		url:          testdb.SQLiteURL,
		replicaURL:   func(url string) string { return url },
		tables:       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		indexes:      "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		validIndexes: "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
	},
	{
		name:            "postgres",
		url:             testdb.PostgresURL,
		replicaURL:      withApplicationName,
		tables:          "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
		indexes:         "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
		replicaSessions: "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '" + replicaApp + "'",
		validIndexes: "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid" +
			" WHERE c.relnamespace = current_schema()::regnamespace AND i.indisvalid",
		advisoryLocks: "SELECT format('process %s %s advisory lock %s:%s:%s', l.pid, CASE WHEN l.granted THEN 'holds' ELSE 'waits for' END," +
			" l.classid, l.objid, l.objsubid) FROM pg_locks l" +
			" WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
	},
	{
		name:         "mysql",
		url:          testdb.MySQLSchemeURL,
		replicaURL:   func(url string) string { return url },
		tables:       "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
		indexes:      "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'",
		validIndexes: "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'",
		// Sessions of the database that run a statement, but the
		// test's own: a killed replica's session ends once the server
		// sees its connection closed, after the statement it runs.
		replicaSessions: "SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND COMMAND <> 'Sleep'",
		ddlCommits:      true,
	},
}

// onEachEngine runs body once per engine, each in a subtest of its own,
// but for the engines notYet names for the test, where the subtest says
// why it does not run.
func onEachEngine(t *testing.T, body func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			if why, ok := notYet[e.name][strings.SplitN(t.Name(), "/", 2)[0]]; ok {
				t.Skipf("not on %s: %s", e.name, why)
			}
			body(t, e)
		})
	}
}

// notYet lists, by engine, the shared tests that do not run on it, and
// why.
var notYet = map[string]map[string]string{
	"mysql": {
		"TestSixteenReplicasWithAPendingConcurrentIndexApplyItOnce":          "its migration is PostgreSQL's CREATE INDEX CONCURRENTLY; MySQL builds an index online in a plain ALTER TABLE, which TestEightReplicasApplyFiftyMigrationsOnce races on",
		"TestSignalDuringConcurrentIndexThenUpFinishesItWithNoManualStep":    "its migration is PostgreSQL's CREATE INDEX CONCURRENTLY",
		"TestKillDuringTransactionalMigrationLeavesBeforeOrAfter":            "its premise, a migration applied whole or not at all, does not hold where DDL commits on its own: TestKillDuringAMigrationOfAHundredStatementsResumesAtTheRightStatement kills MySQL's statement-by-statement runs instead",
		"TestSIGTERMDuringTransactionalMigrationLeavesNoTraceAndTheLockFree": "its premise, no trace of the migration in flight, does not hold where DDL commits on its own; migratecli's TestASignalRollsBackTheMigrationInFlight checks on MySQL that the CREATE TABLE stays, recorded, and the next up resumes",
		"TestUpOnAReadOnlyDatabaseFailsAndChangesNothing":                    "MySQL has no read-only mode for one database: read_only is the whole server's, which the tests share",
	},
}

// withApplicationName returns the PostgreSQL URL u with the sessions it
// opens named replicaApp.
func withApplicationName(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := parsed.Query()
	q.Set("application_name", replicaApp)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

// open opens the database at url; it is closed when the test ends.
func open(tb testing.TB, url string) *sql.DB {
	tb.Helper()
	db, err := openURL(url)
	if err != nil {
		tb.Fatalf("open %s: %v", url, err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// queryStrings runs query on db and returns the first column of its rows,
// sorted.
func queryStrings(tb testing.TB, db *sql.DB, query string) []string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 30*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	defer func() { _ = rows.Close() }()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatalf("%s: %v", query, err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	slices.Sort(got)
	return got
}

// userTables returns the tables of db that the migrations made, sorted:
// every table but the runtime's own (strata_migrations, strata_lock).
func (e engine) userTables(tb testing.TB, db *sql.DB) []string {
	tb.Helper()
	return slices.DeleteFunc(queryStrings(tb, db, e.tables), func(name string) bool {
		return strings.HasPrefix(name, "strata_")
	})
}

// hasTable reports whether db has a table named name.
func (e engine) hasTable(tb testing.TB, db *sql.DB, name string) bool {
	tb.Helper()
	return slices.Contains(queryStrings(tb, db, e.tables), name)
}

// hasIndex reports whether db has an index named name.
func (e engine) hasIndex(tb testing.TB, db *sql.DB, name string) bool {
	tb.Helper()
	return slices.Contains(queryStrings(tb, db, e.indexes), name)
}

// hasValidIndex reports whether db has an index named name that queries
// may use.
func (e engine) hasValidIndex(tb testing.TB, db *sql.DB, name string) bool {
	tb.Helper()
	return slices.Contains(queryStrings(tb, db, e.validIndexes), name)
}

// heldAdvisoryLocks describes the advisory locks sessions hold or wait for
// on db: none on an engine without them.
func (e engine) heldAdvisoryLocks(tb testing.TB, db *sql.DB) []string {
	tb.Helper()
	if e.advisoryLocks == "" {
		return nil
	}
	return queryStrings(tb, db, e.advisoryLocks)
}

// progressRows returns the number of rows of the ledger's progress table
// in db, where a migration marked NonTransactional that a run left part
// way keeps a row.
func progressRows(tb testing.TB, db *sql.DB) int {
	tb.Helper()
	return countRows(tb, db, runtime.DefaultLedgerTable+"_progress")
}

// awaitReplicasGone waits until no replica holds a session on db any
// more: a PostgreSQL backend outlives its killed client until it notices,
// and may still commit or roll back until then.
func (e engine) awaitReplicasGone(tb testing.TB, db *sql.DB) {
	tb.Helper()
	if e.replicaSessions == "" {
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := db.QueryRowContext(tb.Context(), e.replicaSessions).Scan(&n); err != nil {
			tb.Fatalf("count the replicas' sessions: %v", err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d replica sessions still open after 30s", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ledgerRow is a row of the ledger, every column of it.
type ledgerRow struct {
	ID         string
	Checksum   string
	Batch      int
	AppliedAt  time.Time
	DurationMS int64
}

// readLedger returns the rows of the ledger of db, sorted by ID, or none
// when db has no ledger.
func (e engine) readLedger(tb testing.TB, db *sql.DB) []ledgerRow {
	tb.Helper()
	if !e.hasTable(tb, db, runtime.DefaultLedgerTable) {
		return nil
	}
	rows, err := db.QueryContext(tb.Context(),
		"SELECT id, checksum, batch, applied_at, duration_ms FROM "+runtime.DefaultLedgerTable+" ORDER BY id")
	if err != nil {
		tb.Fatalf("read the ledger: %v", err)
	}
	defer func() { _ = rows.Close() }()
	var got []ledgerRow
	for rows.Next() {
		var r ledgerRow
		if err := rows.Scan(&r.ID, &r.Checksum, &r.Batch, &r.AppliedAt, &r.DurationMS); err != nil {
			tb.Fatalf("read the ledger: %v", err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("read the ledger: %v", err)
	}
	// Sorted here too: ORDER BY follows the database's collation.
	slices.SortFunc(got, func(a, b ledgerRow) int { return strings.Compare(a.ID, b.ID) })
	return got
}

// ledgerIDs returns the IDs in the ledger of db, sorted, with repeats
// kept.
func (e engine) ledgerIDs(tb testing.TB, db *sql.DB) []string {
	tb.Helper()
	var ids []string
	for _, r := range e.readLedger(tb, db) {
		ids = append(ids, r.ID)
	}
	return ids
}

// countRows returns the number of rows of table in db.
func countRows(tb testing.TB, db *sql.DB, table string) int {
	tb.Helper()
	var n int
	if err := db.QueryRowContext(tb.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		tb.Fatalf("count the rows of %s: %v", table, err)
	}
	return n
}

// migrationIDs returns the IDs of ms, in order.
func migrationIDs(ms []runtime.Migration) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// resultIDs returns the IDs of results, in order.
func resultIDs(results []runtime.Result) []string {
	var ids []string
	for _, r := range results {
		ids = append(ids, r.ID)
	}
	return ids
}
