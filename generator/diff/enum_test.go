package diff

import (
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func TestCompareEnums(t *testing.T) { runPlanCases(t, enumCases()) }

func enumCases() []planCase {
	status := func(values ...string) []schema.Enum { return enums(enum("status", values...)) }
	users := func(def string) *tb { return table("users", idCol(), withDefault(enumCol("status", "status"), def)) }
	alterStatus := func(values ...string) schema.AlterEnum { return schema.AlterEnum{Name: "status", Values: values} }
	const loses = "enum status loses the values 'banned': rows of users.status holding them make the migration fail; " +
		"if a value was renamed, give its constant //strata:renamed_from OLD, or use --force"
	return []planCase{{
		name:     "a value appended is added",
		old:      db(status("active", "banned"), users("'active'")),
		new:      db(status("active", "banned", "away"), users("'active'")),
		up:       changes(alterStatus("active", "banned", "away")),
		down:     ops(alterStatus("active", "banned")),
		planName: "alter_enum_status",
	}, {
		name: "values inserted keep the place the model gives them",
		old:  db(status("active", "banned"), users("'active'")),
		new:  db(status("new", "active", "paused", "banned", "gone"), users("'active'")),
		up:   changes(alterStatus("new", "active", "paused", "banned", "gone")),
		down: ops(alterStatus("active", "banned")),
	}, {
		name: "a value removed is guarded, naming the columns of the enum",
		old:  db(status("active", "banned"), users("'active'")),
		new:  db(status("active"), users("'active'")),
		up:   changes(rewritingUsers(guarded(alterStatus("active"), loses))),
		down: ops(alterStatus("active", "banned")),
	}, {
		name: "a reorder loses nothing, but is guarded for the rewrite of the tables that use the type",
		old:  db(status("active", "banned"), users("'active'")),
		new:  db(status("banned", "active"), users("'active'")),
		up:   changes(rewritingUsers(Change{Op: alterStatus("banned", "active")})),
		down: ops(alterStatus("active", "banned")),
	}, {
		name:     "a value renamed with a hint is renamed, not removed",
		old:      db(status("active", "banned"), users("'banned'")),
		new:      db(status("active", "blocked"), users("'blocked'")),
		hints:    Hints{EnumRenames: []EnumRename{{Enum: "status", Value: "blocked", From: "banned"}}},
		up:       changes(schema.RenameEnumValue{Enum: "status", From: "banned", To: "blocked"}),
		down:     ops(schema.RenameEnumValue{Enum: "status", From: "blocked", To: "banned"}),
		planName: "rename_status_banned_to_blocked",
	}, {
		name: "a stale rename hint emits nothing, and without one a rename is an addition and a guarded removal",
		old:  db(status("active", "banned"), users("'active'")),
		new:  db(status("active", "blocked"), users("'active'")),
		hints: Hints{EnumRenames: []EnumRename{
			{Enum: "status", Value: "blocked", From: "gone"}, {Enum: "status", Value: "active", From: "banned"}, {Enum: "other", Value: "blocked", From: "banned"},
		}},
		up: changes(
			alterStatus("active", "blocked", "banned"),
			rewritingUsers(guarded(alterStatus("active", "blocked"), loses)),
		),
		down: ops(alterStatus("active", "blocked", "banned"), alterStatus("active", "banned")),
	}, {
		name: "a default moving off a removed value onto a new one moves between the addition and the removal",
		old:  db(status("active", "banned"), users("'banned'")),
		new:  db(status("active", "pending"), users("'pending'")),
		up: changes(
			alterStatus("active", "pending", "banned"),
			schema.AlterColumn{Table: "users", Column: withDefault(enumCol("status", "status"), "'pending'")},
			rewritingUsers(guarded(alterStatus("active", "pending"), loses)),
		),
		down: ops(
			alterStatus("active", "pending", "banned"),
			schema.AlterColumn{Table: "users", Column: withDefault(enumCol("status", "status"), "'banned'")},
			alterStatus("active", "banned"),
		),
	}, {
		name: "a renamed value, an added one and a new column using it come in order",
		old:  db(status("active", "banned"), users("'active'")),
		new: db(status("on", "banned", "away"), table("users", idCol(), withDefault(enumCol("status", "status"), "'on'"),
			withDefault(enumCol("was", "status"), "'away'"))),
		hints: Hints{EnumRenames: []EnumRename{{Enum: "status", Value: "on", From: "active"}}},
		up: changes(
			schema.RenameEnumValue{Enum: "status", From: "active", To: "on"},
			alterStatus("on", "banned", "away"),
			schema.AddColumn{Table: "users", Column: withDefault(enumCol("was", "status"), "'away'")},
		),
		down: ops(
			schema.DropColumn{Table: "users", Column: "was"},
			alterStatus("on", "banned"),
			schema.RenameEnumValue{Enum: "status", From: "on", To: "active"},
		),
	}}
}

// rewritingUsers returns c marked as a change that rewrites table users.
func rewritingUsers(c Change) Change {
	c.Rewrites = "users"
	return c
}
