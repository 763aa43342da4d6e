package diff

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/strata-go/strata/runtime/schema"
)

func TestCompareUnsupported(t *testing.T) {
	oldUsers := table("users", idCol(), col("email", Text), null(col("name", Text)), enumCol("status", "status")).
		check("users_name_check", "name <> ''")
	newUsers := table("users", idCol(), schema.Column{Name: "email", Type: schema.Type{Kind: Text, Size: 320}},
		col("name", Text), enumCol("status", "status"), null(col("bio", Text))).
		pk("id", "email").check("users_name_check", "length(name) > 0")

	tests := []struct {
		name     string
		old, new *schema.Schema
		hints    Hints
		want     []string
	}{{
		name: "every unsupported change is listed, and supported ones do not save the plan",
		old:  db(enums(enum("status", "active", "banned"), enum("mood", "calm")), oldUsers),
		new:  db(enums(enum("status", "active", "banned", "deleted"), enum("mood", "angry")), newUsers),
		want: []string{
			"users: primary key changes from (id) to (id, email)",
		},
	}, {
		name:  "a renamed table's primary key is compared under its new name",
		old:   db(nil, table("people", idCol(), col("email", Text))),
		new:   db(nil, table("users", idCol(), col("email", Text)).pk("email")),
		hints: Hints{Renames: []Rename{{Table: "users", From: "people"}}},
		want:  []string{"users: primary key changes from (id) to (email)"},
	}, {
		name: "a table that loses its primary key is a change to none",
		old:  db(nil, table("t", idCol())),
		new:  db(nil, table("t", idCol()).pk()),
		want: []string{"t: primary key changes from (id) to (none)"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Compare(tc.old, tc.new, tc.hints)
			var unsupported *UnsupportedError
			if !errors.As(err, &unsupported) {
				t.Fatalf("Compare = %v, %v; want an *UnsupportedError", plan, err)
			}
			if plan != nil {
				t.Errorf("Compare returned a plan with its error: %+v", plan)
			}
			if diff := cmp.Diff(tc.want, unsupported.Changes); diff != "" {
				t.Errorf("Changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnsupportedErrorListsEachChangeOnItsLine(t *testing.T) {
	err := &UnsupportedError{Changes: []string{"users.email: type changes from text to varchar(320)", "users.bio: default changes from none to ''"}}
	want := "diff: this version of strata cannot generate these changes yet:\n" +
		"  users.email: type changes from text to varchar(320)\n" +
		"  users.bio: default changes from none to ''"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestCompareRejectsInconsistentSchemas(t *testing.T) {
	tests := []struct {
		name     string
		old, new *schema.Schema
		hints    Hints
		want     string
	}{{
		name: "a foreign key to a missing table in the new schema",
		old:  &schema.Schema{},
		new:  db(nil, posts()),
		want: "diff: new schema: table posts: foreign key posts_user_id_fkey references missing table users",
	}, {
		name: "an index on a missing column in the old schema",
		old:  db(nil, users().index("users_bio_idx", "bio")),
		new:  db(nil, users()),
		want: "diff: old schema: table users: index users_bio_idx uses missing column bio",
	}, {
		name: "an enum column whose type the schema lacks",
		old:  &schema.Schema{},
		new:  db(nil, table("t", idCol(), enumCol("v", "mood"))),
		want: `diff: new schema: table t: column v has enum type "mood", which the schema does not define`,
	}, {
		name: "an index and a unique constraint of one name",
		old:  &schema.Schema{},
		new:  db(nil, users().index("users_email", "email"), table("others", idCol(), col("email", Text)).unique("users_email", "email")),
		want: "diff: new schema: table users: index users_email has the name of an index or unique constraint of others",
	}, {
		name: "problems of several tables are all reported",
		old:  &schema.Schema{},
		new: db(nil, table("a", idCol()).pk("nope"),
			table("b", idCol(), col("x", Int64)).fkTo("b_x_fkey", "x", "a", "y")),
		want: "diff: new schema: table a: the primary key uses missing column nope; " +
			"table b: foreign key b_x_fkey references missing column a.y",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.old, tc.new, tc.hints)
			if err == nil {
				t.Fatal("Compare succeeded; want an error")
			}
			var unsupported *UnsupportedError
			if errors.As(err, &unsupported) {
				t.Errorf("Compare returned an *UnsupportedError for an inconsistent schema: %v", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestCompareLeavesItsInputsAlone(t *testing.T) {
	old := db(enums(enum("mood", "calm")), users().index("users_email_idx", "email"), posts(),
		table("moods", idCol(), enumCol("m", "mood")))
	new := db(nil, table("users", idCol(), null(col("bio", Text))), table("teams", idCol()))
	// Not in canonical order, so that Compare would sort them if it could.
	new.Tables[0], new.Tables[1] = new.Tables[1], new.Tables[0]
	oldCopy, newCopy := old.Clone(), new.Clone()
	first, err := Compare(old, new, Hints{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(oldCopy, old); diff != "" {
		t.Errorf("old changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(newCopy, new); diff != "" {
		t.Errorf("new changed (-before +after):\n%s", diff)
	}
	second, err := Compare(old, new, Hints{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second, cmp.AllowUnexported(Plan{})); diff != "" {
		t.Errorf("a second Compare gave another plan (-first +second):\n%s", diff)
	}
	// The plan shares no memory with the inputs.
	for _, c := range first.Up {
		if ct, ok := c.Op.(schema.CreateTable); ok {
			ct.Table.Columns[0].Name = "changed"
		}
	}
	if diff := cmp.Diff(newCopy, new); diff != "" {
		t.Errorf("changing the plan changed new (-before +after):\n%s", diff)
	}
	if !strings.Contains(first.Name(), "_and_more") {
		t.Errorf("Name() = %q, want a name with _and_more", first.Name())
	}
}
