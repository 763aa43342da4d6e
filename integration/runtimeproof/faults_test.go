package runtimeproof

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// The faulty scenario: three migrations, the second of which fails at its
// last statement, after its earlier ones created a table and wrote rows.
const (
	faultyFirstID    = "0001_create_accounts"
	faultySecondID   = "0002_audit_then_fail"
	faultyThirdID    = "0003_create_invoices"
	failingStatement = "INSERT INTO accounts (no_such_column) VALUES (1)"
)

// faultyMigrations returns the faulty scenario's first n migrations.
func faultyMigrations(n int) []runtime.Migration {
	ms := []runtime.Migration{
		{ID: faultyFirstID, Up: []schema.Operation{createTable("accounts", "name")}},
		{ID: faultySecondID, Up: []schema.Operation{
			createTable("audit", "note"),
			schema.RunSQL{SQL: "INSERT INTO accounts (name) VALUES ('alice')"},
			schema.RunSQL{SQL: "INSERT INTO audit (note) VALUES ('alice joined')"},
			schema.RunSQL{SQL: failingStatement},
		}},
		{ID: faultyThirdID, Up: []schema.Operation{createTable("invoices", "number")}},
	}
	return ms[:n]
}

// createTable returns the operation that creates a table named name with an
// identity key id and a text column named column.
func createTable(name, column string) schema.Operation {
	return schema.CreateTable{Table: schema.Table{
		Name: name,
		Columns: []schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
			{Name: column, Type: schema.Type{Kind: schema.Text}},
		},
		PrimaryKey: []string{"id"},
	}}
}

// migrator returns a Migrator holding ms.
func migrator(ms []runtime.Migration) *runtime.Migrator {
	m := runtime.NewMigrator()
	m.Register(ms...)
	return m
}

// TestUpOnAnUnreachableDatabaseFailsQuicklyAndCreatesNothing calls Up on a
// PostgreSQL server that does not listen and on a SQLite file in a
// directory that does not exist. Up must fail well before its context ends,
// with an error that says it could not connect, apply nothing and create
// nothing.
func TestUpOnAnUnreachableDatabaseFailsQuicklyAndCreatesNothing(t *testing.T) {
	unreachable := map[string]func(t *testing.T) (url string, created func() bool){
		"sqlite": func(t *testing.T) (string, func() bool) {
			dir := filepath.Join(t.TempDir(), "missing")
			created := func() bool { _, err := os.Stat(dir); return !errors.Is(err, os.ErrNotExist) }
			return "sqlite:" + filepath.Join(dir, "test.db"), created
		},
		"postgres": func(t *testing.T) (string, func() bool) {
			// Nothing listens on port 1, so nothing can be created there.
			return "postgres://postgres@127.0.0.1:1/strata_unreachable?sslmode=disable&connect_timeout=2",
				func() bool { return false }
		},
		"mysql": func(t *testing.T) (string, func() bool) {
			return "mysql://root@127.0.0.1:1/strata_unreachable?timeout=2s", func() bool { return false }
		},
	}
	onEachEngine(t, func(t *testing.T, e engine) {
		url, created := unreachable[e.name](t)
		db := open(t, url)
		const timeout = 10 * time.Second
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		defer cancel()
		start := time.Now()
		results, err := migrator(faultyMigrations(1)).Up(ctx, db)
		took := time.Since(start)
		t.Logf("Up took %v and returned: %v", took.Round(time.Millisecond), err)
		switch {
		case err == nil:
			t.Fatal("Up succeeded on an unreachable database")
		case errors.Is(err, context.DeadlineExceeded) || took > timeout/2:
			t.Errorf("Up took %v, waiting for its context, instead of failing at once", took)
		case !strings.Contains(err.Error(), "connect") && !strings.Contains(err.Error(), "open"):
			t.Errorf("the error does not say that the database could not be connected to or opened: %v", err)
		}
		if len(results) != 0 {
			t.Errorf("Up reports applying %v", resultIDs(results))
		}
		if created() {
			t.Errorf("Up created something where the unreachable database would be")
		}
	})
}

// TestFailingStatementRollsBackItsMigrationAndKeepsTheOnesBefore applies
// three migrations, the second of which fails at its last statement after
// its earlier statements created a table and inserted rows. Up must return
// a *runtime.MigrationError naming the second migration and the failing
// statement, and report the first as applied; the ledger must hold the
// first only, and the second must leave no trace.
func TestFailingStatementRollsBackItsMigrationAndKeepsTheOnesBefore(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		db := open(t, e.url(t))
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		results, err := migrator(faultyMigrations(3)).Up(ctx, db)
		t.Logf("Up returned: %v", err)

		var me *runtime.MigrationError
		if !errors.As(err, &me) {
			t.Fatalf("Up returned %v (%T), want a *runtime.MigrationError", err, err)
		}
		if me.ID != faultySecondID || me.Down || me.Statement != failingStatement {
			t.Errorf("the error names migration %q (down %t), statement %q; want %q (up), statement %q",
				me.ID, me.Down, me.Statement, faultySecondID, failingStatement)
		}
		if !strings.Contains(err.Error(), "no_such_column") {
			t.Errorf("the error does not pass on the database's reason: %v", err)
		}
		if got := resultIDs(results); !slices.Equal(got, []string{faultyFirstID}) {
			t.Errorf("Up reports applying %v, want [%s]", got, faultyFirstID)
		}
		if got := e.ledgerIDs(t, db); !slices.Equal(got, []string{faultyFirstID}) {
			t.Errorf("the ledger holds %v, want [%s]", got, faultyFirstID)
		}
		wantTables := []string{"accounts"}
		if e.ddlCommits {
			// The failed migration's CREATE TABLE committed on its own;
			// its progress row says so, for the next run to resume after
			// it. Its insert, in the transaction of the failing
			// statement, rolled back.
			wantTables = []string{"accounts", "audit"}
			if n := progressRows(t, db); n != 1 {
				t.Errorf("%d progress rows, want the failed migration's", n)
			}
		}
		if got := e.userTables(t, db); !slices.Equal(got, wantTables) {
			t.Errorf("tables are %v, want %v: the failed migration's table must be rolled back where DDL is transactional", got, wantTables)
		}
		if n := countRows(t, db, "accounts"); n != 0 {
			t.Errorf("accounts holds %d rows, want 0: the failed migration's insert must be rolled back", n)
		}
	})
}

