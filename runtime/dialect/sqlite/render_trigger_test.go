package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

var (
	posts        = dialecttest.AutoNowPosts()
	autoNowCases = dialecttest.AutoNowCases()
)

// TestAutoNowColumnsAreKeptCurrentByTriggers runs each case on a database
// of its own: the setup, then a row in each table, then the case's
// operations and their inverse. After each, the live schema matches, with
// AutoNow, every auto_now column moves forward on an UPDATE that does not
// set it and keeps the value of one that does, and strata's triggers are
// exactly those the schema calls for. Dropping every table
// at the end leaves none.
func TestAutoNowColumnsAreKeptCurrentByTriggers(t *testing.T) {
	for _, tc := range autoNowCases {
		t.Run(tc.Name, func(t *testing.T) {
			db := testdb.SQLite(t)
			before := applied(t, &schema.Schema{}, tc.Setup)
			run(t, db, render(t, &schema.Schema{}, tc.Setup))
			steps := render(t, before, tc.Ops)
			down := render(t, applied(t, before, tc.Ops), tc.Down)
			golden(t, filepath.Join("testdata", "trigger", slug(tc.Name)+".sql"),
				script(steps, tc.Ops)+"-- down\n\n"+script(down, tc.Down))

			after := applied(t, before, tc.Ops)
			run(t, db, steps)
			assertKeptCurrent(t, db, after)
			run(t, db, down)
			assertKeptCurrent(t, db, before)

			var drops []schema.Operation
			for _, table := range before.Tables {
				drops = append(drops, schema.DropTable{Name: table.Name})
			}
			run(t, db, render(t, before, drops))
			assertKeptCurrent(t, db, &schema.Schema{})
		})
	}
}

// assertKeptCurrent checks that db holds s, auto_now columns included, that
// its triggers keep exactly those columns current (see assertTouches), and
// that strata's triggers are the ones s calls for.
func assertKeptCurrent(t *testing.T, db *sql.DB, s *schema.Schema) {
	t.Helper()
	assertLive(t, db, s)
	for _, table := range s.Tables {
		assertTouches(t, db, table)
	}
	var want []string
	for _, table := range s.Tables {
		if slices.ContainsFunc(table.Columns, func(c schema.Column) bool { return c.AutoNow }) {
			want = append(want, "trigger "+autoNowName(table.Name)+" on "+table.Name)
		}
	}
	got := queryRows(t, db, `SELECT 'trigger ' || name || ' on ' || tbl_name FROM sqlite_schema
		WHERE type = 'trigger' AND name LIKE 'strata\_%' ESCAPE '\' ORDER BY 1`)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("strata's triggers (-want +got):\n%s", diff)
	}
}

// assertTouches checks, on a row of table (inserted with default values
// when the table has none), that an UPDATE which does not set an auto_now
// column moves it forward, that one which sets it keeps the value it sets,
// and that other timestamp columns keep theirs. n is the column it updates
// to touch the row.
func assertTouches(t *testing.T, db *sql.DB, table schema.Table) {
	t.Helper()
	var stamps []string
	for _, c := range table.Columns {
		if c.Type.Kind == schema.Timestamp {
			stamps = append(stamps, c.Name)
		}
	}
	if len(stamps) == 0 || table.Column("n") == nil {
		return
	}
	name := quoteName(table.Name)
	if rowCount(t, db, table.Name) == 0 {
		execOK(t, db, "INSERT INTO "+name+" DEFAULT VALUES")
	}
	// An UPDATE that sets a column to the value it holds cannot be told
	// from one that does not set it: set them all twice, to 2000-01-01 and
	// then 2001-01-01, so that the second always sets a new value.
	reset := func() {
		for _, year := range []string{"2000", "2001"} {
			set := make([]string, len(stamps))
			for i, c := range stamps {
				set[i] = quoteName(c) + " = '" + year + "-01-01 00:00:00'"
			}
			execOK(t, db, "UPDATE "+name+" SET "+strings.Join(set, ", "))
		}
	}
	// Every column set explicitly: every one keeps its value.
	reset()
	assertAges(t, db, table, stamps, "", "setting them all")
	// One column set explicitly, the others not.
	for _, c := range stamps {
		reset()
		execOK(t, db, "UPDATE "+name+" SET "+quoteName(c)+" = '2002-02-02 00:00:00', n = n + 1")
		assertAges(t, db, table, stamps, c, "setting "+c+" alone")
	}
	// None set.
	reset()
	execOK(t, db, "UPDATE "+name+" SET n = n + 1")
	assertAges(t, db, table, stamps, "-", "setting none of them")
}

