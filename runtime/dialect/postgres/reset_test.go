package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/postgres"
)

// resetRich builds, in the current schema, one of every kind of object
// DropAll drops, with the dependencies that make the order of the drops
// matter.
var resetRich = []string{
	// strata's own tables.
	`CREATE TABLE strata_migrations (id TEXT PRIMARY KEY)`,
	`CREATE TABLE strata_lock (id INTEGER PRIMARY KEY)`,
	// An enum, a sequence, and tables whose foreign keys make a cycle
	// (authors <-> books) and a chain (reviews -> books -> authors).
	`CREATE TYPE mood AS ENUM ('happy', 'sad')`,
	`CREATE SEQUENCE ticket_numbers`,
	`CREATE TABLE authors (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  best_book BIGINT
)`,
	`CREATE TABLE books (
  id BIGSERIAL PRIMARY KEY,
  author_id BIGINT NOT NULL REFERENCES authors (id),
  mood mood NOT NULL DEFAULT 'happy',
  pages INTEGER CHECK (pages > 0),
  ticket BIGINT DEFAULT nextval('ticket_numbers'),
  updated_at TIMESTAMPTZ
)`,
	`ALTER TABLE authors ADD CONSTRAINT authors_best_book_fkey FOREIGN KEY (best_book) REFERENCES books (id)`,
	`CREATE TABLE reviews (id SERIAL PRIMARY KEY, book_id BIGINT REFERENCES books (id) ON DELETE CASCADE)`,
	`CREATE INDEX books_mood_idx ON books (mood) WHERE pages > 10`,
	// A view, a view on it, and a materialized view.
	`CREATE VIEW happy_books AS SELECT * FROM books WHERE mood = 'happy'`,
	`CREATE VIEW z_happy_title AS SELECT id FROM happy_books LIMIT 1`,
	`CREATE MATERIALIZED VIEW book_counts AS SELECT author_id, count(*) AS n FROM books GROUP BY author_id`,
	// A trigger and its function.
	`CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$`,
	`CREATE TRIGGER books_touch BEFORE UPDATE ON books FOR EACH ROW EXECUTE FUNCTION touch()`,
	// A function that takes the enum, a composite type holding it, a
	// domain whose CHECK calls a function, and an aggregate over a
	// function of the schema.
	`CREATE FUNCTION cheer(m mood) RETURNS mood LANGUAGE sql AS $$SELECT 'happy'::mood$$`,
	`CREATE TYPE z_pair AS (n INTEGER, m mood)`,
	`CREATE FUNCTION is_even(n INTEGER) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$SELECT n % 2 = 0$$`,
	`CREATE DOMAIN even AS INTEGER CHECK (is_even(VALUE))`,
	`CREATE FUNCTION add_up(a INTEGER, b INTEGER) RETURNS INTEGER LANGUAGE sql AS $$SELECT a + b$$`,
	`CREATE AGGREGATE z_total(INTEGER) (SFUNC = add_up, STYPE = INTEGER, INITCOND = '0')`,
	// A partitioned table with a partition, and a table inheriting another.
	`CREATE TABLE events (id INTEGER, at DATE) PARTITION BY RANGE (at)`,
	`CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
	`CREATE TABLE things (id INTEGER)`,
	`CREATE TABLE z_special_thing (extra INTEGER) INHERITS (things)`,
	// Some rows, so that dropping has something to keep from cascading.
	`INSERT INTO authors (name) VALUES ('Ann')`,
	`INSERT INTO books (author_id, pages) VALUES (1, 12)`,
	`UPDATE authors SET best_book = 1`,
	`INSERT INTO reviews (book_id) VALUES (1)`,
}

func TestDropAllEmptiesTheCurrentSchemaAndLeavesOtherSchemasAlone(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	resetExec(t, db,
		`CREATE SCHEMA other`,
		`CREATE TYPE other.mood AS ENUM ('calm')`,
		`CREATE TABLE other.keep (id INTEGER PRIMARY KEY, m other.mood)`,
		`INSERT INTO other.keep VALUES (1, 'calm')`,
		`CREATE FUNCTION other.kept() RETURNS INTEGER LANGUAGE sql AS $$SELECT 1$$`,
	)
	resetExec(t, db, resetRich...)
	conn := resetConn(t, db)
	if got := resetTables(t, d, conn); len(got) == 0 {
		t.Fatal("Tables lists nothing after building the rich schema")
	}

	if err := d.DropAll(ctx, conn); err != nil {
		t.Fatalf("DropAll: %v", err)
	}

	if got := resetTables(t, d, conn); len(got) != 0 {
		t.Errorf("Tables after DropAll = %q, want none", got)
	}
	for what, query := range map[string]string{
		"enum types":               `SELECT typname FROM pg_type WHERE typnamespace = ` + resetCurrent + ` AND typtype = 'e'`,
		"relations":                `SELECT relname FROM pg_class WHERE relnamespace = ` + resetCurrent,
		"types":                    `SELECT typname FROM pg_type WHERE typnamespace = ` + resetCurrent,
		"functions and aggregates": `SELECT proname FROM pg_proc WHERE pronamespace = ` + resetCurrent,
		"triggers":                 `SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = ` + resetCurrent,
	} {
		if left := dialecttest.QueryRows(t, conn, query); len(left) != 0 {
			t.Errorf("%s left in the current schema: %q", what, left)
		}
	}
	if got := dialecttest.QueryRows(t, conn, `SELECT current_schema()`); !cmp.Equal(got, []string{"public"}) {
		t.Errorf("current_schema() after DropAll = %q, want the schema kept", got)
	}
	if got := dialecttest.QueryRows(t, conn, `SELECT id || ' ' || m || ' ' || other.kept() FROM other.keep`); !cmp.Equal(got, []string{"1 calm 1"}) {
		t.Errorf("the other schema's table holds %q, want its row, type and function kept", got)
	}

	// Everything can be made again, as a fresh run of the migrations would.
	resetExec(t, db, resetRich...)
	if err := d.DropAll(ctx, conn); err != nil {
		t.Fatalf("DropAll, a second time: %v", err)
	}
}

func TestDropAllSucceedsOnAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	conn := resetConn(t, db)
	for range 2 {
		if err := d.DropAll(ctx, conn); err != nil {
			t.Fatalf("DropAll: %v", err)
		}
	}
	if got := resetTables(t, d, conn); len(got) != 0 {
		t.Errorf("Tables = %q, want none", got)
	}
}

func TestDropAllDropsNothingAndNamesTheObjectWhenAnotherSchemaDependsOnIt(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	resetExec(t, db,
		`CREATE TABLE notes (body TEXT)`,
		`CREATE TABLE tags (name TEXT)`,
		`CREATE SCHEMA other`,
		`CREATE VIEW other.note_bodies AS SELECT body FROM public.notes`,
	)
	conn := resetConn(t, db)

	err := d.DropAll(ctx, conn)
	if err == nil || !strings.HasPrefix(err.Error(), "postgres: drop table public.notes: ") {
		t.Fatalf("DropAll: err = %v, want one naming table public.notes", err)
	}
	if got := resetTables(t, d, conn); !cmp.Equal(got, []string{"notes", "tags"}) {
		t.Errorf("Tables after the failed DropAll = %q, want both tables kept", got)
	}
	if got := dialecttest.QueryRows(t, conn, `SELECT count(*) FROM other.note_bodies`); !cmp.Equal(got, []string{"0"}) {
		t.Errorf("the other schema's view: %q, want it kept", got)
	}
}

func TestDropAllLeavesTheObjectsOfExtensionsAlone(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	conn := resetConn(t, db)
	if got := dialecttest.QueryRows(t, conn, `SELECT name FROM pg_available_extensions WHERE name = 'citext'`); len(got) == 0 {
		t.Skip("the server has no citext extension")
	}
	resetExec(t, db,
		`CREATE EXTENSION citext`,
		`CREATE TABLE people (email citext PRIMARY KEY)`,
		`CREATE FUNCTION shout(s citext) RETURNS citext LANGUAGE sql AS $$SELECT upper(s)::citext$$`,
	)

	if err := d.DropAll(ctx, conn); err != nil {
		t.Fatalf("DropAll: %v", err)
	}

	if got := resetTables(t, d, conn); len(got) != 0 {
		t.Errorf("Tables after DropAll = %q, want none", got)
	}
	if got := dialecttest.QueryRows(t, conn, `SELECT proname FROM pg_proc WHERE proname = 'shout'`); len(got) != 0 {
		t.Errorf("the schema's own function survived: %q", got)
	}
	if got := dialecttest.QueryRows(t, conn, `SELECT 'A'::citext = 'a'`); !cmp.Equal(got, []string{"true"}) {
		t.Errorf("citext after DropAll: %q, want the extension's type and operators kept", got)
	}
	// Making the schema again needs the extension's objects.
	resetExec(t, db, `CREATE TABLE people (email citext PRIMARY KEY)`)
}

func TestTablesListsTheTablesOfTheCurrentSchemaInSortedOrder(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	d := postgres.Dialect{}
	resetExec(t, db,
		`CREATE TABLE "b" (id INTEGER)`,
		`CREATE TABLE "strata_migrations" (id TEXT)`,
		`CREATE TABLE "A" (id INTEGER)`,
		`CREATE TABLE "a_b" (id INTEGER)`,
		`CREATE TABLE "parted" (id INTEGER) PARTITION BY LIST (id)`,
		`CREATE TABLE "parted_1" PARTITION OF "parted" FOR VALUES IN (1)`,
		`CREATE VIEW "a_view" AS SELECT 1 AS one`,
		`CREATE MATERIALIZED VIEW "a_matview" AS SELECT 1 AS one`,
		`CREATE SEQUENCE "a_sequence"`,
		`CREATE SCHEMA other`,
		`CREATE TABLE other."a_other" (id INTEGER)`,
	)
	conn := resetConn(t, db)

	got, err := d.Tables(ctx, conn)
	if err != nil {
		t.Fatalf("Tables: %v", err)
	}
	want := []string{"A", "a_b", "b", "parted", "parted_1", "strata_migrations"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tables (-want +got):\n%s", diff)
	}

	// The current schema is the first of the search path.
	if _, err := conn.ExecContext(ctx, `SET search_path = other, public`); err != nil {
		t.Fatal(err)
	}
	got, err = d.Tables(ctx, conn)
	if err != nil {
		t.Fatalf("Tables: %v", err)
	}
	if diff := cmp.Diff([]string{"a_other"}, got); diff != "" {
		t.Errorf("Tables with search_path other (-want +got):\n%s", diff)
	}
}

// resetCurrent is the oid of the current schema, in the tests' queries.
const resetCurrent = `(SELECT oid FROM pg_namespace WHERE nspname = current_schema())`

// resetExec runs each statement on db, failing the test on the first error.
func resetExec(t *testing.T, db *sql.DB, statements ...string) {
	t.Helper()
	for _, stmt := range statements {
		if _, err := db.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
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

// resetTables returns what Tables lists, failing the test on an error.
func resetTables(t *testing.T, d postgres.Dialect, conn *sql.Conn) []string {
	t.Helper()
	tables, err := d.Tables(context.Background(), conn)
	if err != nil {
		t.Fatalf("Tables: %v", err)
	}
	return tables
}
