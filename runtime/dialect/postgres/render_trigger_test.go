package postgres_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/postgres"
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
// set it and keeps the value of one that does, and strata's functions and
// triggers are exactly those the schema calls for. Dropping every table
// at the end leaves none.
func TestAutoNowColumnsAreKeptCurrentByTriggers(t *testing.T) {
	server := testdb.PostgresURL(t)
	for _, tc := range autoNowCases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			db := freshSchema(t, server)
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
// that strata's functions and triggers are the ones s calls for.
func assertKeptCurrent(t *testing.T, db *sql.DB, s *schema.Schema) {
	t.Helper()
	assertLive(t, db, s)
	for _, table := range s.Tables {
		dialecttest.AssertTouches(t, db, table)
	}
	var want []string
	for _, table := range s.Tables {
		if slices.ContainsFunc(table.Columns, func(c schema.Column) bool { return c.AutoNow }) {
			name := dialecttest.AutoNowName(table.Name)
			want = append(want, "function "+name, "trigger strata_auto_now on "+table.Name+" calls "+name)
		}
	}
	got := dialecttest.QueryRows(t, db, `
		SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = current_schema() AND p.proname LIKE 'strata\_%'
		UNION ALL
		SELECT 'trigger ' || tg.tgname || ' on ' || c.relname || ' calls ' || p.proname
		FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_proc p ON p.oid = tg.tgfoid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND NOT tg.tgisinternal AND tg.tgname LIKE 'strata\_%'
		ORDER BY 1`)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("strata's functions and triggers (-want +got):\n%s", diff)
	}
}

func TestInspectIgnoresTriggersThatAreNotRendersOwn(t *testing.T) {
	server := testdb.PostgresURL(t)
	cases := []struct{ name, tamper string }{
		{"a function whose body was changed", `CREATE OR REPLACE FUNCTION "strata_auto_now_posts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NEW;
END
$$`},
		{"a trigger that is disabled", `ALTER TABLE "posts" DISABLE TRIGGER "strata_auto_now"`},
		{"a trigger that fires after the update", `DROP TRIGGER "strata_auto_now" ON "posts";
CREATE TRIGGER "strata_auto_now" AFTER UPDATE ON "posts" FOR EACH ROW EXECUTE FUNCTION "strata_auto_now_posts"()`},
		{"a function under another name", `ALTER FUNCTION "strata_auto_now_posts"() RENAME TO "strata_auto_now_articles"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := freshSchema(t, server)
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

func inspectPosts(db *sql.DB) (schema.Column, error) {
	s, err := postgres.Inspect(context.Background(), db)
	if err != nil {
		return schema.Column{}, err
	}
	return *s.Table("posts").Column("updated_at"), nil
}
