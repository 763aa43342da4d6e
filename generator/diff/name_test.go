package diff

import (
	"regexp"
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func TestPlanName(t *testing.T) {
	long := "a_table_with_a_really_long_name_for_the_test"
	tests := []struct {
		name string
		plan *Plan
		want string
	}{{
		name: "an empty plan is called empty",
		plan: &Plan{},
		want: "empty",
	}, {
		name: "a hand-built plan of one change is named after it",
		plan: &Plan{Up: changes(schema.AddColumn{Table: "users", Column: col("bio", Text)})},
		want: "add_users_bio",
	}, {
		name: "a hand-built plan of two changes is named after the first, and more",
		plan: &Plan{Up: changes(schema.AddColumn{Table: "users", Column: col("bio", Text)}, dropTable("posts"))},
		want: "add_users_bio_and_more",
	}, {
		name: "a long name is cut to 40 bytes at the end of a word",
		plan: &Plan{Up: changes(schema.AddColumn{Table: long, Column: col("some_column", Text)})},
		want: "add_a_table_with_a_really_long_name_for",
	}, {
		name: "a long name with more is cut to 40 bytes with its suffix, at the end of a word",
		plan: &Plan{Up: changes(createTable(table(long)), createTable(table("b")))},
		want: "create_a_table_with_a_really_and_more",
	}, {
		name: "a rename with more keeps whole words",
		plan: &Plan{Up: changes(schema.RenameTable{From: "reviews", To: "product_reviews"}, dropTable("posts"))},
		want: "rename_reviews_to_product_and_more",
	}, {
		name: "a single word longer than the limit is cut inside it",
		plan: &Plan{Up: changes(dropTable("averyveryveryveryveryveryveryverylongtablename"))},
		want: "drop_averyveryveryveryveryveryveryverylo",
	}, {
		name: "letters outside a-z become underscores and capitals lowercase",
		plan: &Plan{Up: changes(schema.AddColumn{Table: "Café Users", Column: col("Bio-Text", Text)})},
		want: "add_caf_users_bio_text",
	}, {
		name: "a hand-written SQL step is named run_sql",
		plan: &Plan{Up: changes(schema.RunSQL{SQL: "SELECT 1"})},
		want: "run_sql",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.plan.Name()
			if got != tc.want {
				t.Errorf("Name() = %q, want %q", got, tc.want)
			}
			checkName(t, got)
		})
	}
}

func TestPlanNameSkipsChangesThatFollowFromOthers(t *testing.T) {
	statusEnum := enum("status", "a", "b")
	tests := []struct {
		name     string
		old, new *schema.Schema
		hints    Hints
		want     string
	}{{
		name: "a column added with its index and enum type is named after the column",
		old:  db(nil, users()),
		new:  db(enums(statusEnum), table("users", idCol(), col("email", Text), null(enumCol("status", "status"))).index("users_status_idx", "status")),
		want: "add_users_status",
	}, {
		name: "a column dropped with its unique constraint is named after the column",
		old:  db(nil, users().unique("users_email_key", "email")),
		new:  db(nil, table("users", idCol())),
		want: "drop_users_email",
	}, {
		name: "a table dropped with the foreign keys that reference it is named after the table",
		old:  db(nil, users(), posts()),
		new:  db(nil, table("posts", idCol(), col("user_id", Int64))),
		want: "drop_users",
	}, {
		name: "two new tables in a cycle are created and more",
		old:  db(nil, users()),
		new: db(nil, users(),
			table("a", idCol(), col("b_id", Int64)).fk("a_b_id_fkey", "b_id", "b", ""),
			table("b", idCol(), col("a_id", Int64)).fk("b_a_id_fkey", "a_id", "a", "")),
		want: "create_a_and_more",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Compare(tc.old, tc.new, tc.hints)
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Name(); got != tc.want {
				t.Errorf("Name() = %q, want %q", got, tc.want)
			}
		})
	}
}

var nameRE = regexp.MustCompile(`^[a-z0-9_]+$`)

// checkName fails t unless name is a valid migration name.
func checkName(t *testing.T, name string) {
	t.Helper()
	if !nameRE.MatchString(name) || len(name) > maxNameLen {
		t.Errorf("Name() = %q: want at most %d bytes of [a-z0-9_]", name, maxNameLen)
	}
}
