package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/strata-go/strata/runtime/schema"
)

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
	}, {
		name: "a foreign key left on columns that the key moved away from",
		old:  db(nil, users(), posts()),
		new:  db(nil, users().pk("email"), posts()),
		want: "diff: new schema: table posts: foreign key posts_user_id_fkey references users(id), which is neither its primary key nor unique",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.old, tc.new, tc.hints)
			if err == nil {
				t.Fatal("Compare succeeded; want an error")
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
