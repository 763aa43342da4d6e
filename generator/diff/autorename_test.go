package diff

import (
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func TestCompareModelRenames(t *testing.T) { runPlanCases(t, modelRenameCases()) }

func TestCompareIndexRenames(t *testing.T) { runPlanCases(t, indexRenameCases()) }

const (
	userModel    = "example.com/app/models.User"
	accountModel = "example.com/app/models.Account"
)

func modelRenameCases() []planCase {
	people := func(name string) *tb {
		return table(name, idCol(), col("email", Text)).unique(name+"_email_key", "email")
	}
	accounts := table("accounts", idCol(), col("login", Text), col("score", Int32))
	dropUsers := guarded(dropTable("users"), "drops table users and all its rows")
	lookAlike := "table people looks like table users renamed (same columns): this plan drops users and its rows " +
		"and creates people empty; if it is a rename, write //strata:table people renamed_from=users"
	return []planCase{{
		name:  "a table whose struct keeps its name while the table's changes is renamed",
		old:   db(nil, people("users"), posts()),
		new:   db(nil, people("people"), table("posts", idCol(), col("user_id", Int64)).fk("posts_user_id_fkey", "user_id", "people", "")),
		hints: Hints{Models: Models{Old: map[string]string{"users": userModel}, New: map[string]string{"people": userModel}}},
		up: changes(
			schema.RenameTable{From: "users", To: "people"},
			schema.RenameConstraint{Table: "people", From: "users_email_key", To: "people_email_key"},
		),
		down: ops(
			schema.RenameConstraint{Table: "people", From: "people_email_key", To: "users_email_key"},
			schema.RenameTable{From: "people", To: "users"},
		),
		planName: "rename_users_to_people",
	}, {
		name: "an explicit renamed_from wins over the struct",
		old:  db(nil, people("users"), accounts),
		new:  db(nil, table("people", idCol(), col("login", Text), col("score", Int32))),
		hints: Hints{
			Renames: []Rename{tableRename("people", "accounts")},
			Models: Models{
				Old: map[string]string{"users": userModel, "accounts": accountModel},
				New: map[string]string{"people": userModel},
			},
		},
		up:       changes(schema.RenameTable{From: "accounts", To: "people"}, dropUsers),
		down:     ops(createTable(people("users")), schema.RenameTable{From: "people", To: "accounts"}),
		planName: "rename_accounts_to_people_and_more",
	}, {
		name: "a struct renamed with its table is another struct: the table is dropped and created, with a warning",
		old:  db(nil, people("users")),
		new:  db(nil, table("people", idCol(), col("email", Text))),
		hints: Hints{Models: Models{
			Old: map[string]string{"users": userModel},
			New: map[string]string{"people": "example.com/app/models.Person"},
		}},
		up:       changes(dropUsers, createTable(table("people", idCol(), col("email", Text)))),
		down:     ops(dropTable("people"), createTable(people("users"))),
		warnings: []string{lookAlike},
		planName: "drop_users_and_more",
	}, {
		name:     "a snapshot that records no structs renames nothing",
		old:      db(nil, users()),
		new:      db(nil, table("people", idCol(), col("email", Text))),
		hints:    Hints{Models: Models{New: map[string]string{"people": userModel}}},
		up:       changes(dropUsers, createTable(table("people", idCol(), col("email", Text)))),
		down:     ops(dropTable("people"), createTable(users())),
		warnings: []string{lookAlike},
		planName: "drop_users_and_more",
	}, {
		name: "a struct that takes over a table the snapshot has already renames nothing",
		old:  db(nil, users(), table("people", idCol(), col("email", Text))),
		new:  db(nil, table("people", idCol(), col("email", Text))),
		hints: Hints{Models: Models{
			Old: map[string]string{"users": userModel, "people": "example.com/app/models.Person"},
			New: map[string]string{"people": userModel},
		}},
		up:       changes(dropUsers),
		down:     ops(createTable(users())),
		planName: "drop_users",
	}, {
		name: "a struct whose old table another struct now declares renames nothing",
		old:  db(nil, users()),
		new:  db(nil, users(), table("people", idCol(), col("email", Text))),
		hints: Hints{Models: Models{
			Old: map[string]string{"users": userModel},
			New: map[string]string{"people": userModel, "users": accountModel},
		}},
		up:       changes(createTable(table("people", idCol(), col("email", Text)))),
		down:     ops(dropTable("people")),
		planName: "create_people",
	}}
}

func indexRenameCases() []planCase {
	withIndexes := func(names ...string) *tb {
		t := table("users", idCol(), col("email", Text), col("org_id", Int64))
		for _, n := range names {
			t = t.uniqueIndex(n, `"org_id" > 0`, "org_id", "email")
		}
		return t
	}
	return []planCase{{
		name: "an index whose name alone changes is renamed",
		old:  db(nil, withIndexes("users_org_email")),
		new:  db(nil, withIndexes("users_by_org_email")),
		up: changes(
			schema.RenameIndex{Table: "users", From: "users_org_email", To: "users_by_org_email"},
		),
		down: ops(
			schema.RenameIndex{Table: "users", From: "users_by_org_email", To: "users_org_email"},
		),
		planName: "rename_users_org_email_to_users_by_org",
	}, {
		name: "a unique constraint whose name alone changes is renamed",
		old:  db(nil, users().unique("users_email_key", "email")),
		new:  db(nil, users().unique("users_email_uniq", "email")),
		up: changes(
			schema.RenameConstraint{Table: "users", From: "users_email_key", To: "users_email_uniq"},
		),
		down: ops(
			schema.RenameConstraint{Table: "users", From: "users_email_uniq", To: "users_email_key"},
		),
		planName: "rename_users_email_key_to_users_email",
	}, {
		name: "an index renamed while its definition changes is dropped and created",
		old:  db(nil, users().index("users_email_idx", "email")),
		new:  db(nil, users().uniqueIndex("users_email_uniq", "", "email")),
		up: changes(
			schema.DropIndex{Table: "users", Name: "users_email_idx"},
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_uniq", Columns: []string{"email"}, Unique: true}},
		),
		down: ops(
			schema.DropIndex{Table: "users", Name: "users_email_uniq"},
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_idx", Columns: []string{"email"}}},
		),
		planName: "drop_users_email_idx_and_more",
	}, {
		name: "an index that two new ones of its definition could have become is dropped, and both created",
		old:  db(nil, withIndexes("users_a")),
		new:  db(nil, withIndexes("users_b", "users_c")),
		up: changes(
			schema.DropIndex{Table: "users", Name: "users_a"},
			schema.CreateIndex{Table: "users", Index: withIndexes("users_b").T().Indexes[0]},
			schema.CreateIndex{Table: "users", Index: withIndexes("users_c").T().Indexes[0]},
		),
		down: ops(
			schema.DropIndex{Table: "users", Name: "users_c"},
			schema.DropIndex{Table: "users", Name: "users_b"},
			schema.CreateIndex{Table: "users", Index: withIndexes("users_a").T().Indexes[0]},
		),
		planName: "drop_users_a_and_more",
	}, {
		name: "two indexes of one definition that could have become a new one are dropped, and it is created",
		old:  db(nil, withIndexes("users_a", "users_b")),
		new:  db(nil, withIndexes("users_c")),
		up: changes(
			schema.DropIndex{Table: "users", Name: "users_a"},
			schema.DropIndex{Table: "users", Name: "users_b"},
			schema.CreateIndex{Table: "users", Index: withIndexes("users_c").T().Indexes[0]},
		),
		down: ops(
			schema.DropIndex{Table: "users", Name: "users_c"},
			schema.CreateIndex{Table: "users", Index: withIndexes("users_b").T().Indexes[0]},
			schema.CreateIndex{Table: "users", Index: withIndexes("users_a").T().Indexes[0]},
		),
		planName: "drop_users_a_and_more",
	}, {
		name: "an index renamed to a name another table's index gives up is dropped and created",
		old:  db(nil, users().index("users_email_idx", "email"), table("orgs", idCol(), col("name", Text)).index("by_name", "name")),
		new:  db(nil, users().index("by_name", "email"), table("orgs", idCol(), col("name", Text))),
		up: changes(
			schema.DropIndex{Table: "orgs", Name: "by_name"},
			schema.DropIndex{Table: "users", Name: "users_email_idx"},
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "by_name", Columns: []string{"email"}}},
		),
		down: ops(
			schema.DropIndex{Table: "users", Name: "by_name"},
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_idx", Columns: []string{"email"}}},
			schema.CreateIndex{Table: "orgs", Index: schema.Index{Name: "by_name", Columns: []string{"name"}}},
		),
		planName: "drop_by_name_and_more",
	}}
}
