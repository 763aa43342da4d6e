package schema_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func TestRenamesAndAlterationsChangeTheSchemaAsTheDatabase(t *testing.T) {
	cases := []struct {
		name  string
		op    schema.Operation
		check func(*schema.Schema) bool
	}{
		{"renaming a table moves the foreign keys that point at it",
			schema.RenameTable{From: "orgs", To: "companies"},
			func(s *schema.Schema) bool {
				return s.Table("orgs") == nil && s.Table("companies") != nil && s.Tables[0].Name == "companies" &&
					s.Table("users").ForeignKey("users_org_id_fkey").RefTable == "companies"
			}},
		{"renaming a column renames it in its keys, indexes and constraints",
			schema.RenameColumn{Table: "users", From: "org_id", To: "company_id"},
			func(s *schema.Schema) bool {
				u := s.Table("users")
				return u.Column("org_id") == nil && u.Column("company_id") != nil &&
					u.Indexes[0].Columns[0] == "company_id" && u.ForeignKeys[0].Columns[0] == "company_id"
			}},
		{"renaming a referenced column renames it in the foreign keys pointing at it",
			schema.RenameColumn{Table: "orgs", From: "id", To: "org_id"},
			func(s *schema.Schema) bool {
				return s.Table("orgs").PrimaryKey[0] == "org_id" && s.Table("users").ForeignKeys[0].RefColumns[0] == "org_id"
			}},
		{"altering a column replaces its definition in place",
			schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}, Nullable: true}},
			func(s *schema.Schema) bool {
				c := s.Table("users").Columns[3]
				return c.Name == "email" && c.Type.Size == 320 && c.Nullable
			}},
		{"renaming an index renames it",
			schema.RenameIndex{Table: "users", From: "users_org_id_idx", To: "users_company_idx"},
			func(s *schema.Schema) bool { return s.Table("users").Index("users_company_idx") != nil }},
		{"renaming a unique constraint renames it",
			schema.RenameConstraint{Table: "users", From: "users_email_key", To: "users_mail_key"},
			func(s *schema.Schema) bool { return s.Table("users").Unique("users_mail_key") != nil }},
		{"renaming a foreign key renames it",
			schema.RenameConstraint{Table: "users", From: "users_org_id_fkey", To: "users_company_fkey"},
			func(s *schema.Schema) bool { return s.Table("users").ForeignKey("users_company_fkey") != nil }},
		{"adding a check adds it",
			schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_email_check", Expr: "email <> ''"}},
			func(s *schema.Schema) bool { return s.Table("users").Check("users_email_check") != nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			if err := tc.op.Apply(s); err != nil {
				t.Fatalf("%s: %v", tc.op, err)
			}
			if !tc.check(s) {
				t.Errorf("after %s the schema is %+v", tc.op, s)
			}
		})
	}
}

func TestRenamesAndAlterationsThatDoNotFitFail(t *testing.T) {
	withCheck := func() *schema.Schema {
		s := base()
		s.Tables[1].Checks = []schema.Check{{Name: "users_c", Expr: "true"}}
		return s
	}
	cases := []struct {
		name string
		s    *schema.Schema
		op   schema.Operation
		want string
	}{
		{"renaming a missing table", base(), schema.RenameTable{From: "teams", To: "squads"}, "no table teams"},
		{"renaming a table onto another", base(), schema.RenameTable{From: "orgs", To: "users"}, "exists already"},
		{"renaming a missing column", base(), schema.RenameColumn{Table: "users", From: "nope", To: "x"}, "no column users.nope"},
		{"renaming a column onto another", base(), schema.RenameColumn{Table: "users", From: "email", To: "id"}, "exists already"},
		{"altering a missing column", base(), schema.AlterColumn{Table: "users", Column: int64Col("nope")}, "no column users.nope"},
		{"altering a column to a missing enum", base(), schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.EnumKind, Enum: "mood"}}}, "no enum mood"},
		{"renaming a missing index", base(), schema.RenameIndex{Table: "users", From: "x", To: "y"}, "no index x"},
		{"renaming an index onto a taken name", base(), schema.RenameIndex{Table: "users", From: "users_org_id_idx", To: "users_email_key"}, "exists already"},
		{"renaming a missing constraint", base(), schema.RenameConstraint{Table: "users", From: "x", To: "y"}, "no constraint x"},
		{"adding a check that exists", withCheck(), schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_c", Expr: "true"}}, "exists already"},
		{"adding an empty check", base(), schema.AddCheck{Table: "users", Check: schema.Check{Name: "c"}}, "no expression"},
		{"dropping a missing check", base(), schema.DropCheck{Table: "users", Name: "c"}, "no check c"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.op.Apply(tc.s)
			if !errors.Is(err, schema.ErrNotFit) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: err %v, want ErrNotFit saying %q", tc.op, err, tc.want)
			}
		})
	}
}