// readOnlyWay is one way of making a database read-only.
type readOnlyWay struct {
	name string
	// open makes the database at url read-only, for connections opened
	// from then on, and opens it; it skips the test when the way does not
	// work on this machine.
	open func(t *testing.T, url string) *sql.DB
}

// readOnlyWays are the ways of making a database read-only, by engine.
var readOnlyWays = map[string][]readOnlyWay{
	"sqlite": {
		{name: "opened with mode=ro", open: func(t *testing.T, url string) *sql.DB {
			path := strings.TrimPrefix(url, "sqlite:")
			db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			return db
		}},
		{name: "file mode 0444", open: func(t *testing.T, url string) *sql.DB {
			path := strings.TrimPrefix(url, "sqlite:")
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
			if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
				_ = f.Close()
				t.Skipf("a file of mode 0444 stays writable to this user (uid %d): root ignores file modes", os.Geteuid())
			}
			return open(t, url)
		}},
	},
	"postgres": {
		{name: "default_transaction_read_only", open: func(t *testing.T, u string) *sql.DB {
			parsed, err := url.Parse(u)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimPrefix(parsed.Path, "/")
			admin := open(t, u)
			stmt := fmt.Sprintf(`ALTER DATABASE "%s" SET default_transaction_read_only = on`, name)
			if _, err := admin.ExecContext(t.Context(), stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
			_ = admin.Close()
			return open(t, u)
		}},
	},
}

// TestUpOnAReadOnlyDatabaseFailsAndChangesNothing applies a first migration
// while the database is writable, makes it read-only and calls Up with two
// more migrations. Up must fail with an error that says the database is
// read-only and apply nothing; the ledger and the schema must be as they
// were.
func TestUpOnAReadOnlyDatabaseFailsAndChangesNothing(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		for _, way := range readOnlyWays[e.name] {
			t.Run(way.name, func(t *testing.T) { upOnReadOnly(t, e, way) })
		}
	})
}

// upOnReadOnly is the body of TestUpOnAReadOnlyDatabaseFailsAndChangesNothing
// for one way of making a database of e read-only.
func upOnReadOnly(t *testing.T, e engine, way readOnlyWay) {
	url := e.url(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	db := open(t, url)
	if _, err := migrator(faultyMigrations(1)).Up(ctx, db); err != nil {
		t.Fatalf("Up while writable: %v", err)
	}
	ledger, tables, indexes := e.readLedger(t, db), queryStrings(t, db, e.tables), queryStrings(t, db, e.indexes)
	_ = db.Close()

	ro := way.open(t, url)
	more := append(faultyMigrations(1),
		runtime.Migration{ID: "0002_create_invoices", Up: []schema.Operation{createTable("invoices", "number")}},
		runtime.Migration{ID: "0003_create_payments", Up: []schema.Operation{createTable("payments", "amount")}})
	results, err := migrator(more).Up(ctx, ro)
	t.Logf("Up returned: %v", err)
	folded := strings.NewReplacer("-", "", " ", "", "_", "").Replace(strings.ToLower(fmt.Sprint(err)))
	switch {
	case err == nil:
		t.Errorf("Up succeeded on a read-only database")
	case !strings.Contains(folded, "readonly"):
		t.Errorf("the error does not say that the database is read-only: %v", err)
	}
	if len(results) != 0 {
		t.Errorf("Up reports applying %v", resultIDs(results))
	}
	if got := e.readLedger(t, ro); !slices.EqualFunc(got, ledger, sameRow) {
		t.Errorf("the ledger changed from %v to %v", ledger, got)
	}
	if got := queryStrings(t, ro, e.tables); !slices.Equal(got, tables) {
		t.Errorf("the tables changed from %v to %v", tables, got)
	}
	if got := queryStrings(t, ro, e.indexes); !slices.Equal(got, indexes) {
		t.Errorf("the indexes changed from %v to %v", indexes, got)
	}
}

// sameRow reports whether a and b are the same ledger row.
func sameRow(a, b ledgerRow) bool {
	return a.ID == b.ID && a.Checksum == b.Checksum && a.Batch == b.Batch &&
		a.AppliedAt.Equal(b.AppliedAt) && a.DurationMS == b.DurationMS
}
