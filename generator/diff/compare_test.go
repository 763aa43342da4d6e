package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/strata-go/strata/runtime/schema"
)

const (
	Int32 = schema.Int32
	Int64 = schema.Int64
	Text  = schema.Text
)

// planCase is one comparison and the plan it must give.
type planCase struct {
	name     string
	old, new *schema.Schema
	hints    Hints
	up       []Change
	down     []schema.Operation
	warnings []string
	planName string // "" skips the check
}

func runPlanCases(t *testing.T, cases []planCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Compare(tc.old, tc.new, tc.hints)
			if err != nil {
				t.Fatalf("Compare: %v", err)
			}
			if diff := cmp.Diff(tc.up, plan.Up, cmpOpts...); diff != "" {
				t.Errorf("Up (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.down, plan.Down, cmpOpts...); diff != "" {
				t.Errorf("Down (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.warnings, plan.Warnings, cmpOpts...); diff != "" {
				t.Errorf("Warnings (-want +got):\n%s", diff)
			}
			if tc.planName != "" && plan.Name() != tc.planName {
				t.Errorf("Name() = %q, want %q", plan.Name(), tc.planName)
			}
		})
	}
}

func users() *tb { return table("users", idCol(), col("email", Text)) }

func posts() *tb {
	return table("posts", idCol(), col("user_id", Int64)).fk("posts_user_id_fkey", "user_id", "users", "")
}

func TestCompareTables(t *testing.T) { runPlanCases(t, tableCases()) }

func tableCases() []planCase {
	categories := table("categories", idCol(), col("name", Text), null(col("parent_id", Int64))).
		index("categories_parent_id_idx", "parent_id").
		unique("categories_name_key", "name").
		fk("categories_parent_id_fkey", "parent_id", "categories", schema.SetNull).
		check("categories_name_check", "name <> ''")
	comments := table("comments", idCol(), col("post_id", Int64), col("user_id", Int64)).
		fk("comments_post_id_fkey", "post_id", "posts", schema.Cascade).
		fk("comments_user_id_fkey", "user_id", "users", "")
	tags := table("tags", idCol(), col("label", Text))
	withStatus := table("posts", idCol(), col("user_id", Int64), enumCol("status", "status")).
		fk("posts_user_id_fkey", "user_id", "users", "")
	return []planCase{{
		name:     "identical schemas give an empty plan",
		old:      db(nil, users(), posts()),
		new:      db(nil, posts(), users()),
		planName: "empty",
	}, {
		name:     "an empty database gets its tables, referenced ones first",
		old:      &schema.Schema{},
		new:      db(nil, users(), posts()),
		up:       changes(createTable(users()), createTable(posts())),
		down:     ops(dropTable("posts"), dropTable("users")),
		planName: "initial",
	}, {
		name:     "a nil old schema counts as an empty one",
		old:      nil,
		new:      db(nil, users()),
		up:       changes(createTable(users())),
		down:     ops(dropTable("users")),
		planName: "initial",
	}, {
		name:     "a new table comes with its indexes, constraints, checks and self-reference inline",
		old:      db(nil, users()),
		new:      db(nil, users(), categories),
		up:       changes(createTable(categories)),
		down:     ops(dropTable("categories")),
		planName: "create_categories",
	}, {
		name: "a new table with an enum column creates the enum first",
		old:  db(nil, users()),
		new:  db(enums(enum("status", "draft", "published")), users(), withStatus),
		up: changes(
			schema.CreateEnum{Enum: enum("status", "draft", "published")},
			createTable(withStatus),
		),
		down:     ops(dropTable("posts"), schema.DropEnum{Name: "status"}),
		planName: "create_posts",
	}, {
		name: "a dropped table is guarded, and its enum type dropped after it",
		old:  db(enums(enum("status", "draft", "published")), users(), withStatus),
		new:  db(nil, users()),
		up: changes(
			guarded(dropTable("posts"), "drops table posts and all its rows"),
			schema.DropEnum{Name: "status"},
		),
		down: ops(
			schema.CreateEnum{Enum: enum("status", "draft", "published")},
			createTable(withStatus),
		),
		planName: "drop_posts",
	}, {
		name: "dropped tables go referencing ones first, ties by name",
		old:  db(nil, users(), posts(), comments, tags),
		new:  &schema.Schema{},
		up: changes(
			guarded(dropTable("comments"), "drops table comments and all its rows"),
			guarded(dropTable("posts"), "drops table posts and all its rows"),
			guarded(dropTable("tags"), "drops table tags and all its rows"),
			guarded(dropTable("users"), "drops table users and all its rows"),
		),
		down: ops(createTable(users()), createTable(tags), createTable(posts()), createTable(comments)),
	}, {
		name: "new tables go after the tables they reference, ties by name",
		old:  &schema.Schema{},
		new:  db(nil, users(), posts(), comments, tags),
		up: changes(
			createTable(tags), createTable(users()), createTable(posts()), createTable(comments),
		),
		down: ops(dropTable("comments"), dropTable("posts"), dropTable("users"), dropTable("tags")),
	}, {
		name: "a kept table's foreign key to a dropped table goes before the table",
		old:  db(nil, users(), posts()),
		new:  db(nil, table("posts", idCol(), col("user_id", Int64))),
		up: changes(
			guarded(schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"},
				"drops foreign key posts_user_id_fkey: the database stops checking posts.user_id against users.id"),
			guarded(dropTable("users"), "drops table users and all its rows"),
		),
		down: ops(
			createTable(users()),
			schema.AddForeignKey{Table: "posts", ForeignKey: posts().T().ForeignKeys[0]},
		),
		planName: "drop_users",
	}, {
		name: "a kept table's new foreign key to a new table comes after the table",
		old:  db(nil, table("posts", idCol(), col("user_id", Int64))),
		new:  db(nil, users(), posts()),
		up: changes(
			createTable(users()),
			schema.AddForeignKey{Table: "posts", ForeignKey: posts().T().ForeignKeys[0]},
		),
		down: ops(
			schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"},
			dropTable("users"),
		),
		planName: "create_users_and_more",
	}}
}

