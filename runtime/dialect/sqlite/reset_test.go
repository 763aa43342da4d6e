package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
)

// resetRich builds one of every kind of object DropAll drops, with rows
// whose foreign keys would cascade or fail were they enforced during the
// drops.
var resetRich = []string{
	// strata's own tables.
	`CREATE TABLE strata_migrations (id TEXT PRIMARY KEY)`,
	`CREATE TABLE strata_lock (id INTEGER PRIMARY KEY)`,
	// Tables whose foreign keys make a cycle (authors <-> books) and a
	// chain (reviews -> books -> authors); AUTOINCREMENT makes SQLite
	// keep sqlite_sequence.
	`CREATE TABLE authors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  best_book INTEGER REFERENCES books (id)
)`,
	`CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES authors (id),
  mood TEXT NOT NULL DEFAULT 'happy' CHECK (mood IN ('happy', 'sad')),
  pages INTEGER CHECK (pages > 0),
  updated_at TEXT
)`,
	`CREATE TABLE reviews (id INTEGER PRIMARY KEY, book_id INTEGER REFERENCES books (id) ON DELETE CASCADE)`,
	`CREATE INDEX books_mood_idx ON books (mood) WHERE pages > 10`,
	// A view, a view on it, and a trigger on a view.
	`CREATE VIEW happy_books AS SELECT * FROM books WHERE mood = 'happy'`,
	`CREATE VIEW z_happy_title AS SELECT id FROM happy_books LIMIT 1`,
	`CREATE TRIGGER happy_books_insert INSTEAD OF INSERT ON happy_books BEGIN
  INSERT INTO books (author_id, pages) VALUES (NEW.author_id, NEW.pages);
END`,
	// A trigger on a table that writes to another.
	`CREATE TRIGGER books_touch AFTER UPDATE ON books BEGIN
  UPDATE books SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
  UPDATE authors SET name = name WHERE id = NEW.author_id;
END`,
	// A virtual table, with its shadow tables.
	`CREATE VIRTUAL TABLE book_search USING fts5 (body)`,
	`INSERT INTO book_search (body) VALUES ('a happy book')`,
	// Rows.
	`INSERT INTO authors (name) VALUES ('Ann')`,
	`INSERT INTO books (author_id, pages) VALUES (1, 12)`,
	`UPDATE authors SET best_book = 1`,
	`INSERT INTO reviews (book_id) VALUES (1)`,
	`ANALYZE`,
}

func TestDropAllEmptiesTheMainDatabaseWithoutActingOnForeignKeys(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
	conn := resetConn(t, db)
	resetExec(t, conn, resetRich...)
	// A temporary table of the same name as one of main's, which DropAll
	// must neither drop nor mistake for main's.
	resetExec(t, conn, `CREATE TEMP TABLE books (note TEXT)`, `INSERT INTO temp.books VALUES ('kept')`)
	if got := dialecttest.QueryRows(t, conn, `PRAGMA foreign_keys`); !cmp.Equal(got, []string{"1"}) {
		t.Fatalf("foreign_keys before DropAll = %q, want the test's connection to enforce them", got)
	}

	if err := d.DropAll(ctx, conn); err != nil {
		t.Fatalf("DropAll: %v", err)
	}

	if got := resetTables(t, d, conn); len(got) != 0 {
		t.Errorf("Tables after DropAll = %q, want none", got)
	}
	if left := dialecttest.QueryRows(t, conn, `SELECT type || ' ' || name FROM main.sqlite_schema WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\'`); len(left) != 0 {
		t.Errorf("left in the main database: %q", left)
	}
	if got := dialecttest.QueryRows(t, conn, `PRAGMA foreign_keys`); !cmp.Equal(got, []string{"1"}) {
		t.Errorf("foreign_keys after DropAll = %q, want it back on", got)
	}
	if got := dialecttest.QueryRows(t, conn, `SELECT note FROM temp.books`); !cmp.Equal(got, []string{"kept"}) {
		t.Errorf("the temporary table holds %q, want it kept", got)
	}

	// Everything can be made again, as a fresh run of the migrations would.
	resetExec(t, conn, `DROP TABLE temp.books`)
	resetExec(t, conn, resetRich...)
	if err := d.DropAll(ctx, conn); err != nil {
		t.Fatalf("DropAll, a second time: %v", err)
	}
	if got := resetTables(t, d, conn); len(got) != 0 {
		t.Errorf("Tables after the second DropAll = %q, want none", got)
	}
}

func TestDropAllSucceedsOnAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
	conn := resetConn(t, db)
	for range 2 {
		if err := d.DropAll(ctx, conn); err != nil {
			t.Fatalf("DropAll: %v", err)
		}
	}
	if got := resetTables(t, d, conn); len(got) != 0 {
		t.Errorf("Tables = %q, want none", got)
	}
	if got := dialecttest.QueryRows(t, conn, `PRAGMA foreign_keys`); !cmp.Equal(got, []string{"1"}) {
		t.Errorf("foreign_keys after DropAll = %q, want it back on", got)
	}
}

func TestDropAllRefusesInsideATransactionAndDropsNothing(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
	conn := resetConn(t, db)
	resetExec(t, conn,
		`CREATE TABLE parents (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE children (parent_id INTEGER REFERENCES parents (id) ON DELETE CASCADE)`,
		`INSERT INTO parents VALUES (1)`,
		`INSERT INTO children VALUES (1)`,
		`BEGIN`,
	)

	err := d.DropAll(ctx, conn)
	if err == nil || !strings.HasPrefix(err.Error(), "sqlite: ") || !strings.Contains(err.Error(), "foreign_keys") {
		t.Errorf("DropAll inside a transaction: err = %v, want one saying foreign_keys could not be turned off", err)
	}
	resetExec(t, conn, `ROLLBACK`)
	if got := resetTables(t, d, conn); !cmp.Equal(got, []string{"children", "parents"}) {
		t.Errorf("Tables after the refused DropAll = %q, want both tables kept", got)
	}
	if got := dialecttest.QueryRows(t, conn, `SELECT count(*) FROM children`); !cmp.Equal(got, []string{"1"}) {
		t.Errorf("children holds %q rows, want its row kept", got)
	}
}

func TestTablesListsTheMainDatabasesTablesInSortedOrderWithoutSQLitesOwn(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	d := sqlite.Dialect{}
	conn := resetConn(t, db)
	resetExec(t, conn,
		`CREATE TABLE "b" (id INTEGER PRIMARY KEY AUTOINCREMENT)`,
		`INSERT INTO "b" DEFAULT VALUES`,
		`CREATE TABLE "strata_migrations" (id TEXT)`,
		`CREATE TABLE "A" (id INTEGER)`,
		`CREATE TABLE "a_b" (id INTEGER)`,
		`CREATE INDEX "a_b_id" ON "a_b" (id)`,
		`CREATE VIEW "a_view" AS SELECT 1 AS one`,
		`CREATE TEMP TABLE "a_temp" (id INTEGER)`,
		`ANALYZE`,
	)
	if got := dialecttest.QueryRows(t, conn, `SELECT name FROM sqlite_schema WHERE name IN ('sqlite_sequence', 'sqlite_stat1') ORDER BY name`); !cmp.Equal(got, []string{"sqlite_sequence", "sqlite_stat1"}) {
		t.Fatalf("SQLite's own tables = %q, want sqlite_sequence and sqlite_stat1 there to be left out", got)
	}

	got, err := d.Tables(ctx, conn)
	if err != nil {
		t.Fatalf("Tables: %v", err)
	}
	want := []string{"A", "a_b", "b", "strata_migrations"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tables (-want +got):\n%s", diff)
	}
}

// resetConn returns a connection of db, closed when the test ends.
func resetConn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// resetExec runs each statement on conn, failing the test on the first
// error.
func resetExec(t *testing.T, conn *sql.Conn, statements ...string) {
	t.Helper()
	for _, stmt := range statements {
		if _, err := conn.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// resetTables returns what Tables lists, failing the test on an error.
func resetTables(t *testing.T, d sqlite.Dialect, conn *sql.Conn) []string {
	t.Helper()
	tables, err := d.Tables(context.Background(), conn)
	if err != nil {
		t.Fatalf("Tables: %v", err)
	}
	return tables
}
