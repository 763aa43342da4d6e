package dialecttest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// InPlaceRenderer is a dialect that renders against a schema it may
// change, leaving it as the operations leave it.
type InPlaceRenderer interface {
	dialect.Dialect
	RenderInPlace(s *schema.Schema, ops []schema.Operation) ([]dialect.Step, error)
}

// history is a run of migrations touching every kind of operation, each
// fitting the schema the ones before it leave.
var history = [][]schema.Operation{
	{
		schema.CreateEnum{Enum: schema.Enum{Name: "status", Values: []string{"active", "banned"}}},
		schema.CreateTable{Table: schema.Table{Name: "orgs", Columns: []schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
			{Name: "name", Type: schema.Type{Kind: schema.Text}},
		}, PrimaryKey: []string{"id"}}},
		schema.CreateTable{Table: schema.Table{Name: "users", Columns: []schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
			{Name: "org_id", Type: schema.Type{Kind: schema.Int64}},
			{Name: "email", Type: schema.Type{Kind: schema.Text}},
			{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "status"}, Default: "'active'"},
			{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
		}, PrimaryKey: []string{"id"},
			Indexes:     []schema.Index{{Name: "users_org_id_idx", Columns: []string{"org_id"}}},
			ForeignKeys: []schema.ForeignKey{{Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.Cascade}},
		}},
	},
	{
		schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true}},
		schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_idx", Columns: []string{"email"}}},
		schema.AddUnique{Table: "orgs", Unique: schema.Unique{Name: "orgs_name_key", Columns: []string{"name"}}},
		schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_email_check", Expr: "email <> ''"}},
	},
	{
		schema.RenameTable{From: "orgs", To: "companies"},
		schema.RenameColumn{Table: "users", From: "org_id", To: "company_id"},
		schema.RenameIndex{Table: "users", From: "users_org_id_idx", To: "users_company_id_idx"},
		schema.RenameConstraint{Table: "users", From: "users_org_id_fkey", To: "users_company_id_fkey"},
		schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}}},
		schema.RunSQL{SQL: "SELECT 1"},
	},
	{
		schema.AlterEnum{Name: "status", Values: []string{"active", "banned", "gone"}},
		schema.RenameEnumValue{Enum: "status", From: "banned", To: "blocked"},
		schema.DropCheck{Table: "users", Name: "users_email_check"},
		schema.DropUnique{Table: "companies", Name: "orgs_name_key"},
		schema.DropIndex{Table: "users", Name: "users_email_idx"},
		schema.DropColumn{Table: "users", Column: "bio"},
	},
	{
		schema.DropForeignKey{Table: "users", Name: "users_company_id_fkey"},
		schema.DropTable{Name: "companies"},
		schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{Name: "users_self_fkey", Columns: []string{"company_id"}, RefTable: "users", RefColumns: []string{"id"}}},
	},
	{
		schema.DropForeignKey{Table: "users", Name: "users_self_fkey"},
		schema.AlterColumn{Table: "users", Column: schema.Column{Name: "id", Type: schema.Type{Kind: schema.Int64}}},
		schema.AlterPrimaryKey{Table: "users", Old: []string{"id"}, New: []string{"email", "id"}},
	},
	{
		schema.DropTable{Name: "users"},
		schema.DropEnum{Name: "status"},
	},
}

// RenderInPlaceLeavesWhatApplyAllLeaves renders a history of migrations
// touching every kind of operation with d, each migration against the
// schema the one before left, in place, and checks that each leaves the
// schema [schema.Schema.ApplyAll] makes, and the steps [dialect.Dialect.Render]
// renders against a copy, which it leaves as it was.
func RenderInPlaceLeavesWhatApplyAllLeaves(t *testing.T, d InPlaceRenderer) {
	t.Helper()
	inPlace, replayed := &schema.Schema{}, &schema.Schema{}
	for k, ops := range history {
		before := replayed.Clone()
		want, err := d.Render(replayed, ops)
		if err != nil {
			t.Fatalf("migration %d: Render: %v", k+1, err)
		}
		if diff := cmp.Diff(before, replayed); diff != "" {
			t.Fatalf("migration %d: Render changed the schema it was given (-before +after):\n%s", k+1, diff)
		}
		got, err := d.RenderInPlace(inPlace, ops)
		if err != nil {
			t.Fatalf("migration %d: RenderInPlace: %v", k+1, err)
		}
		if diff := cmp.Diff(stepsSQL(want), stepsSQL(got)); diff != "" {
			t.Errorf("migration %d: RenderInPlace's steps differ from Render's (-Render +RenderInPlace):\n%s", k+1, diff)
		}
		if err := replayed.ApplyAll(ops); err != nil {
			t.Fatalf("migration %d: ApplyAll: %v", k+1, err)
		}
		if diff := cmp.Diff(replayed, inPlace); diff != "" {
			t.Errorf("migration %d: RenderInPlace left a schema other than ApplyAll's (-ApplyAll +RenderInPlace):\n%s", k+1, diff)
		}
	}
}

// stepsSQL returns the SQL of steps, with "-- Go step" for a step of Go.
func stepsSQL(steps []dialect.Step) []string {
	texts := make([]string, len(steps))
	for i, st := range steps {
		texts[i] = st.SQL
		if st.Go != nil {
			texts[i] = "-- Go step"
		}
	}
	return texts
}
