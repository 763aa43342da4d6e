package sqlite_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// enumCrew is crew with a third value of status, "away", that no row
// holds, and a second column of it, notes.mood, NULL-able and without a
// default, which one row sets.
var enumCrew = []schema.Operation{
	schema.AlterEnum{Name: "status", Values: []string{"active", "banned", "away"}},
	schema.AddColumn{Table: "notes", Column: schema.Column{Name: "mood", Type: enum("status"), Nullable: true}},
	schema.RunSQL{SQLite: `UPDATE "notes" SET "mood" = 'banned' WHERE rowid = 20`},
}

// enumCrewDB returns a database holding crew, its rows and enumCrew, and
// the schema it holds.
func enumCrewDB(t *testing.T) (*sql.DB, *schema.Schema) {
	t.Helper()
	db, s := crewDB(t)
	run(t, db, render(t, s, enumCrew))
	return db, applied(t, s, enumCrew)
}

func alterStatus(values ...string) schema.AlterEnum {
	return schema.AlterEnum{Name: "status", Values: values}
}

// enumChangeCases change the values of status, as changeCases change
// tables: Up and Down rendered and compared with their golden file, then
// run on a database holding rows with foreign keys enforced, each followed
// by a check of the live schema, of every row with its row id, and of the
// trigger and view written by hand. Each rebuilds both tables with a
// column of status, members and notes, both ways.
var enumChangeCases = []struct {
	name     string
	up, down []schema.Operation
	upRows   func(tableRows)
}{
	{
		name: "a value appended, and taken out again",
		up:   []schema.Operation{alterStatus("active", "banned", "away", "gone")},
		down: []schema.Operation{alterStatus("active", "banned", "away")},
	},
	{
		name: "values inserted first and in the middle, and taken out again",
		up:   []schema.Operation{alterStatus("new", "active", "paused", "banned", "away")},
		down: []schema.Operation{alterStatus("active", "banned", "away")},
	},
	{
		name: "a value renamed in every row, column and default holding it, and back",
		up:   []schema.Operation{schema.RenameEnumValue{Enum: "status", From: "banned", To: "it's over"}},
		down: []schema.Operation{schema.RenameEnumValue{Enum: "status", From: "it's over", To: "banned"}},
		upRows: func(r tableRows) {
			r["members"][1]["status"], r["notes"][1]["mood"] = "'it''s over'", "'it''s over'"
		},
	},
	{
		name: "the value of a default renamed, and back",
		up:   []schema.Operation{schema.RenameEnumValue{Enum: "status", From: "active", To: "on"}},
		down: []schema.Operation{schema.RenameEnumValue{Enum: "status", From: "on", To: "active"}},
		upRows: func(r tableRows) {
			r["members"][0]["status"], r["members"][2]["status"] = "'on'", "'on'"
		},
	},
	{
		name: "a value no row holds removed, and added back",
		up:   []schema.Operation{alterStatus("active", "banned")},
		down: []schema.Operation{alterStatus("active", "banned", "away")},
	},
	{
		name: "values reordered, and back",
		up:   []schema.Operation{alterStatus("away", "banned", "active")},
		down: []schema.Operation{alterStatus("active", "banned", "away")},
	},
}

func TestEnumChangesRebuildEveryTableOfTheEnumAndKeepItsRows(t *testing.T) {
	for _, tc := range enumChangeCases {
		t.Run(tc.name, func(t *testing.T) {
			db, before := enumCrewDB(t)
			original := rowsOf(t, db)
			after := applied(t, before, tc.up)
			up, down := render(t, before, tc.up), render(t, after, tc.down)
			golden(t, filepath.Join("testdata", "enum", slug(tc.name)+".sql"),
				"-- Up\n\n"+script(up, tc.up)+"-- Down\n\n"+script(down, tc.down))
			if got := [2]int{rebuilds(up), rebuilds(down)}; got != [2]int{2, 2} {
				t.Errorf("Up and Down rebuild %v tables, want [2 2]", got)
			}

			run(t, db, up)
			assertLive(t, db, after)
			assertRows(t, db, "after Up", edited(original, tc.upRows))
			assertHandWrittenKept(t, db, "after Up")

			run(t, db, down)
			assertLive(t, db, before)
			assertRows(t, db, "after Down", original)
			assertHandWrittenKept(t, db, "after Down")
		})
	}
}

func TestRemovingAnEnumValueARowHoldsFailsAndChangesNothing(t *testing.T) {
	db, before := enumCrewDB(t)
	original := rowsOf(t, db)
	ops := []schema.Operation{
		schema.RenameEnumValue{Enum: "status", From: "away", To: "gone"},
		alterStatus("active", "gone"), // members and notes hold "banned"
	}
	err := runSteps(db, render(t, before, ops))
	if err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Fatalf("the migration's error is %v, want a failed CHECK", err)
	}
	assertLive(t, db, before)
	assertRows(t, db, "after the failed migration", original)
	assertHandWrittenKept(t, db, "after the failed migration")
}

func TestEnumChangesRenderNothingForTablesWithoutTheEnum(t *testing.T) {
	before := applied(t, &schema.Schema{}, crew[:2]) // status and teams
	ops := []schema.Operation{alterStatus("active"), schema.RenameEnumValue{Enum: "status", From: "active", To: "on"}}
	if steps := render(t, before, ops); len(steps) != 0 {
		t.Errorf("Render gave %d steps, want none:\n%s", len(steps), script(steps, ops))
	}
}

func TestAForeignKeyAddedToANewTableAfterAnEnumChangeSurvivesItsRebuild(t *testing.T) {
	db := testdb.SQLite(t)
	before := migrate(t, db, crew[:3]) // status, teams, members
	ops := []schema.Operation{
		schema.CreateTable{Table: schema.Table{
			Name:    "badges",
			Columns: []schema.Column{{Name: "member_id", Type: bigint}, {Name: "status", Type: enum("status")}},
		}},
		alterStatus("active", "banned", "away"),
		schema.AddForeignKey{Table: "badges", ForeignKey: schema.ForeignKey{
			Name: "badges_member_id_fkey", Columns: []string{"member_id"}, RefTable: "members", RefColumns: []string{"id"},
		}},
	}
	run(t, db, render(t, before, ops))
	assertLive(t, db, applied(t, before, ops))
}

func TestEnumChangesThatDoNotFitFailToRender(t *testing.T) {
	before := applied(t, &schema.Schema{}, crew[:3])
	cases := []struct {
		name string
		op   schema.Operation
		want string
	}{
		{"altering an enum that does not exist", schema.AlterEnum{Name: "ghost", Values: []string{"a"}}, "sqlite: operation 1 (alter enum ghost): "},
		{"removing the value a default names", alterStatus("banned"), "column members.status defaults to 'active'"},
		{"renaming a value that does not exist", schema.RenameEnumValue{Enum: "status", From: "away", To: "gone"}, `no value "away"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sqlite.Dialect{}.Render(before, []schema.Operation{tc.op})
			if !errors.Is(err, schema.ErrNotFit) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Render error = %v, want ErrNotFit saying %q", err, tc.want)
			}
		})
	}
}