func TestCompareCycles(t *testing.T) { runPlanCases(t, cycleCases()) }

func cycleCases() []planCase {
	players := table("players", idCol(), null(col("team_id", Int64))).fk("players_team_id_fkey", "team_id", "teams", "")
	teams := table("teams", idCol(), null(col("captain_id", Int64))).fk("teams_captain_id_fkey", "captain_id", "players", "")
	playersAlone := table("players", idCol(), null(col("team_id", Int64)))
	teamsAlone := table("teams", idCol(), null(col("captain_id", Int64)))

	// alpha -> beta -> gamma -> alpha, each through a column named after
	// the table it references.
	ring := func(name, ref string, withFK bool) *tb {
		b := table(name, idCol(), null(col(ref+"_id", Int64)))
		if withFK {
			b.fk(name+"_"+ref+"_id_fkey", ref+"_id", ref, "")
		}
		return b
	}
	alpha, beta, gamma := ring("alpha", "beta", true), ring("beta", "gamma", true), ring("gamma", "alpha", true)
	fkOf := func(b *tb) schema.AddForeignKey {
		t := b.T()
		return schema.AddForeignKey{Table: t.Name, ForeignKey: t.ForeignKeys[0]}
	}
	nodes := table("nodes", idCol(), null(col("parent_id", Int64))).fk("nodes_parent_id_fkey", "parent_id", "nodes", schema.Cascade)
	// A self-reference to a key that only a unique index makes: CREATE
	// TABLE cannot declare it, since the index comes after.
	codes := func(withFK bool) *tb {
		b := table("codes", idCol(), col("code", Text), null(col("parent_code", Text))).uniqueIndex("codes_code_idx", "", "code")
		if withFK {
			b.fkTo("codes_parent_code_fkey", "parent_code", "codes", "code")
		}
		return b
	}

	return []planCase{{
		name: "a cycle of two new tables creates the first without its foreign key and adds it last",
		old:  &schema.Schema{},
		new:  db(nil, players, teams),
		up: changes(
			createTable(playersAlone),
			createTable(teams),
			fkOf(players),
		),
		down: ops(
			schema.DropForeignKey{Table: "players", Name: "players_team_id_fkey"},
			dropTable("teams"),
			dropTable("players"),
		),
		planName: "initial",
	}, {
		name: "a cycle of three new tables leaves out one foreign key only",
		old:  db(nil, users()),
		new:  db(nil, users(), alpha, beta, gamma),
		up: changes(
			createTable(ring("alpha", "beta", false)),
			createTable(gamma),
			createTable(beta),
			fkOf(alpha),
		),
		down: ops(
			schema.DropForeignKey{Table: "alpha", Name: "alpha_beta_id_fkey"},
			dropTable("beta"),
			dropTable("gamma"),
			dropTable("alpha"),
		),
		planName: "create_alpha_and_more",
	}, {
		name: "a cycle of two dropped tables drops one foreign key first",
		old:  db(nil, users(), players, teams),
		new:  db(nil, users()),
		up: changes(
			schema.DropForeignKey{Table: "teams", Name: "teams_captain_id_fkey"},
			guarded(dropTable("players"), "drops table players and all its rows"),
			guarded(dropTable("teams"), "drops table teams and all its rows"),
		),
		down: ops(
			createTable(teamsAlone),
			createTable(players),
			fkOf(teams),
		),
		planName: "drop_players_and_more",
	}, {
		name: "a cycle of three dropped tables drops one foreign key first",
		old:  db(nil, alpha, beta, gamma, users()),
		new:  db(nil, users()),
		up: changes(
			schema.DropForeignKey{Table: "gamma", Name: "gamma_alpha_id_fkey"},
			guarded(dropTable("alpha"), "drops table alpha and all its rows"),
			guarded(dropTable("beta"), "drops table beta and all its rows"),
			guarded(dropTable("gamma"), "drops table gamma and all its rows"),
		),
		down: ops(
			createTable(ring("gamma", "alpha", false)),
			createTable(beta),
			createTable(alpha),
			fkOf(gamma),
		),
	}, {
		name:     "a new table that references itself keeps its foreign key inline",
		old:      &schema.Schema{},
		new:      db(nil, nodes),
		up:       changes(createTable(nodes)),
		down:     ops(dropTable("nodes")),
		planName: "initial",
	}, {
		name: "a new table that references a unique index of its own adds the foreign key after it",
		old:  db(nil, users()),
		new:  db(nil, users(), codes(true)),
		up: changes(
			createTable(codes(false)),
			fkOf(codes(true)),
		),
		down: ops(
			schema.DropForeignKey{Table: "codes", Name: "codes_parent_code_fkey"},
			dropTable("codes"),
		),
		planName: "create_codes",
	}, {
		name: "a dropped table that references a unique index of its own drops the foreign key first",
		old:  db(nil, users(), codes(true)),
		new:  db(nil, users()),
		up: changes(
			schema.DropForeignKey{Table: "codes", Name: "codes_parent_code_fkey"},
			guarded(dropTable("codes"), "drops table codes and all its rows"),
		),
		down: ops(
			createTable(codes(false)),
			fkOf(codes(true)),
		),
		planName: "drop_codes",
	}, {
		name:     "a dropped table that references itself is simply dropped",
		old:      db(nil, users(), nodes),
		new:      db(nil, users()),
		up:       changes(guarded(dropTable("nodes"), "drops table nodes and all its rows")),
		down:     ops(createTable(nodes)),
		planName: "drop_nodes",
	}}
}

