package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// Each of these migrations breaks on the rows crew holds. Each must fail,
// saying why, and leave the schema and every row as they were.
func TestAChangeTheRowsBreakFailsAndLeavesEverythingAsItWas(t *testing.T) {
	cases := []struct {
		name string
		rows []string // run on crewRows before the migration
		ops  []schema.Operation
		want string
		is   error
	}{
		{name: "a foreign key added that a row breaks",
			rows: []string{`UPDATE "members" SET "mentor_id" = 99 WHERE "id" = 9`},
			ops:  []schema.Operation{schema.AddForeignKey{Table: "members", ForeignKey: mentorKey}},
			want: "rows violate foreign keys: row 9 of members references no row of members (1 in all)", is: sqlite.ErrForeignKeyViolation},
		{name: "a check added that a row breaks",
			ops:  []schema.Operation{schema.AddCheck{Table: "members", Check: schema.Check{Name: "members_score_small", Expr: "score < 10"}}},
			want: "CHECK constraint failed: members_score_small"},
		{name: "a column holding NULLs made NOT NULL without a backfill",
			ops:  []schema.Operation{alterMember(schema.Column{Name: "nickname", Type: text})},
			want: "NOT NULL constraint failed"},
		{name: "a NOT NULL column added without a default",
			ops:  []schema.Operation{schema.AddColumn{Table: "members", Column: schema.Column{Name: "rank", Type: integer}}},
			want: "NOT NULL constraint failed"},
		{name: "an enum column moved to an enum without a value rows hold",
			ops: []schema.Operation{
				schema.CreateEnum{Enum: schema.Enum{Name: "status_v2", Values: []string{"active"}}},
				alterMember(schema.Column{Name: "status", Type: enum("status_v2"), Default: "'active'"}),
			},
			want: "CHECK constraint failed"},
		{name: "a hand-written delete that enforced foreign keys would have cascaded",
			ops:  []schema.Operation{schema.RunSQL{SQL: `DELETE FROM "teams" WHERE "id" = 2`}},
			want: "row 9 of members references no row of teams (1 in all)", is: sqlite.ErrForeignKeyViolation},
		{name: "a table dropped that rows of another still reference",
			ops:  []schema.Operation{schema.DropTable{Name: "teams"}},
			want: "row 5 of members references no row of teams; row 7 of members references no row of teams; row 9", is: sqlite.ErrForeignKeyViolation},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, before := crewDB(t)
			if err := exec(db, tc.rows...); err != nil {
				t.Fatal(err)
			}
			original := rowsOf(t, db)

			err := runSteps(db, render(t, before, tc.ops))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("the migration: err = %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("the migration: err = %v, want it to wrap %q", err, tc.is)
			}
			assertLive(t, db, before)
			assertRows(t, db, "after the failed migration", original)
			assertHandWrittenKept(t, db, "after the failed migration")
		})
	}
}

// Without strata's runtime and its Lock, a connection may enforce foreign
// keys; the rebuild then refuses to start rather than have DROP TABLE
// cascade.
func TestARebuildRefusesToRunWhileForeignKeysAreEnforced(t *testing.T) {
	db, before := crewDB(t)
	original := rowsOf(t, db)
	steps := render(t, before, []schema.Operation{alterMember(schema.Column{Name: "score", Type: bigint, Default: "0"})})
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil) // a connection of testdb.SQLite enforces foreign keys
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	err = runIn(ctx, tx, steps)
	if !errors.Is(err, sqlite.ErrEnforcementOn) || !strings.Contains(err.Error(), "sqlite: rebuild table members: foreign-key enforcement is on") {
		t.Errorf("the rebuild under enforcement: err = %v, want one wrapping ErrEnforcementOn", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	assertRows(t, db, "after the refused rebuild", original)
}

// After a rebuild, with enforcement back on, the table enforces all it did
// before: its enum check, its check, its unique constraint and its foreign
// keys with their actions, and its trigger fires.
func TestARebuiltTableEnforcesItsConstraintsAndFiresItsTriggers(t *testing.T) {
	db, before := crewDB(t)
	run(t, db, render(t, before, []schema.Operation{alterMember(schema.Column{Name: "score", Type: bigint, Default: "0"})}))

	refused := map[string]string{
		"the enum check":                  `UPDATE "members" SET "status" = 'gone' WHERE "id" = 5`,
		"the check":                       `UPDATE "members" SET "score" = -1 WHERE "id" = 5`,
		"the unique constraint":           `INSERT INTO "members" ("team_id", "email") VALUES (1, 'ann@example.com')`,
		"the foreign key to teams":        `INSERT INTO "members" ("team_id", "email") VALUES (42, 'dee@example.com')`,
		"the foreign key of notes to it":  `INSERT INTO "notes" ("member_id") VALUES (42)`,
		"the foreign key of notes on key": `UPDATE "members" SET "id" = 6 WHERE "id" = 5`,
	}
	for what, stmt := range refused {
		if err := exec(db, stmt); err == nil {
			t.Errorf("%s let through: %s", what, stmt)
		}
	}
	if err := exec(db, `UPDATE "members" SET "score" = 4 WHERE "id" = 5`); err != nil {
		t.Fatal(err)
	}
	var logged int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM "notes" WHERE "member_id" = 5 AND "body" = 'score 4'`).Scan(&logged); err != nil || logged != 1 {
		t.Errorf("the trigger logged %d notes (%v), want 1", logged, err)
	}
	if err := exec(db, `DELETE FROM "teams" WHERE "id" = 1`); err != nil {
		t.Fatal(err)
	}
	want := tableRows{
		"teams":   {{"(rowid)": "2", "id": "2", "name": "'blue'"}},
		"members": {{"(rowid)": "9", "id": "9", "team_id": "2", "email": "'cy@example.com'", "nickname": "'cy'", "status": "'active'", "score": "12", "mentor_id": "7"}},
		"notes":   {{"(rowid)": "30", "member_id": "9", "body": "NULL"}},
	}
	// Deleting team 1 deleted its members and their notes, the trigger's
	// among them.
	assertRows(t, db, "after team 1 was deleted", want)
}

// What Render rebuilds a table for, SQLite's ALTER TABLE refuses on a table
// holding rows, or has no form for (SQLite 3.53; later versions may add
// some).
func TestSQLiteRefusesInPlaceWhatRenderRebuildsFor(t *testing.T) {
	refused := map[string]string{
		"a NOT NULL column without a default": `ALTER TABLE "members" ADD COLUMN "rank" INT NOT NULL`,
		"a column that defaults to the time":  `ALTER TABLE "members" ADD COLUMN "at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP`,
		"a column that defaults to an expr":   `ALTER TABLE "members" ADD COLUMN "code" TEXT NOT NULL DEFAULT (lower('NEW'))`,
		"a foreign key on an existing table":  `ALTER TABLE "members" ADD CONSTRAINT "members_mentor_id_fkey" FOREIGN KEY ("mentor_id") REFERENCES "members" ("id")`,
		"a column's type changed":             `ALTER TABLE "members" ALTER COLUMN "score" TYPE BIGINT`,
		"an index renamed":                    `ALTER INDEX "members_team_id_idx" RENAME TO "members_team_idx"`,
		"a column a foreign key still uses":   `ALTER TABLE "notes" DROP COLUMN "member_id"`,
		"a column of the table a view reads":  `ALTER TABLE "members" DROP COLUMN "email"`,
	}
	db, _ := crewDB(t)
	for what, stmt := range refused {
		if err := exec(db, stmt); err == nil {
			t.Errorf("%s: SQLite ran %s", what, stmt)
		}
	}
}
