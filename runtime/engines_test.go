package runtime_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/mysql"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// engine is one database engine the shared test bodies run on.
type engine struct {
	name    string
	dialect dialect.Dialect
	driver  string                  // database/sql driver name
	dsn     func(testing.TB) string // a fresh, empty database
	inspect func(context.Context, *sql.DB) (*schema.Schema, error)
	compare func(*schema.Schema) *schema.Schema
	// ddlCommits is set for an engine that commits each DDL statement on
	// its own (MySQL): no migration that changes the schema is one
	// transaction there. It runs statement by statement, and one that
	// fails part way leaves the statements before the failure in effect,
	// recorded in the progress table, for the next run to resume from,
	// where the other engines roll it back whole.
	ddlCommits bool
}

var engines = []engine{
	{
		name:    "sqlite",
		dialect: sqlite.Dialect{},
		driver:  "sqlite",
		// A plain file name: the busy timeout is the runtime's to set.
		dsn:     func(t testing.TB) string { return strings.TrimPrefix(testdb.SQLiteURL(t), "sqlite:") },
		inspect: sqlite.Inspect,
		compare: sqlite.Comparable,
	},
	{
		name:    "postgres",
		dialect: postgres.Dialect{},
		driver:  "pgx",
		dsn:     testdb.PostgresURL,
		inspect: postgres.Inspect,
		compare: postgres.Comparable,
	},
	{
		name:       "mysql",
		dialect:    mysql.Dialect{},
		driver:     "mysql",
		dsn:        testdb.MySQLURL,
		inspect:    mysql.Inspect,
		compare:    mysql.Comparable,
		ddlCommits: true,
	},
}

// open opens a fresh database of e, closed when the test ends.
func (e engine) open(t testing.TB) *sql.DB {
	t.Helper()
	return e.openDSN(t, e.dsn(t))
}

func (e engine) openDSN(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(e.driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", e.name, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// onEachEngine runs body once per engine, each in a subtest of its own.
func onEachEngine(t *testing.T, body func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) { body(t, e) })
	}
}

// onSessionLockEngines runs body once per engine whose migration lock
// belongs to a session, PostgreSQL's and MySQL's, where runs may also
// serialise with a lease instead; SQLite's lock is its write transaction,
// and it ignores WithLease.
func onSessionLockEngines(t *testing.T, body func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines {
		if e.name != "sqlite" {
			t.Run("on "+e.name, func(t *testing.T) { body(t, e) })
		}
	}
}

// sql returns query with PostgreSQL's placeholders ($1, $2...) written as
// e's dialect writes them.
func (e engine) sql(query string) string {
	for n := 9; n >= 1; n-- {
		query = strings.ReplaceAll(query, "$"+strconv.Itoa(n), e.dialect.Placeholder(n))
	}
	return query
}

// assertSchema checks that the live schema of db is the one the Up
// operations of ms build in memory.
func (e engine) assertSchema(t *testing.T, db *sql.DB, ms []runtime.Migration) {
	t.Helper()
	want := &schema.Schema{}
	for _, m := range ms {
		if err := want.ApplyAll(m.Up); err != nil {
			t.Fatalf("replay %s: %v", m.ID, err)
		}
	}
	got, err := e.inspect(context.Background(), db)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	if diff := cmp.Diff(e.compare(want), e.compare(got)); diff != "" {
		t.Errorf("live schema differs from the migrations' (-want +got):\n%s", diff)
	}
}

// ledgerRow is a row of the ledger table as the tests read it.
type ledgerRow struct {
	ID       string
	Checksum string
	Batch    int
}

// readLedger returns the rows of the ledger table, sorted by ID.
func readLedger(t *testing.T, db *sql.DB, table string) []ledgerRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "SELECT id, checksum, batch FROM "+table+" ORDER BY id")
	if err != nil {
		t.Fatalf("read ledger: %v", err)
	}
	defer func() { _ = rows.Close() }()
	var got []ledgerRow
	for rows.Next() {
		var r ledgerRow
		if err := rows.Scan(&r.ID, &r.Checksum, &r.Batch); err != nil {
			t.Fatalf("read ledger: %v", err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read ledger: %v", err)
	}
	return got
}

// ids returns the IDs of results, with " down" after reverted ones.
func ids(results []runtime.Result) []string {
	var out []string
	for _, r := range results {
		id := r.ID
		if r.Down {
			id += " down"
		}
		out = append(out, id)
	}
	return out
}

// newMigrator returns a Migrator holding ms.
func newMigrator(ms ...runtime.Migration) *runtime.Migrator {
	m := runtime.NewMigrator()
	m.Register(ms...)
	return m
}