func TestCompareColumns(t *testing.T) { runPlanCases(t, columnCases()) }

func columnCases() []planCase {
	orgs := table("orgs", idCol(), col("name", Text))
	members := table("members", idCol(), col("email", Text), col("org_id", Int64)).
		index("members_org_id_idx", "org_id").
		unique("members_email_key", "email").
		fk("members_org_id_fkey", "org_id", "orgs", schema.Cascade)
	bio := null(col("bio", Text))
	age := col("age", Int32)
	status := withDefault(enumCol("status", "status"), "'active'")
	statusEnum := enum("status", "active", "banned")
	const notNullReason = `existing rows have no value for it: give it a default (strata:"default=..."), make it a pointer, or use --force if the table is empty`

	return []planCase{{
		name:     "a nullable column is added to a kept table without a guard",
		old:      db(nil, users()),
		new:      db(nil, table("users", idCol(), bio, col("email", Text))),
		up:       changes(schema.AddColumn{Table: "users", Column: bio}),
		down:     ops(schema.DropColumn{Table: "users", Column: "bio"}),
		planName: "add_users_bio",
	}, {
		name: "a NOT NULL column without a default on a kept table is guarded",
		old:  db(nil, users()),
		new:  db(nil, table("users", idCol(), col("email", Text), age)),
		up: changes(guarded(schema.AddColumn{Table: "users", Column: age},
			"column users.age is NOT NULL without a default, so "+notNullReason)),
		down:     ops(schema.DropColumn{Table: "users", Column: "age"}),
		planName: "add_users_age",
	}, {
		name:     "a NOT NULL column with a default is not guarded",
		old:      db(nil, users()),
		new:      db(nil, table("users", idCol(), col("email", Text), withDefault(age, "0"))),
		up:       changes(schema.AddColumn{Table: "users", Column: withDefault(age, "0")}),
		down:     ops(schema.DropColumn{Table: "users", Column: "age"}),
		planName: "add_users_age",
	}, {
		name: "columns are added in model order, after the dropped ones go",
		old:  db(nil, table("users", idCol(), col("email", Text), bio)),
		new:  db(nil, table("users", null(col("zip", Int32)), idCol(), withDefault(col("city", Text), "''"), col("email", Text))),
		up: changes(
			guarded(schema.DropColumn{Table: "users", Column: "bio"}, "drops column users.bio and its data"),
			schema.AddColumn{Table: "users", Column: null(col("zip", Int32))},
			schema.AddColumn{Table: "users", Column: withDefault(col("city", Text), "''")},
		),
		down: ops(
			schema.DropColumn{Table: "users", Column: "city"},
			schema.DropColumn{Table: "users", Column: "zip"},
			schema.AddColumn{Table: "users", Column: bio},
		),
		planName: "drop_users_bio_and_more",
	}, {
		name: "a dropped column loses its foreign key, index and unique constraint first",
		old:  db(nil, orgs, members),
		new:  db(nil, orgs, table("members", idCol())),
		up: changes(
			guarded(schema.DropForeignKey{Table: "members", Name: "members_org_id_fkey"},
				"drops foreign key members_org_id_fkey: the database stops checking members.org_id against orgs.id"),
			schema.DropIndex{Table: "members", Name: "members_org_id_idx"},
			schema.DropUnique{Table: "members", Name: "members_email_key"},
			guarded(schema.DropColumn{Table: "members", Column: "email"}, "drops column members.email and its data"),
			guarded(schema.DropColumn{Table: "members", Column: "org_id"}, "drops column members.org_id and its data"),
		),
		down: ops(
			schema.AddColumn{Table: "members", Column: withDefault(col("org_id", Int64), "0")},
			schema.AlterColumn{Table: "members", Column: col("org_id", Int64)},
			schema.AddColumn{Table: "members", Column: withDefault(col("email", Text), "''")},
			schema.AlterColumn{Table: "members", Column: col("email", Text)},
			schema.AddUnique{Table: "members", Unique: members.T().Uniques[0]},
			schema.CreateIndex{Table: "members", Index: members.T().Indexes[0]},
			schema.AddForeignKey{Table: "members", ForeignKey: members.T().ForeignKeys[0]},
		),
		planName: "drop_members_email_and_more",
	}, {
		name: "a column of a new enum type creates the type first",
		old:  db(nil, users()),
		new:  db(enums(statusEnum), table("users", idCol(), col("email", Text), status)),
		up: changes(
			schema.CreateEnum{Enum: statusEnum},
			schema.AddColumn{Table: "users", Column: status},
		),
		down: ops(
			schema.DropColumn{Table: "users", Column: "status"},
			schema.DropEnum{Name: "status"},
		),
		planName: "add_users_status",
	}, {
		name: "an enum type no column uses any more is dropped last",
		old:  db(enums(statusEnum), table("users", idCol(), col("email", Text), status)),
		new:  db(nil, users()),
		up: changes(
			guarded(schema.DropColumn{Table: "users", Column: "status"}, "drops column users.status and its data"),
			schema.DropEnum{Name: "status"},
		),
		down: ops(
			schema.CreateEnum{Enum: statusEnum},
			schema.AddColumn{Table: "users", Column: status},
		),
		planName: "drop_users_status",
	}, {
		name: "a dropped and an added column of one definition warn about renamed_from",
		old:  db(nil, table("users", idCol(), bio)),
		new:  db(nil, table("users", idCol(), null(col("about", Text)))),
		up: changes(
			guarded(schema.DropColumn{Table: "users", Column: "bio"}, "drops column users.bio and its data"),
			schema.AddColumn{Table: "users", Column: null(col("about", Text))},
		),
		down: ops(
			schema.DropColumn{Table: "users", Column: "about"},
			schema.AddColumn{Table: "users", Column: bio},
		),
		warnings: []string{`column users.about looks like users.bio renamed (same definition): ` +
			`this plan drops users.bio and its data and adds users.about empty; ` +
			`if it is a rename, give the field strata:"renamed_from=bio"`},
	}, {
		name: "a dropped and a created table of the same columns warn about renamed_from",
		old:  db(nil, table("people", idCol(), col("email", Text))),
		new:  db(nil, users()),
		up: changes(
			guarded(dropTable("people"), "drops table people and all its rows"),
			createTable(users()),
		),
		down: ops(dropTable("users"), createTable(table("people", idCol(), col("email", Text)))),
		warnings: []string{`table users looks like table people renamed (same columns): ` +
			`this plan drops people and its rows and creates users empty; ` +
			`if it is a rename, write //strata:table users renamed_from=people`},
	}}
}

