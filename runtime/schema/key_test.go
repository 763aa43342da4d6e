package schema_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

func TestAlterPrimaryKeyMovesTheKey(t *testing.T) {
	cases := []struct {
		name     string
		old, new []string
		want     []string
	}{
		{"a column joins the key", []string{"id"}, []string{"id", "org_id"}, []string{"id", "org_id"}},
		{"the key moves to another column", []string{"id"}, []string{"email"}, []string{"email"}},
		{"the table loses its key", []string{"id"}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			op := schema.AlterPrimaryKey{Table: "users", Old: tc.old, New: tc.new}
			if err := op.Apply(s); err != nil {
				t.Fatalf("%s: %v", op, err)
			}
			if diff := cmp.Diff(tc.want, s.Table("users").PrimaryKey); diff != "" {
				t.Errorf("the key (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAlterPrimaryKeyGivesATableWithoutOneItsKey(t *testing.T) {
	s := base()
	s.Table("orgs").PrimaryKey = nil
	if err := (schema.AlterPrimaryKey{Table: "orgs", New: []string{"id"}}).Apply(s); err != nil {
		t.Fatal(err)
	}
	if got := s.Table("orgs").PrimaryKey; !cmp.Equal(got, []string{"id"}) {
		t.Errorf("the key of orgs is %v, want [id]", got)
	}
}

func TestAlterPrimaryKeyThatDoesNotFitFailsAndChangesNothing(t *testing.T) {
	nullable := base()
	nullable.Tables[1].Columns = append(nullable.Tables[1].Columns, schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true})
	cases := []struct {
		name string
		s    *schema.Schema
		op   schema.AlterPrimaryKey
		want string
	}{
		{"a missing table", base(), schema.AlterPrimaryKey{Table: "posts", Old: []string{"id"}, New: []string{"x"}}, "no table posts"},
		{"an old key that is not the table's", base(), schema.AlterPrimaryKey{Table: "users", Old: []string{"email"}, New: []string{"id"}},
			"the primary key of users is (id), not (email)"},
		{"a missing column", base(), schema.AlterPrimaryKey{Table: "users", Old: []string{"id"}, New: []string{"id", "nope"}}, "no column nope"},
		{"a NULL-able column", nullable, schema.AlterPrimaryKey{Table: "users", Old: []string{"id"}, New: []string{"bio"}}, "users.bio is NULL-able"},
		{"a column named twice", base(), schema.AlterPrimaryKey{Table: "users", Old: []string{"id"}, New: []string{"id", "id"}}, "column id twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.s.Clone()
			err := tc.op.Apply(tc.s)
			if !errors.Is(err, schema.ErrNotFit) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: err %v, want ErrNotFit saying %q", tc.op, err, tc.want)
			}
			if diff := cmp.Diff(before, tc.s); diff != "" {
				t.Errorf("a failed %s changed the schema (-before +after):\n%s", tc.op, diff)
			}
		})
	}
}

func TestAlterPrimaryKeyEncodesItsTypeThenTableOldAndNew(t *testing.T) {
	// The checksums of applied migrations depend on these bytes.
	want := []byte{2, 15}
	want = append(want, "AlterPrimaryKey"...)
	want = append(want, 1, 't', 2, 1, 'a', 4, 1, 'a', 1, 'b')
	op := schema.AlterPrimaryKey{Table: "t", Old: []string{"a"}, New: []string{"a", "b"}}
	if got := schema.AppendEncoding(nil, "postgres", []schema.Operation{op}); !bytes.Equal(got, want) {
		t.Errorf("AppendEncoding(%+v) = %v, want %v", op, got, want)
	}
}
