package schema_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

// everyChange holds one operation of each type that changes a schema, each
// fitting withStatusDefault.
var everyChange = []schema.Operation{
	schema.CreateTable{Table: schema.Table{Name: "posts", Columns: []schema.Column{int64Col("id")}}},
	schema.DropTable{Name: "users"},
	schema.AddColumn{Table: "users", Column: int64Col("age")},
	schema.DropColumn{Table: "users", Column: "status"},
	schema.CreateIndex{Table: "users", Index: schema.Index{Name: "a_idx", Columns: []string{"status"}}},
	schema.DropIndex{Table: "users", Name: "users_org_id_idx"},
	schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_status_key", Columns: []string{"status"}}},
	schema.DropUnique{Table: "users", Name: "users_email_key"},
	schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{Name: "self_fkey", Columns: []string{"org_id"}, RefTable: "users", RefColumns: []string{"id"}}},
	schema.DropForeignKey{Table: "users", Name: "users_org_id_fkey"},
	schema.CreateEnum{Enum: schema.Enum{Name: "role", Values: []string{"a"}}},
	schema.RenameTable{From: "orgs", To: "companies"},
	schema.RenameColumn{Table: "orgs", From: "id", To: "org_id"},
	schema.RenameColumn{Table: "users", From: "org_id", To: "company_id"},
	schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}, Nullable: true}},
	schema.RenameIndex{Table: "users", From: "users_org_id_idx", To: "users_company_idx"},
	schema.RenameConstraint{Table: "users", From: "users_email_key", To: "users_mail_key"},
	schema.RenameConstraint{Table: "users", From: "users_org_id_fkey", To: "users_company_fkey"},
	schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_email_check", Expr: "email <> ''"}},
	schema.AlterEnum{Name: "status", Values: []string{"pending", "active", "banned"}},
	schema.RenameEnumValue{Enum: "status", From: "active", To: "on"},
	schema.AlterPrimaryKey{Table: "users", Old: []string{"id"}, New: []string{"id", "org_id"}},
}

func TestAForkAndItsSchemaNeverSeeEachOthersChanges(t *testing.T) {
	for _, op := range everyChange {
		t.Run(op.String(), func(t *testing.T) {
			s := withStatusDefault()
			s.Tables[1].Checks = []schema.Check{{Name: "users_id_check", Expr: "id > 0"}}
			want := s.Clone()

			fork := s.Fork()
			if err := op.Apply(fork); err != nil {
				t.Fatalf("%s on the fork: %v", op, err)
			}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Fatalf("%s on a fork changed the schema it was forked from (-want +got):\n%s", op, diff)
			}
			changed := fork.Clone()

			// The other way round, twice over: the schema changes after
			// the fork was made, and a second fork changes too.
			second := s.Fork()
			if err := op.Apply(s); err != nil {
				t.Fatalf("%s on the schema: %v", op, err)
			}
			if err := (schema.DropCheck{Table: "users", Name: "users_id_check"}).Apply(second); err != nil && op.String() != "drop table users" {
				t.Fatalf("drop check on a second fork: %v", err)
			}
			if diff := cmp.Diff(changed, fork); diff != "" {
				t.Errorf("%s on the schema, and a change of a second fork, changed the first fork (-want +got):\n%s", op, diff)
			}
			if diff := cmp.Diff(changed, s); diff != "" {
				t.Errorf("%s changed the schema and its fork differently (-fork +schema):\n%s", op, diff)
			}
		})
	}
}