func TestCompareConstraints(t *testing.T) { runPlanCases(t, constraintCases()) }

func constraintCases() []planCase {
	people := func() *tb {
		return table("people", idCol(), col("first", Text), col("last", Text), null(col("email", Text)))
	}
	oldIndex := schema.Index{Name: "people_email_idx", Columns: []string{"email"}}
	newIndex := schema.Index{Name: "people_email_idx", Columns: []string{"email"}, Unique: true, Where: "email IS NOT NULL"}
	oldUnique := schema.Unique{Name: "people_name_key", Columns: []string{"first"}}
	newUnique := schema.Unique{Name: "people_name_key", Columns: []string{"first", "last"}}

	plainFK := posts()
	cascadeFK := table("posts", idCol(), col("user_id", Int64)).fk("posts_user_id_fkey", "user_id", "users", schema.Cascade)
	cascadeBoth := cascadeFK.T()
	cascadeBoth.ForeignKeys[0].OnUpdate = schema.Cascade
	fkOf := func(t schema.Table) schema.ForeignKey { return t.ForeignKeys[0] }
	noFK := table("posts", idCol(), col("user_id", Int64))
	const dropReason = "drops foreign key posts_user_id_fkey: the database stops checking posts.user_id against users.id"
	const cascadeReason = "adds ON DELETE CASCADE to an existing relation: deleting a row of users will delete the rows of posts that reference it"

	return []planCase{{
		name: "an index whose definition changed under its name is dropped, then created",
		old:  db(nil, people().index("people_email_idx", "email")),
		new:  db(nil, people().uniqueIndex("people_email_idx", "email IS NOT NULL", "email")),
		up: changes(
			schema.DropIndex{Table: "people", Name: "people_email_idx"},
			schema.CreateIndex{Table: "people", Index: newIndex},
		),
		down: ops(
			schema.DropIndex{Table: "people", Name: "people_email_idx"},
			schema.CreateIndex{Table: "people", Index: oldIndex},
		),
		planName: "add_people_email_idx",
	}, {
		name: "a unique constraint whose columns changed is dropped, then added",
		old:  db(nil, people().unique("people_name_key", "first")),
		new:  db(nil, people().unique("people_name_key", "first", "last")),
		up: changes(
			schema.DropUnique{Table: "people", Name: "people_name_key"},
			schema.AddUnique{Table: "people", Unique: newUnique},
		),
		down: ops(
			schema.DropUnique{Table: "people", Name: "people_name_key"},
			schema.AddUnique{Table: "people", Unique: oldUnique},
		),
		planName: "add_people_name_key",
	}, {
		name:     "a new index on existing columns is created",
		old:      db(nil, people()),
		new:      db(nil, people().index("people_email_idx", "email")),
		up:       changes(schema.CreateIndex{Table: "people", Index: oldIndex}),
		down:     ops(schema.DropIndex{Table: "people", Name: "people_email_idx"}),
		planName: "add_people_email_idx",
	}, {
		name: "a foreign key dropped from a kept table is guarded",
		old:  db(nil, users(), plainFK),
		new:  db(nil, users(), noFK),
		up: changes(
			guarded(schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"}, dropReason),
		),
		down:     ops(schema.AddForeignKey{Table: "posts", ForeignKey: fkOf(plainFK.T())}),
		planName: "drop_posts_user_id_fkey",
	}, {
		name: "a foreign key with ON DELETE CASCADE added to a kept table is guarded",
		old:  db(nil, users(), noFK),
		new:  db(nil, users(), cascadeFK),
		up: changes(
			guarded(schema.AddForeignKey{Table: "posts", ForeignKey: fkOf(cascadeFK.T())}, cascadeReason),
		),
		down:     ops(schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"}),
		planName: "add_posts_user_id_fkey",
	}, {
		name: "a foreign key that starts cascading is dropped and added, both guarded",
		old:  db(nil, users(), plainFK),
		new:  db(nil, users(), cascadeFK),
		up: changes(
			guarded(schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"}, dropReason),
			guarded(schema.AddForeignKey{Table: "posts", ForeignKey: fkOf(cascadeFK.T())}, cascadeReason),
		),
		down: ops(
			schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"},
			schema.AddForeignKey{Table: "posts", ForeignKey: fkOf(plainFK.T())},
		),
		planName: "add_posts_user_id_fkey",
	}, {
		name: "a foreign key that cascaded already adds no cascade when it changes",
		old:  db(nil, users(), cascadeFK),
		new:  &schema.Schema{Tables: []schema.Table{cascadeBoth, users().T()}},
		up: changes(
			guarded(schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"}, dropReason),
			schema.AddForeignKey{Table: "posts", ForeignKey: fkOf(cascadeBoth)},
		),
		down: ops(
			schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"},
			schema.AddForeignKey{Table: "posts", ForeignKey: fkOf(cascadeFK.T())},
		),
		planName: "add_posts_user_id_fkey",
	}}
}

// TestCompareForeignKeysOnKeys covers foreign keys that reference a unique
// constraint rather than a primary key: a new table's waits for a key a kept
// table only gets in step 6, and one whose key goes away must go first.
func TestCompareForeignKeysOnKeys(t *testing.T) { runPlanCases(t, keyCases()) }

func keyCases() []planCase {
	code := col("code", Text)
	usersWithCode := table("users", idCol(), code).unique("users_code_key", "code")
	invites := table("invites", idCol(), col("code", Text)).fkTo("invites_code_fkey", "code", "users", "code")
	return []planCase{{
		name: "a new table referencing a column added to a kept table gets its foreign key last",
		old:  db(nil, table("users", idCol())),
		new:  db(nil, usersWithCode, invites),
		up: changes(
			createTable(table("invites", idCol(), col("code", Text))),
			guarded(schema.AddColumn{Table: "users", Column: code},
				`column users.code is NOT NULL without a default, so existing rows have no value for it: `+
					`give it a default (strata:"default=..."), make it a pointer, or use --force if the table is empty`),
			schema.AddUnique{Table: "users", Unique: usersWithCode.T().Uniques[0]},
			schema.AddForeignKey{Table: "invites", ForeignKey: invites.T().ForeignKeys[0]},
		),
		down: ops(
			schema.DropForeignKey{Table: "invites", Name: "invites_code_fkey"},
			schema.DropUnique{Table: "users", Name: "users_code_key"},
			schema.DropColumn{Table: "users", Column: "code"},
			dropTable("invites"),
		),
		planName: "create_invites_and_more",
	}, {
		name:     "a new table referencing an existing unique column keeps its foreign key inline",
		old:      db(nil, usersWithCode),
		new:      db(nil, usersWithCode, invites),
		up:       changes(createTable(invites)),
		down:     ops(dropTable("invites")),
		planName: "create_invites",
	}, {
		name: "a foreign key whose key is renamed keeps it: the key is renamed under it",
		old:  db(nil, usersWithCode, invites),
		new:  db(nil, table("users", idCol(), code).unique("users_code_uniq", "code"), invites),
		up: changes(
			schema.RenameConstraint{Table: "users", From: "users_code_key", To: "users_code_uniq"},
		),
		down: ops(
			schema.RenameConstraint{Table: "users", From: "users_code_uniq", To: "users_code_key"},
		),
		planName: "rename_users_code_key_to_users_code_uniq",
	}, {
		name: "a foreign key whose key becomes a unique index is dropped before it and added back after, unguarded",
		old:  db(nil, usersWithCode, invites),
		new:  db(nil, table("users", idCol(), code).uniqueIndex("users_code_uniq", "", "code"), invites),
		up: changes(
			schema.DropForeignKey{Table: "invites", Name: "invites_code_fkey"},
			schema.DropUnique{Table: "users", Name: "users_code_key"},
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_code_uniq", Columns: []string{"code"}, Unique: true}},
			schema.AddForeignKey{Table: "invites", ForeignKey: invites.T().ForeignKeys[0]},
		),
		down: ops(
			schema.DropForeignKey{Table: "invites", Name: "invites_code_fkey"},
			schema.DropIndex{Table: "users", Name: "users_code_uniq"},
			schema.AddUnique{Table: "users", Unique: usersWithCode.T().Uniques[0]},
			schema.AddForeignKey{Table: "invites", ForeignKey: invites.T().ForeignKeys[0]},
		),
		planName: "drop_users_code_key_and_more",
	}, {
		name: "a dropped table's foreign key to a key that goes away is dropped before the key",
		old:  db(nil, usersWithCode, invites),
		new:  db(nil, table("users", idCol(), code)),
		up: changes(
			schema.DropForeignKey{Table: "invites", Name: "invites_code_fkey"},
			schema.DropUnique{Table: "users", Name: "users_code_key"},
			guarded(dropTable("invites"), "drops table invites and all its rows"),
		),
		down: ops(
			createTable(table("invites", idCol(), col("code", Text))),
			schema.AddUnique{Table: "users", Unique: usersWithCode.T().Uniques[0]},
			schema.AddForeignKey{Table: "invites", ForeignKey: invites.T().ForeignKeys[0]},
		),
		planName: "drop_users_code_key_and_more",
	}}
}

// TestCompareOrder checks the eight steps of the Up in plans that need
// them.
func TestCompareOrder(t *testing.T) { runPlanCases(t, orderCases()) }

func orderCases() []planCase {
	mood := enum("mood", "calm", "angry")
	role := enum("role", "member", "admin")
	roleCol := withDefault(enumCol("role", "role"), "'member'")
	orgID := null(col("org_id", Int64))
	legacy := null(col("legacy", Text))

	oldUsers := table("users", idCol(), col("email", Text), enumCol("mood", "mood"), legacy).
		index("users_legacy_idx", "legacy").unique("users_email_key", "email")
	oldPosts := table("posts", idCol(), col("user_id", Int64), col("title", Text)).
		fk("posts_user_id_fkey", "user_id", "users", "").index("posts_title_idx", "title")
	logs := table("logs", idCol(), col("post_id", Int64)).fk("logs_post_id_fkey", "post_id", "posts", "")

	newUsers := table("users", idCol(), col("email", Text), roleCol).
		unique("users_email_key", "email").index("users_email_idx", "email")
	newPosts := table("posts", idCol(), col("user_id", Int64), col("title", Text), orgID).
		fk("posts_user_id_fkey", "user_id", "users", schema.Cascade).
		fk("posts_org_id_fkey", "org_id", "orgs", "").
		uniqueIndex("posts_title_idx", "", "title")
	orgs := table("orgs", idCol(), col("name", Text))

	fk := func(b *tb, name string) schema.ForeignKey { t := b.T(); return *t.ForeignKey(name) }
	ix := func(b *tb, name string) schema.Index { t := b.T(); return *t.Index(name) }

	return []planCase{{
		name: "a plan that needs every step runs them in the documented order",
		old:  db(enums(mood), oldUsers, oldPosts, logs),
		new:  db(enums(role), newUsers, newPosts, orgs),
		up: changes(
			guarded(schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"},
				"drops foreign key posts_user_id_fkey: the database stops checking posts.user_id against users.id"),
			schema.DropIndex{Table: "posts", Name: "posts_title_idx"},
			schema.DropIndex{Table: "users", Name: "users_legacy_idx"},
			schema.CreateEnum{Enum: role},
			guarded(dropTable("logs"), "drops table logs and all its rows"),
			createTable(orgs),
			guarded(schema.DropColumn{Table: "users", Column: "mood"}, "drops column users.mood and its data"),
			guarded(schema.DropColumn{Table: "users", Column: "legacy"}, "drops column users.legacy and its data"),
			schema.AddColumn{Table: "posts", Column: orgID},
			schema.AddColumn{Table: "users", Column: roleCol},
			schema.CreateIndex{Table: "posts", Index: ix(newPosts, "posts_title_idx")},
			schema.CreateIndex{Table: "users", Index: ix(newUsers, "users_email_idx")},
			schema.AddForeignKey{Table: "posts", ForeignKey: fk(newPosts, "posts_org_id_fkey")},
			guarded(schema.AddForeignKey{Table: "posts", ForeignKey: fk(newPosts, "posts_user_id_fkey")},
				"adds ON DELETE CASCADE to an existing relation: deleting a row of users will delete the rows of posts that reference it"),
			schema.DropEnum{Name: "mood"},
		),
		down: ops(
			schema.CreateEnum{Enum: mood},
			schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"},
			schema.DropForeignKey{Table: "posts", Name: "posts_org_id_fkey"},
			schema.DropIndex{Table: "users", Name: "users_email_idx"},
			schema.DropIndex{Table: "posts", Name: "posts_title_idx"},
			schema.DropColumn{Table: "users", Column: "role"},
			schema.DropColumn{Table: "posts", Column: "org_id"},
			schema.AddColumn{Table: "users", Column: legacy},
			schema.AddColumn{Table: "users", Column: withDefault(enumCol("mood", "mood"), "'calm'")},
			schema.AlterColumn{Table: "users", Column: enumCol("mood", "mood")},
			dropTable("orgs"),
			createTable(logs),
			schema.DropEnum{Name: "role"},
			schema.CreateIndex{Table: "users", Index: ix(oldUsers, "users_legacy_idx")},
			schema.CreateIndex{Table: "posts", Index: ix(oldPosts, "posts_title_idx")},
			schema.AddForeignKey{Table: "posts", ForeignKey: fk(oldPosts, "posts_user_id_fkey")},
		),
		planName: "drop_logs_and_more",
	}, renameOrderCase()}
}
