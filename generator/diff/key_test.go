package diff

import (
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func TestComparePrimaryKeys(t *testing.T) { runPlanCases(t, pkCases()) }

// keyReason is the guard's reason for moving the key of table from old to
// new, whose columns the query lists as columns.
func keyReason(table, old, new, columns string) string {
	return "the primary key of " + table + " changes from " + old + " to " + new + ", and two rows that share a value of " + new +
		" fail the migration: find them with SELECT " + columns + ", count(*) FROM " + table + " GROUP BY " + columns +
		" HAVING count(*) > 1, or use --force if there are none"
}

// pkCases change the primary keys of kept tables.
func pkCases() []planCase {
	id := col("id", Int64)
	members := func() *tb { return table("members", id, col("team_id", Int64), col("email", Text)) }
	apk := func(table string, old, new []string) schema.AlterPrimaryKey {
		return schema.AlterPrimaryKey{Table: table, Old: old, New: new}
	}
	posts := table("posts", idCol(), col("member_id", Int64)).fkTo("posts_member_id_fkey", "member_id", "members", "id")
	invites := table("invites", idCol(), col("email", Text)).fkTo("invites_email_fkey", "email", "members", "email")
	events := func() *tb { return table("events", col("at", schema.Timestamp), col("code", Text)) }
	ids, idTeam, email := []string{"id"}, []string{"id", "team_id"}, []string{"email"}
	return []planCase{{
		name:     "a column joining the key moves it in place, unguarded: no two rows can share the bigger key",
		old:      db(nil, members()),
		new:      db(nil, members().pk("id", "team_id")),
		up:       changes(apk("members", ids, idTeam)),
		down:     ops(apk("members", idTeam, ids)),
		planName: "alter_members_pkey",
	}, {
		name:     "a key moved to another column is guarded, with the query that finds the rows that share a value",
		old:      db(nil, members()),
		new:      db(nil, members().pk("email")),
		up:       changes(guarded(apk("members", ids, email), keyReason("members", "(id)", "(email)", "email"))),
		down:     ops(apk("members", email, ids)),
		planName: "alter_members_pkey",
	}, {
		name: "a key moved to columns that hold a unique constraint is unguarded",
		old:  db(nil, members().unique("members_email_key", "email")),
		new:  db(nil, members().unique("members_email_key", "email").pk("email", "team_id")),
		up:   changes(apk("members", ids, []string{"email", "team_id"})),
		down: ops(apk("members", []string{"email", "team_id"}, ids)),
	}, {
		name: "a key moved onto the columns of a unique constraint it replaces is unguarded",
		old:  db(nil, members().unique("members_email_key", "email")),
		new:  db(nil, members().pk("email")),
		up: changes(
			schema.DropUnique{Table: "members", Name: "members_email_key"},
			apk("members", ids, email),
		),
		down: ops(
			apk("members", email, ids),
			schema.AddUnique{Table: "members", Unique: schema.Unique{Name: "members_email_key", Columns: email}},
		),
	}, {
		name: "a key moved to a unique column that the plan makes NOT NULL is guarded: the backfill may repeat",
		old:  db(nil, table("members", id, null(col("email", Text))).unique("members_email_key", "email")),
		new:  db(nil, table("members", id, withDefault(col("email", Text), "''")).unique("members_email_key", "email").pk("email")),
		up: changes(
			schema.AlterColumn{Table: "members", Column: withDefault(col("email", Text), "''"), Backfill: "''"},
			guarded(apk("members", ids, email), keyReason("members", "(id)", "(email)", "email")),
		),
		down: ops(
			apk("members", email, ids),
			schema.AlterColumn{Table: "members", Column: null(col("email", Text))},
		),
	}, {
		name: "a foreign key to the old key is dropped before the key moves, and added back after the unique constraint that keeps its columns a key",
		old:  db(nil, members(), posts),
		new:  db(nil, members().pk("email").unique("members_id_key", "id"), posts),
		up: changes(
			schema.DropForeignKey{Table: "posts", Name: "posts_member_id_fkey"},
			guarded(apk("members", ids, email), keyReason("members", "(id)", "(email)", "email")),
			schema.AddUnique{Table: "members", Unique: schema.Unique{Name: "members_id_key", Columns: ids}},
			schema.AddForeignKey{Table: "posts", ForeignKey: posts.T().ForeignKeys[0]},
		),
		down: ops(
			schema.DropForeignKey{Table: "posts", Name: "posts_member_id_fkey"},
			schema.DropUnique{Table: "members", Name: "members_id_key"},
			apk("members", email, ids),
			schema.AddForeignKey{Table: "posts", ForeignKey: posts.T().ForeignKeys[0]},
		),
		planName: "alter_members_pkey_and_more",
	}, {
		name: "a new table's foreign key to the new key waits for the key",
		old:  db(nil, members()),
		new:  db(nil, members().pk("email"), invites),
		up: changes(
			createTable(table("invites", idCol(), col("email", Text))),
			guarded(apk("members", ids, email), keyReason("members", "(id)", "(email)", "email")),
			schema.AddForeignKey{Table: "invites", ForeignKey: invites.T().ForeignKeys[0]},
		),
		down: ops(
			schema.DropForeignKey{Table: "invites", Name: "invites_email_fkey"},
			apk("members", email, ids),
			dropTable("invites"),
		),
	}, {
		name: "a column joining the key becomes NOT NULL before the key moves, and one leaving it NULL-able after",
		old:  db(nil, table("members", id, null(col("nickname", Text)))),
		new:  db(nil, table("members", null(id), col("nickname", Text)).pk("nickname")),
		up: changes(
			guarded(schema.AlterColumn{Table: "members", Column: col("nickname", Text)}, notNullReason("members", col("nickname", Text))),
			guarded(apk("members", ids, []string{"nickname"}), keyReason("members", "(id)", "(nickname)", "nickname")),
			schema.AlterColumn{Table: "members", Column: null(id)},
		),
		down: ops(
			schema.AlterColumn{Table: "members", Column: id},
			apk("members", []string{"nickname"}, ids),
			schema.AlterColumn{Table: "members", Column: null(col("nickname", Text))},
		),
	}, {
		name: "a column of the old key that the table loses is dropped once the key has moved",
		old:  db(nil, table("members", id, col("code", Text))),
		new:  db(nil, table("members", col("code", Text)).pk("code")),
		up: changes(
			guarded(apk("members", ids, []string{"code"}), keyReason("members", "(id)", "(code)", "code")),
			guarded(schema.DropColumn{Table: "members", Column: "id"}, dropColumnReason("members", "id")),
		),
		down: ops(
			schema.AddColumn{Table: "members", Column: withDefault(id, "0")},
			schema.AlterColumn{Table: "members", Column: id},
			apk("members", []string{"code"}, ids),
		),
	}, {
		name: "an identity comes once the key is its column alone, and goes before the key grows",
		old:  db(nil, members().pk("id", "team_id")),
		new:  db(nil, table("members", idCol(), col("team_id", Int64), col("email", Text))),
		up: changes(
			guarded(apk("members", idTeam, ids), keyReason("members", "(id, team_id)", "(id)", "id")),
			schema.AlterColumn{Table: "members", Column: idCol()},
		),
		down: ops(
			schema.AlterColumn{Table: "members", Column: id},
			apk("members", ids, idTeam),
		),
	}, {
		name:     "a table without a key gains one, guarded",
		old:      db(nil, events()),
		new:      db(nil, events().pk("code")),
		up:       changes(guarded(apk("events", nil, []string{"code"}), keyReason("events", "(none)", "(code)", "code"))),
		down:     ops(apk("events", []string{"code"}, nil)),
		planName: "alter_events_pkey",
	}, {
		name: "a table loses its key, unguarded",
		old:  db(nil, events().pk("code")),
		new:  db(nil, events()),
		up:   changes(apk("events", []string{"code"}, nil)),
		down: ops(apk("events", nil, []string{"code"})),
	}, {
		name:  "a renamed table's key moves under its new name",
		old:   db(nil, table("people", id, col("team_id", Int64), col("email", Text))),
		new:   db(nil, members().pk("id", "team_id")),
		hints: Hints{Renames: []Rename{{Table: "members", From: "people"}}},
		up: changes(
			schema.RenameTable{From: "people", To: "members"},
			apk("members", ids, idTeam),
		),
		down: ops(
			apk("members", idTeam, ids),
			schema.RenameTable{From: "members", To: "people"},
		),
		planName: "rename_people_to_members_and_more",
	}, {
		name: "a key over a column and a quoted one gives the query the quotes",
		old:  db(nil, table("Members", id, col("Team", Int64))),
		new:  db(nil, table("Members", id, col("Team", Int64)).pk("Team", "id")),
		up:   changes(apk("Members", ids, []string{"Team", "id"})),
		down: ops(apk("Members", []string{"Team", "id"}, ids)),
	}, {
		name: "a key moved to a quoted column quotes it in the query",
		old:  db(nil, table("Members", id, col("Team", Int64))),
		new:  db(nil, table("Members", id, col("Team", Int64)).pk("Team")),
		up: changes(guarded(apk("Members", ids, []string{"Team"}),
			`the primary key of Members changes from (id) to (Team), and two rows that share a value of (Team) fail the migration: `+
				`find them with SELECT "Team", count(*) FROM "Members" GROUP BY "Team" HAVING count(*) > 1, or use --force if there are none`)),
		down: ops(apk("Members", []string{"Team"}, ids)),
	}}
}
