package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

// Columns of members as crew declares them, for the cases to alter.
var (
	memberScore    = schema.Column{Name: "score", Type: integer, Default: "0"}
	memberEmail    = schema.Column{Name: "email", Type: varchar(320)}
	memberNickname = schema.Column{Name: "nickname", Type: text, Nullable: true}
	memberStatus   = schema.Column{Name: "status", Type: enum("status"), Default: "'active'"}
	scoreCheck     = schema.Check{Name: "members_score_check", Expr: "score >= 0"}
	noteMember     = schema.ForeignKey{
		Name: "notes_member_id_fkey", Columns: []string{"member_id"}, RefTable: "members", RefColumns: []string{"id"}, OnDelete: schema.Cascade,
	}
	mentorKey = schema.ForeignKey{
		Name: "members_mentor_id_fkey", Columns: []string{"mentor_id"}, RefTable: "members", RefColumns: []string{"id"}, OnDelete: schema.SetNull,
	}
)

func alterMember(c schema.Column) schema.AlterColumn {
	return schema.AlterColumn{Table: "members", Column: c}
}

// changeCases are changes to tables holding rows, each with its inverse.
// Each renders Up against crew and Down against what Up leaves, compares
// the SQL with its golden file, runs both on a database holding crewRows
// with foreign keys enforced, and after each checks the live schema
// against the schema the operations describe, the rows (with their row
// ids) against what the change does to them, and that the trigger and view
// crew writes by hand are still there.
var changeCases = []struct {
	name     string
	up, down []schema.Operation
	rebuilds [2]int // how many tables Up and Down rebuild
	// upRows and downRows edit crewRows into the rows Up and Down leave;
	// nil leaves them as they are.
	upRows, downRows func(tableRows)
	volatile         []string // columns Up fills with values that vary
}{
	{
		name:     "a column widened, and narrowed back",
		up:       []schema.Operation{alterMember(schema.Column{Name: "score", Type: bigint, Default: "0"})},
		down:     []schema.Operation{alterMember(memberScore)},
		rebuilds: [2]int{1, 1},
	},
	{
		name:     "a column moved to another storage class has each value cast, and back",
		up:       []schema.Operation{alterMember(schema.Column{Name: "score", Type: text, Default: "0"})},
		down:     []schema.Operation{alterMember(memberScore)},
		rebuilds: [2]int{1, 1},
		upRows: func(r tableRows) {
			for _, m := range r["members"] {
				m["score"] = "'" + m["score"] + "'"
			}
		},
	},
	{
		name:     "a column converted with USING, and back",
		up:       []schema.Operation{schema.AlterColumn{Table: "members", Column: memberEmail, Using: `upper("email")`}},
		down:     []schema.Operation{schema.AlterColumn{Table: "members", Column: memberEmail, Using: `lower("email")`}},
		rebuilds: [2]int{1, 1},
		upRows: func(r tableRows) {
			r["members"][0]["email"], r["members"][1]["email"], r["members"][2]["email"] = "'ANN@EXAMPLE.COM'", "'BOB@EXAMPLE.COM'", "'CY@EXAMPLE.COM'"
		},
	},
	{
		name: "a column of a table without a primary key made NOT NULL with a backfill, and NULL-able again",
		up: []schema.Operation{schema.AlterColumn{Table: "notes", Column: schema.Column{Name: "body", Type: text},
			Backfill: "'(empty)'"}},
		down:     []schema.Operation{schema.AlterColumn{Table: "notes", Column: schema.Column{Name: "body", Type: text, Nullable: true}}},
		rebuilds: [2]int{1, 1},
		upRows:   func(r tableRows) { r["notes"][2]["body"] = "'(empty)'" },
		downRows: func(r tableRows) { r["notes"][2]["body"] = "'(empty)'" },
	},
	{
		name:     "a default added, and dropped",
		up:       []schema.Operation{alterMember(schema.Column{Name: "nickname", Type: text, Nullable: true, Default: "'anon'"})},
		down:     []schema.Operation{alterMember(memberNickname)},
		rebuilds: [2]int{1, 1},
	},
	{
		name:     "an identity dropped keeps the row ids, and comes back",
		up:       []schema.Operation{alterMember(schema.Column{Name: "id", Type: bigint})},
		down:     []schema.Operation{alterMember(schema.Column{Name: "id", Type: bigint, Identity: true})},
		rebuilds: [2]int{1, 1},
	},
	{
		name: "an enum column moved to an enum with one more value, and back",
		up: []schema.Operation{
			schema.CreateEnum{Enum: schema.Enum{Name: "status_v2", Values: []string{"active", "banned", "away"}}},
			alterMember(schema.Column{Name: "status", Type: enum("status_v2"), Default: "'active'"}),
		},
		down:     []schema.Operation{alterMember(memberStatus), schema.DropEnum{Name: "status_v2"}},
		rebuilds: [2]int{1, 1},
	},
	{
		name:     "a check added, and dropped",
		up:       []schema.Operation{schema.AddCheck{Table: "members", Check: schema.Check{Name: "members_email_check", Expr: "email LIKE '%@%'"}}},
		down:     []schema.Operation{schema.DropCheck{Table: "members", Name: "members_email_check"}},
		rebuilds: [2]int{1, 1},
	},
	{
		name:     "a check dropped, and added back",
		up:       []schema.Operation{schema.DropCheck{Table: "members", Name: "members_score_check"}},
		down:     []schema.Operation{schema.AddCheck{Table: "members", Check: scoreCheck}},
		rebuilds: [2]int{1, 1},
	},
	{
		name:     "a foreign key added to a table that has one, and dropped",
		up:       []schema.Operation{schema.AddForeignKey{Table: "members", ForeignKey: mentorKey}},
		down:     []schema.Operation{schema.DropForeignKey{Table: "members", Name: "members_mentor_id_fkey"}},
		rebuilds: [2]int{1, 1},
	},
	{
		name:     "a foreign key with ON DELETE CASCADE dropped, and added back",
		up:       []schema.Operation{schema.DropForeignKey{Table: "notes", Name: "notes_member_id_fkey"}},
		down:     []schema.Operation{schema.AddForeignKey{Table: "notes", ForeignKey: noteMember}},
		rebuilds: [2]int{1, 1},
	},
	{
		name: "a foreign key and a check renamed in one rebuild, and back",
		up: []schema.Operation{
			schema.RenameConstraint{Table: "members", From: "members_team_id_fkey", To: "members_team_fkey"},
			schema.RenameConstraint{Table: "members", From: "members_score_check", To: "members_score_positive"},
		},
		down: []schema.Operation{
			schema.RenameConstraint{Table: "members", From: "members_score_positive", To: "members_score_check"},
			schema.RenameConstraint{Table: "members", From: "members_team_fkey", To: "members_team_id_fkey"},
		},
		rebuilds: [2]int{1, 1},
	},
	{
		name: "columns SQLite cannot add in place added in one rebuild, and dropped in place",
		up: []schema.Operation{
			schema.AddColumn{Table: "members", Column: schema.Column{Name: "joined_at", Type: stamp, Default: "CURRENT_TIMESTAMP"}},
			schema.AddColumn{Table: "members", Column: schema.Column{Name: "code", Type: text, Default: "lower('NEW')"}},
		},
		down: []schema.Operation{
			schema.DropColumn{Table: "members", Column: "code"},
			schema.DropColumn{Table: "members", Column: "joined_at"},
		},
		rebuilds: [2]int{1, 0},
		upRows:   func(r tableRows) { r.set("members", "code", "'new'") },
		volatile: []string{"members.joined_at"},
	},
	{
		name: "several changes to one table share one rebuild",
		up: []schema.Operation{
			schema.DropCheck{Table: "members", Name: "members_score_check"},
			alterMember(schema.Column{Name: "score", Type: bigint, Default: "0"}),
			schema.AddColumn{Table: "members", Column: schema.Column{Name: "rank", Type: integer, Default: "1"}},
			schema.CreateIndex{Table: "members", Index: schema.Index{Name: "members_score_idx", Columns: []string{"score"}}},
			schema.AddCheck{Table: "members", Check: schema.Check{Name: "members_score_range", Expr: "score BETWEEN 0 AND 1000"}},
		},
		down: []schema.Operation{
			schema.DropCheck{Table: "members", Name: "members_score_range"},
			schema.DropIndex{Table: "members", Name: "members_score_idx"},
			schema.DropColumn{Table: "members", Column: "rank"},
			alterMember(memberScore),
			schema.AddCheck{Table: "members", Check: scoreCheck},
		},
		rebuilds: [2]int{1, 1},
		upRows:   func(r tableRows) { r.set("members", "rank", "1") },
	},
	{
		name: "a column altered twice takes two rebuilds, the second converting what the first made",
		up: []schema.Operation{
			alterMember(schema.Column{Name: "score", Type: text, Default: "0"}),
			schema.AlterColumn{Table: "members", Column: memberScore, Using: `CAST("score" AS INT) * 2`},
		},
		down:     []schema.Operation{schema.AlterColumn{Table: "members", Column: memberScore, Using: `"score" / 2`}},
		rebuilds: [2]int{2, 1},
		upRows: func(r tableRows) {
			r["members"][0]["score"], r["members"][2]["score"] = "6", "24"
		},
	},
	{
		name: "a table renamed, then rebuilt under its new name",
		up: []schema.Operation{
			schema.RenameTable{From: "members", To: "people"},
			schema.AlterColumn{Table: "people", Column: schema.Column{Name: "score", Type: bigint, Default: "0"}},
		},
		down: []schema.Operation{
			schema.AlterColumn{Table: "people", Column: memberScore},
			schema.RenameTable{From: "people", To: "members"},
		},
		rebuilds: [2]int{1, 1},
		upRows: func(r tableRows) {
			r["people"] = r["members"]
			delete(r, "members")
		},
	},
	{
		name:     "a table renamed, with the foreign keys, trigger and view that name it",
		up:       []schema.Operation{schema.RenameTable{From: "members", To: "people"}},
		down:     []schema.Operation{schema.RenameTable{From: "people", To: "members"}},
		rebuilds: [2]int{0, 0},
		upRows: func(r tableRows) {
			r["people"] = r["members"]
			delete(r, "members")
		},
	},
	{
		name: "columns renamed in their indexes, constraints and foreign keys",
		up: []schema.Operation{
			schema.RenameColumn{Table: "members", From: "email", To: "mail"},
			schema.RenameColumn{Table: "teams", From: "id", To: "team_no"},
		},
		down: []schema.Operation{
			schema.RenameColumn{Table: "teams", From: "team_no", To: "id"},
			schema.RenameColumn{Table: "members", From: "mail", To: "email"},
		},
		rebuilds: [2]int{0, 0},
		upRows: func(r tableRows) {
			r.rename("members", "email", "mail")
			r.rename("teams", "id", "team_no")
		},
	},
	{
		name: "a column joins the primary key of a table others reference, which keeps its ids unique, and leaves it",
		up: []schema.Operation{
			schema.AddUnique{Table: "members", Unique: schema.Unique{Name: "members_id_key", Columns: []string{"id"}}},
			alterMember(schema.Column{Name: "id", Type: bigint}),
			schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}, New: []string{"team_id", "id"}},
		},
		down: []schema.Operation{
			schema.AlterPrimaryKey{Table: "members", Old: []string{"team_id", "id"}, New: []string{"id"}},
			alterMember(schema.Column{Name: "id", Type: bigint, Identity: true}),
			schema.DropUnique{Table: "members", Name: "members_id_key"},
		},
		rebuilds: [2]int{1, 1},
	},
	{
		name: "the primary key moved to another column, and back",
		up: []schema.Operation{
			schema.DropForeignKey{Table: "notes", Name: "notes_member_id_fkey"},
			alterMember(schema.Column{Name: "id", Type: bigint}),
			schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}, New: []string{"email"}},
		},
		down: []schema.Operation{
			schema.AlterPrimaryKey{Table: "members", Old: []string{"email"}, New: []string{"id"}},
			alterMember(schema.Column{Name: "id", Type: bigint, Identity: true}),
			schema.AddForeignKey{Table: "notes", ForeignKey: noteMember},
		},
		rebuilds: [2]int{2, 2},
	},
	{
		name: "an index and a unique constraint renamed, and back",
		up: []schema.Operation{
			schema.RenameIndex{Table: "members", From: "members_team_id_idx", To: "members_team_idx"},
			schema.RenameConstraint{Table: "members", From: "members_email_key", To: "members_mail_key"},
		},
		down: []schema.Operation{
			schema.RenameConstraint{Table: "members", From: "members_mail_key", To: "members_email_key"},
			schema.RenameIndex{Table: "members", From: "members_team_idx", To: "members_team_id_idx"},
		},
		rebuilds: [2]int{0, 0},
	},
}

