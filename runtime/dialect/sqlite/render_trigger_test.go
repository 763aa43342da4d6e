package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
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
		dialecttest.AssertTouches(t, db, table)
	}
	var want []string
	for _, table := range s.Tables {
		if slices.ContainsFunc(table.Columns, func(c schema.Column) bool { return c.AutoNow }) {
			want = append(want, "trigger "+dialecttest.AutoNowName(table.Name)+" on "+table.Name)
		}
	}
	got := dialecttest.QueryRows(t, db, `SELECT 'trigger ' || name || ' on ' || tbl_name FROM sqlite_schema
		WHERE type = 'trigger' AND name LIKE 'strata\_%' ESCAPE '\' ORDER BY 1`)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("strata's triggers (-want +got):\n%s", diff)
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
			dialecttest.Exec(t, db, tc.tamper)
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
	dialecttest.Exec(t, db, "PRAGMA recursive_triggers = ON")
	dialecttest.Exec(t, db, `INSERT INTO "posts" DEFAULT VALUES`)
	// The trigger's own UPDATE fires it again, and finds the column holding
	// the current time already: it must stop there, not recurse until
	// SQLite gives up.
	dialecttest.Exec(t, db, `UPDATE "posts" SET "updated_at" = CURRENT_TIMESTAMP`)
	dialecttest.Exec(t, db, `UPDATE "posts" SET "n" = "n" + 1`)
	dialecttest.AssertTouches(t, db, posts.Table)
}

func inspectPosts(db *sql.DB) (schema.Column, error) {
	s, err := sqlite.Inspect(context.Background(), db)
	if err != nil {
		return schema.Column{}, err
	}
	return *s.Table("posts").Column("updated_at"), nil
}
