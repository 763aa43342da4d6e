package mysql_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/schema"
)

// TestAutoNowColumnsAreKeptCurrentByOnUpdate runs each of the shared
// auto_now cases on a database of its own: the setup, then a row in each
// table, then the case's operations and their inverse. After each, the
// live schema matches, with AutoNow, and every auto_now column moves
// forward on an UPDATE that does not set it and keeps the value of one
// that does: MySQL's ON UPDATE CURRENT_TIMESTAMP(6) keeps a value the
// UPDATE sets, and strata makes no trigger. Dropping every table at the
// end leaves none.
func TestAutoNowColumnsAreKeptCurrentByOnUpdate(t *testing.T) {
	for _, tc := range dialecttest.AutoNowCases() {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			db := testdb.MySQL(t)
			before := applied(t, &schema.Schema{}, tc.Setup)
			run(t, db, render(t, &schema.Schema{}, tc.Setup))
			steps := render(t, before, tc.Ops)
			down := render(t, applied(t, before, tc.Ops), tc.Down)
			golden(t, filepath.Join("testdata", "autonow", slug(tc.Name)+".sql"),
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
// they are kept current (see dialecttest.AssertTouches), and that the
// database has no trigger.
func assertKeptCurrent(t *testing.T, db *sql.DB, s *schema.Schema) {
	t.Helper()
	assertLive(t, db, s)
	for _, table := range s.Tables {
		dialecttest.AssertTouches(t, db, table)
	}
	if got := dialecttest.QueryRows(t, db, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()"); len(got) != 0 {
		t.Errorf("triggers %v, want none", got)
	}
}