func TestChangesKeepTheRowsRowIDsAndObjectsOfTablesHoldingRows(t *testing.T) {
	for _, tc := range changeCases {
		t.Run(tc.name, func(t *testing.T) {
			db, before := crewDB(t)
			original := rowsOf(t, db)
			after := applied(t, before, tc.up)
			up, down := render(t, before, tc.up), render(t, after, tc.down)
			golden(t, filepath.Join("testdata", "change", slug(tc.name)+".sql"),
				"-- Up\n\n"+script(up, tc.up)+"-- Down\n\n"+script(down, tc.down))
			if got := [2]int{rebuilds(up), rebuilds(down)}; got != tc.rebuilds {
				t.Errorf("Up and Down rebuild %v tables, want %v", got, tc.rebuilds)
			}

			run(t, db, up)
			assertLive(t, db, after)
			assertRows(t, db, "after Up", edited(original, tc.upRows), tc.volatile...)
			assertHandWrittenKept(t, db, "after Up")

			run(t, db, down)
			assertLive(t, db, before)
			assertRows(t, db, "after Down", edited(original, tc.downRows))
			assertHandWrittenKept(t, db, "after Down")
		})
	}
}

// edited returns a copy of rows edited by edit, if it is not nil.
func edited(rows tableRows, edit func(tableRows)) tableRows {
	c := rows.clone()
	if edit != nil {
		edit(c)
	}
	return c
}