// assertAges checks the timestamp columns stamps of the row of table after
// an UPDATE that set column explicit to 2002-02-02 and no other one: that
// column holds it, the auto_now columns are now, and the others still hold
// 2001-01-01. An explicit "" means every column was set, to 2001-01-01.
func assertAges(t *testing.T, db *sql.DB, table schema.Table, stamps []string, explicit, what string) {
	t.Helper()
	var want, got []string
	for _, c := range stamps {
		age := "past"
		switch {
		case c == explicit:
			age = "explicit"
		case explicit != "" && table.Column(c).AutoNow:
			age = "now"
		}
		want = append(want, c+" "+age)
		got = append(got, c+" "+queryRows(t, db, "SELECT CASE WHEN "+quoteName(c)+" < '2001-06-01' THEN 'past' WHEN "+
			quoteName(c)+" < '2002-06-01' THEN 'explicit' ELSE 'now' END FROM "+quoteName(table.Name))[0])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table %s after an UPDATE %s (-want +got):\n%s", table.Name, what, diff)
	}
}

func TestInspectIgnoresTriggersThatAreNotRendersOwn(t *testing.T) {
	cases := []struct{ name, tamper string }{
		{"a trigger whose statement was changed", `DROP TRIGGER "strata_auto_now_posts";
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" THEN '2000-01-01' ELSE "updated_at" END WHERE "id" = NEW."id";
END`},
		{"a trigger under another name", `ALTER TABLE "posts" RENAME TO "articles"; CREATE TABLE "posts" ("id" INTEGER PRIMARY KEY, "updated_at" TIMESTAMP)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := testdb.SQLite(t)
			run(t, db, render(t, &schema.Schema{}, []schema.Operation{posts}))
			execOK(t, db, tc.tamper)
			got, err := inspectPosts(db)
			if err != nil {
				t.Fatal(err)
			}
			if got.AutoNow {
				t.Errorf("Inspect reads posts.updated_at as auto_now after %s", tc.name)
			}
		})
	}
}

func TestTheTriggerStopsWithRecursiveTriggersOn(t *testing.T) {
	db := oneConnDB(t)
	run(t, db, render(t, &schema.Schema{}, []schema.Operation{posts}))
	execOK(t, db, "PRAGMA recursive_triggers = ON")
	execOK(t, db, `INSERT INTO "posts" DEFAULT VALUES`)
	// The trigger's own UPDATE fires it again, and finds the column holding
	// the current time already: it must stop there, not recurse until
	// SQLite gives up.
	execOK(t, db, `UPDATE "posts" SET "updated_at" = CURRENT_TIMESTAMP`)
	execOK(t, db, `UPDATE "posts" SET "n" = "n" + 1`)
	assertTouches(t, db, posts.Table)
}

func inspectPosts(db *sql.DB) (schema.Column, error) {
	s, err := sqlite.Inspect(context.Background(), db)
	if err != nil {
		return schema.Column{}, err
	}
	return *s.Table("posts").Column("updated_at"), nil
}

// autoNowName is the name of the trigger of table, by the documented
// convention: strata_auto_now_{table}, cut to 63 bytes with the
// first 8 hex digits of the SHA-256 of the whole name.
func autoNowName(table string) string {
	name := "strata_auto_now_" + table
	if len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:54] + "_" + hex.EncodeToString(sum[:4])
}

func quoteName(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func execOK(t *testing.T, db *sql.DB, statement string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), statement); err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}

func rowCount(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+quoteName(table)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// queryRows returns the one text column of each row query answers.
func queryRows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
