package diff

import (
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func TestCompareRenames(t *testing.T) { runPlanCases(t, renameCases()) }

// tableRename and columnRename are renamed_from hints.
func tableRename(table, from string) Rename { return Rename{Table: table, From: from} }
func columnRename(table, column, from string) Rename {
	return Rename{Table: table, Column: column, From: from}
}

func renameCases() []planCase {
	accounts := func(name string) *tb {
		return table(name, idCol(), col("email", Text)).
			unique(name+"_email_key", "email").
			check(name+"_email_check", "email <> ''")
	}
	postsTo := func(ref string) *tb {
		return table("posts", idCol(), col("user_id", Int64)).fk("posts_user_id_fkey", "user_id", ref, "")
	}
	orgs := table("orgs", idCol())
	members := func(email, org string) *tb {
		return table("members", idCol(), col(email, Text), col(org, Int64)).
			index("members_"+org+"_idx", org).
			unique("members_"+email+"_key", email).
			fk("members_"+org+"_fkey", org, "orgs", schema.Cascade)
	}
	withAge := func(name string) *tb {
		return table("users", idCol(), col(name, Int32)).check("users_"+name+"_check", name+" >= 0")
	}

	return []planCase{{
		name:  "a renamed table is renamed, and so are the constraints named after it",
		old:   db(nil, accounts("users"), postsTo("users")),
		new:   db(nil, accounts("people"), postsTo("people")),
		hints: Hints{Renames: []Rename{tableRename("people", "users")}},
		up: changes(
			schema.RenameTable{From: "users", To: "people"},
			schema.RenameConstraint{Table: "people", From: "users_email_key", To: "people_email_key"},
			schema.RenameConstraint{Table: "people", From: "users_email_check", To: "people_email_check"},
		),
		down: ops(
			schema.RenameConstraint{Table: "people", From: "people_email_check", To: "users_email_check"},
			schema.RenameConstraint{Table: "people", From: "people_email_key", To: "users_email_key"},
			schema.RenameTable{From: "people", To: "users"},
		),
		planName: "rename_users_to_people",
	}, {
		name: "a renamed column is renamed, and so are its index, unique constraint and foreign key",
		old:  db(nil, orgs, members("email", "org")),
		new:  db(nil, orgs, members("mail", "org_id")),
		hints: Hints{Renames: []Rename{
			columnRename("members", "org_id", "org"),
			columnRename("members", "mail", "email"),
		}},
		up: changes(
			schema.RenameColumn{Table: "members", From: "email", To: "mail"},
			schema.RenameColumn{Table: "members", From: "org", To: "org_id"},
			schema.RenameIndex{Table: "members", From: "members_org_idx", To: "members_org_id_idx"},
			schema.RenameConstraint{Table: "members", From: "members_email_key", To: "members_mail_key"},
			schema.RenameConstraint{Table: "members", From: "members_org_fkey", To: "members_org_id_fkey"},
		),
		down: ops(
			schema.RenameConstraint{Table: "members", From: "members_org_id_fkey", To: "members_org_fkey"},
			schema.RenameConstraint{Table: "members", From: "members_mail_key", To: "members_email_key"},
			schema.RenameIndex{Table: "members", From: "members_org_id_idx", To: "members_org_idx"},
			schema.RenameColumn{Table: "members", From: "org_id", To: "org"},
			schema.RenameColumn{Table: "members", From: "mail", To: "email"},
		),
		planName: "rename_members_email_to_mail_and_more",
	}, {
		name: "a table renamed with one of its columns renames the table first",
		old:  db(nil, table("users", idCol(), col("email", Text)).unique("users_email_key", "email")),
		new:  db(nil, table("people", idCol(), col("mail", Text)).unique("people_mail_key", "mail")),
		hints: Hints{Renames: []Rename{
			columnRename("people", "mail", "email"),
			tableRename("people", "users"),
		}},
		up: changes(
			schema.RenameTable{From: "users", To: "people"},
			schema.RenameColumn{Table: "people", From: "email", To: "mail"},
			schema.RenameConstraint{Table: "people", From: "users_email_key", To: "people_mail_key"},
		),
		down: ops(
			schema.RenameConstraint{Table: "people", From: "people_mail_key", To: "users_email_key"},
			schema.RenameColumn{Table: "people", From: "mail", To: "email"},
			schema.RenameTable{From: "people", To: "users"},
		),
		planName: "rename_users_to_people_and_more",
	}, {
		name:  "a renamed column whose definition changes too is renamed, then altered",
		old:   db(nil, table("users", idCol(), null(col("name", Text)))),
		new:   db(nil, table("users", idCol(), withDefault(col("full_name", Text), "''"))),
		hints: Hints{Renames: []Rename{columnRename("users", "full_name", "name")}},
		up: changes(
			schema.RenameColumn{Table: "users", From: "name", To: "full_name"},
			schema.AlterColumn{Table: "users", Column: withDefault(col("full_name", Text), "''"), Backfill: "''"},
		),
		down: ops(
			schema.AlterColumn{Table: "users", Column: null(col("full_name", Text))},
			schema.RenameColumn{Table: "users", From: "full_name", To: "name"},
		),
		planName: "rename_users_name_to_full_name_and_more",
	}, {
		name: "stale hints emit nothing",
		old:  db(nil, users(), posts()),
		new:  db(nil, users(), posts()),
		hints: Hints{Renames: []Rename{
			tableRename("users", "gone"),             // the old table is not there
			tableRename("users", "posts"),            // both tables are in both schemas
			columnRename("users", "email", "mail"),   // done already
			columnRename("posts", "user_id", "id"),   // the old column is still there
			columnRename("missing", "email", "mail"), // no such table
		}},
		planName: "empty",
	}, {
		name:  "an index whose definition changes with its table's name is dropped before the rename and created after it",
		old:   db(nil, users().index("users_email_idx", "email")),
		new:   db(nil, table("people", idCol(), col("email", Text)).uniqueIndex("people_email_idx", "", "email")),
		hints: Hints{Renames: []Rename{tableRename("people", "users")}},
		up: changes(
			schema.DropIndex{Table: "users", Name: "users_email_idx"},
			schema.RenameTable{From: "users", To: "people"},
			schema.CreateIndex{Table: "people", Index: schema.Index{Name: "people_email_idx", Columns: []string{"email"}, Unique: true}},
		),
		down: ops(
			schema.DropIndex{Table: "people", Name: "people_email_idx"},
			schema.RenameTable{From: "people", To: "users"},
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_idx", Columns: []string{"email"}}},
		),
		planName: "rename_users_to_people_and_more",
	}, {
		// The check goes before the rename and comes back after it, so
		// that the Down, in reverse, adds the old check once the column
		// has its old name again.
		name:  "a check whose expression names the renamed column is dropped before the rename and added after it",
		old:   db(nil, withAge("age")),
		new:   db(nil, withAge("years")),
		hints: Hints{Renames: []Rename{columnRename("users", "years", "age")}},
		up: changes(
			schema.DropCheck{Table: "users", Name: "users_age_check"},
			schema.RenameColumn{Table: "users", From: "age", To: "years"},
			schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_years_check", Expr: "years >= 0"}},
		),
		down: ops(
			schema.DropCheck{Table: "users", Name: "users_years_check"},
			schema.RenameColumn{Table: "users", From: "years", To: "age"},
			schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_age_check", Expr: "age >= 0"}},
		),
		planName: "rename_users_age_to_years_and_more",
	}, {
		name:  "a table that references itself follows its own rename",
		old:   db(nil, table("nodes", idCol(), null(col("parent_id", Int64))).fk("nodes_parent_id_fkey", "parent_id", "nodes", schema.Cascade)),
		new:   db(nil, table("tree", idCol(), null(col("parent_id", Int64))).fk("tree_parent_id_fkey", "parent_id", "tree", schema.Cascade)),
		hints: Hints{Renames: []Rename{tableRename("tree", "nodes")}},
		up: changes(
			schema.RenameTable{From: "nodes", To: "tree"},
			schema.RenameConstraint{Table: "tree", From: "nodes_parent_id_fkey", To: "tree_parent_id_fkey"},
		),
		down: ops(
			schema.RenameConstraint{Table: "tree", From: "tree_parent_id_fkey", To: "nodes_parent_id_fkey"},
			schema.RenameTable{From: "tree", To: "nodes"},
		),
		planName: "rename_nodes_to_tree",
	}}
}

// renameOrderCase is the case of TestCompareOrder for renames, checks and
// alterations.
func renameOrderCase() planCase {
	return planCase{
		name: "drops come before renames, alterations after added columns, checks among the constraints",
		old: db(nil,
			table("accounts", idCol(), col("email", Text), null(col("nick", Text)), col("legacy", Int32)).
				index("accounts_legacy_idx", "legacy").unique("accounts_email_key", "email").
				check("accounts_nick_check", "nick <> ''")),
		new: db(nil,
			table("users", idCol(), col("email", Text), withDefault(col("name", Text), "''"), col("score", Int64)).
				unique("users_email_key", "email").index("users_score_idx", "score").
				check("users_name_check", "name <> ''").check("users_score_check", "score >= 0")),
		hints: Hints{Renames: []Rename{
			{Table: "users", From: "accounts"},
			{Table: "users", Column: "name", From: "nick"},
			{Table: "users", Column: "score", From: "legacy"},
		}},
		up: changes(
			schema.DropCheck{Table: "accounts", Name: "accounts_nick_check"},
			schema.RenameTable{From: "accounts", To: "users"},
			schema.RenameColumn{Table: "users", From: "nick", To: "name"},
			schema.RenameColumn{Table: "users", From: "legacy", To: "score"},
			schema.RenameIndex{Table: "users", From: "accounts_legacy_idx", To: "users_score_idx"},
			schema.RenameConstraint{Table: "users", From: "accounts_email_key", To: "users_email_key"},
			schema.AlterColumn{Table: "users", Column: withDefault(col("name", Text), "''"), Backfill: "''"},
			Change{Op: schema.AlterColumn{Table: "users", Column: col("score", Int64)}, Rewrites: "users"},
			schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_name_check", Expr: "name <> ''"}},
			schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_score_check", Expr: "score >= 0"}},
		),
		down: ops(
			schema.DropCheck{Table: "users", Name: "users_score_check"},
			schema.DropCheck{Table: "users", Name: "users_name_check"},
			schema.AlterColumn{Table: "users", Column: col("score", Int32)},
			schema.AlterColumn{Table: "users", Column: null(col("name", Text))},
			schema.RenameConstraint{Table: "users", From: "users_email_key", To: "accounts_email_key"},
			schema.RenameIndex{Table: "users", From: "users_score_idx", To: "accounts_legacy_idx"},
			schema.RenameColumn{Table: "users", From: "score", To: "legacy"},
			schema.RenameColumn{Table: "users", From: "name", To: "nick"},
			schema.RenameTable{From: "users", To: "accounts"},
			schema.AddCheck{Table: "accounts", Check: schema.Check{Name: "accounts_nick_check", Expr: "nick <> ''"}},
		),
		planName: "rename_accounts_to_users_and_more",
	}
}
