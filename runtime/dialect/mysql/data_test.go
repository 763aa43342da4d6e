package mysql_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/schema"
)

// moods is a table with an enum column, a column a migration makes NOT
// NULL, and an auto_now column the tests set in the past, to see whether
// the migration's own UPDATEs move it.
var (
	moodEnum = schema.CreateEnum{Enum: schema.Enum{Name: "mood", Values: []string{"happy", "sad"}}}
	moods    = schema.CreateTable{Table: schema.Table{
		Name: "moods",
		Columns: []schema.Column{
			{Name: "id", Type: bigint, Identity: true},
			{Name: "mood", Type: enum("mood")},
			{Name: "note", Type: text, Nullable: true},
			{Name: "updated_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
		},
		PrimaryKey: []string{"id"},
	}}
)

// seedMoods creates moods on a fresh database, with a happy row and a sad
// one, their notes NULL, updated in 2000, and returns the database and
// its schema.
func seedMoods(t *testing.T) (*sql.DB, *schema.Schema) {
	t.Helper()
	db := testdb.MySQL(t)
	setup := []schema.Operation{moodEnum, moods}
	run(t, db, render(t, &schema.Schema{}, setup))
	dialecttest.Exec(t, db, "INSERT INTO `moods` (`mood`, `updated_at`) VALUES ('happy', '2000-01-01'), ('sad', '2000-01-01')")
	return db, applied(t, &schema.Schema{}, setup)
}

// rows returns each row of moods as "mood note updated_at".
func rows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return dialecttest.QueryRows(t, db, "SELECT CONCAT_WS(' ', `mood`, COALESCE(`note`, 'NULL'), `updated_at`) FROM `moods` ORDER BY `id`")
}

func TestEnumChangesAndBackfillsKeepEachRowsValueAndTime(t *testing.T) {
	db, before := seedMoods(t)
	ops := []schema.Operation{
		schema.AlterEnum{Name: "mood", Values: []string{"sad", "meh", "happy"}},
		schema.RenameEnumValue{Enum: "mood", From: "sad", To: "blue"},
		schema.AlterColumn{Table: "moods", Column: schema.Column{Name: "note", Type: varchar(40)}, Backfill: "'none'"},
	}
	run(t, db, render(t, before, ops))
	after := applied(t, before, ops)
	assertLive(t, db, after)
	want := []string{"happy none 2000-01-01 00:00:00.000000", "blue none 2000-01-01 00:00:00.000000"}
	if diff := cmp.Diff(want, rows(t, db)); diff != "" {
		t.Errorf("rows after the changes (-want +got):\n%s", diff)
	}
	// MySQL sorts an enum by the position of its values: the new order.
	if diff := cmp.Diff([]string{"blue", "happy"}, dialecttest.QueryRows(t, db, "SELECT `mood` FROM `moods` ORDER BY `mood`")); diff != "" {
		t.Errorf("rows in enum order (-want +got):\n%s", diff)
	}
}

func TestRemovingAnEnumValueARowHoldsFailsAndChangesNothing(t *testing.T) {
	db, before := seedMoods(t)
	err := runParts(db, render(t, before, []schema.Operation{schema.AlterEnum{Name: "mood", Values: []string{"happy"}}}))
	if err == nil || !strings.Contains(err.Error(), "Data truncated") {
		t.Fatalf("removing a value a row holds: err = %v, want MariaDB's refusal", err)
	}
	assertLive(t, db, before)
	want := []string{"happy NULL 2000-01-01 00:00:00.000000", "sad NULL 2000-01-01 00:00:00.000000"}
	if diff := cmp.Diff(want, rows(t, db)); diff != "" {
		t.Errorf("rows after the refused change (-want +got):\n%s", diff)
	}
}

func TestMakingAColumnNotNullWithoutABackfillFailsOnANullAndChangesNothing(t *testing.T) {
	db, before := seedMoods(t)
	err := runParts(db, render(t, before, []schema.Operation{schema.AlterColumn{Table: "moods", Column: schema.Column{Name: "note", Type: text}}}))
	if err == nil {
		t.Fatal("making a column NOT NULL while rows hold NULL succeeded")
	}
	assertLive(t, db, before)
}

func TestATimeDefaultWithAUTCOffsetFillsTheRowsWithItsUTCTime(t *testing.T) {
	db, before := seedMoods(t)
	// The default a Down gives a NOT NULL time column it adds back, and one
	// a model may write with another offset.
	ops := []schema.Operation{
		schema.AddColumn{Table: "moods", Column: schema.Column{Name: "born", Type: stamp, Default: "'1970-01-01 00:00:00+00'"}},
		schema.AddColumn{Table: "moods", Column: schema.Column{Name: "seen", Type: stamp, Default: "'2024-03-05 14:15:16.5+05:30'"}},
	}
	run(t, db, render(t, before, ops))
	want := []string{"1970-01-01 00:00:00.000000 2024-03-05 08:45:16.500000", "1970-01-01 00:00:00.000000 2024-03-05 08:45:16.500000"}
	if diff := cmp.Diff(want, dialecttest.QueryRows(t, db, "SELECT CONCAT_WS(' ', `born`, `seen`) FROM `moods` ORDER BY `id`")); diff != "" {
		t.Errorf("the times of the rows (-want +got):\n%s", diff)
	}
}
