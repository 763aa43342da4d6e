package schema_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

func int64Col(name string) schema.Column {
	return schema.Column{Name: name, Type: schema.Type{Kind: schema.Int64}}
}

// base is a small schema every case starts from: orgs, and users pointing
// at orgs.
func base() *schema.Schema {
	return &schema.Schema{
		Enums: []schema.Enum{{Name: "status", Values: []string{"active", "banned"}}},
		Tables: []schema.Table{
			{Name: "orgs", Columns: []schema.Column{int64Col("id")}, PrimaryKey: []string{"id"}},
			{
				Name: "users",
				Columns: []schema.Column{
					int64Col("id"), int64Col("org_id"),
					{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "status"}},
					{Name: "email", Type: schema.Type{Kind: schema.Text}},
				},
				PrimaryKey:  []string{"id"},
				Indexes:     []schema.Index{{Name: "users_org_id_idx", Columns: []string{"org_id"}}},
				Uniques:     []schema.Unique{{Name: "users_email_key", Columns: []string{"email"}}},
				ForeignKeys: []schema.ForeignKey{{Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}}},
			},
		},
	}
}

func TestOperationsChangeTheSchemaAsTheDatabase(t *testing.T) {
	cases := []struct {
		name  string
		op    schema.Operation
		check func(*schema.Schema) bool
	}{
		{"create table inserts it in name order", schema.CreateTable{Table: schema.Table{Name: "posts", Columns: []schema.Column{int64Col("id")}}},
			func(s *schema.Schema) bool { return s.Tables[1].Name == "posts" }},
		{"drop table removes it", schema.DropTable{Name: "orgs"},
			func(s *schema.Schema) bool { return s.Table("orgs") == nil && len(s.Tables) == 1 }},
		{"add column appends it", schema.AddColumn{Table: "users", Column: int64Col("age")},
			func(s *schema.Schema) bool { c := s.Table("users").Columns; return c[len(c)-1].Name == "age" }},
		{"drop column removes it", schema.DropColumn{Table: "users", Column: "status"},
			func(s *schema.Schema) bool { return s.Table("users").Column("status") == nil }},
		{"create index adds it", schema.CreateIndex{Table: "users", Index: schema.Index{Name: "a_idx", Columns: []string{"status"}}},
			func(s *schema.Schema) bool { return s.Table("users").Indexes[0].Name == "a_idx" }},
		{"drop index removes it", schema.DropIndex{Table: "users", Name: "users_org_id_idx"},
			func(s *schema.Schema) bool { return len(s.Table("users").Indexes) == 0 }},
		{"add unique adds it", schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_status_key", Columns: []string{"status"}}},
			func(s *schema.Schema) bool { return s.Table("users").Unique("users_status_key") != nil }},
		{"drop unique removes it", schema.DropUnique{Table: "users", Name: "users_email_key"},
			func(s *schema.Schema) bool { return s.Table("users").Unique("users_email_key") == nil }},
		{"add foreign key adds it", schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{Name: "self_fkey", Columns: []string{"org_id"}, RefTable: "users", RefColumns: []string{"id"}}},
			func(s *schema.Schema) bool { return s.Table("users").ForeignKey("self_fkey") != nil }},
		{"drop foreign key removes it", schema.DropForeignKey{Table: "users", Name: "users_org_id_fkey"},
			func(s *schema.Schema) bool { return len(s.Table("users").ForeignKeys) == 0 }},
		{"create enum adds it", schema.CreateEnum{Enum: schema.Enum{Name: "role", Values: []string{"a"}}},
			func(s *schema.Schema) bool { return s.Enum("role") != nil }},
		{"hand-written SQL changes nothing", schema.RunSQL{SQL: "SELECT 1"},
			func(s *schema.Schema) bool { return cmp.Equal(s, base()) }},
		{"hand-written Go changes nothing", schema.RunGo{},
			func(s *schema.Schema) bool { return cmp.Equal(s, base()) }},
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

func TestOperationsThatDoNotFitFailAndChangeNothing(t *testing.T) {
	cases := []struct {
		name string
		op   schema.Operation
		want string
	}{
		{"a table that exists", schema.CreateTable{Table: schema.Table{Name: "users"}}, "exists already"},
		{"dropping a missing table", schema.DropTable{Name: "posts"}, "no table posts"},
		{"a column that exists", schema.AddColumn{Table: "users", Column: int64Col("email")}, "exists already"},
		{"a column of a missing table", schema.AddColumn{Table: "posts", Column: int64Col("id")}, "no table posts"},
		{"dropping a column an index uses", schema.DropColumn{Table: "users", Column: "org_id"}, "still used by index users_org_id_idx"},
		{"dropping a primary key column", schema.DropColumn{Table: "users", Column: "id"}, "primary key"},
		{"dropping a column a unique constraint uses", schema.DropColumn{Table: "users", Column: "email"}, "unique constraint users_email_key"},
		{"an index on a missing column", schema.CreateIndex{Table: "users", Index: schema.Index{Name: "x", Columns: []string{"nope"}}}, "no column nope"},
		{"an index whose name is taken", schema.CreateIndex{Table: "orgs", Index: schema.Index{Name: "users_email_key", Columns: []string{"id"}}}, "exists already"},
		{"dropping a missing index", schema.DropIndex{Table: "users", Name: "x"}, "no index x"},
		{"a foreign key to a missing table", schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{Name: "f", Columns: []string{"org_id"}, RefTable: "teams", RefColumns: []string{"id"}}}, "no table teams"},
		{"a foreign key that exists", schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}}}, "exists already"},
		{"dropping a missing foreign key", schema.DropForeignKey{Table: "users", Name: "f"}, "no foreign key f"},
		{"dropping a missing unique constraint", schema.DropUnique{Table: "users", Name: "u"}, "no unique constraint u"},
		{"an enum that exists", schema.CreateEnum{Enum: schema.Enum{Name: "status"}}, "exists already"},
		{"dropping an enum a column uses", schema.DropEnum{Name: "status"}, "still used by column users.status"},
		{"dropping a missing enum", schema.DropEnum{Name: "role"}, "no enum role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			err := tc.op.Apply(s)
			if !errors.Is(err, schema.ErrNotFit) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: err %v, want ErrNotFit saying %q", tc.op, err, tc.want)
			}
			if diff := cmp.Diff(base(), s); diff != "" {
				t.Errorf("a failed %s changed the schema (-before +after):\n%s", tc.op, diff)
			}
		})
	}
}

func TestARunSQLAppliesWhatItDeclaresAllOrNothing(t *testing.T) {
	s := base()
	op := schema.RunSQL{
		SQL:      "ALTER TABLE orgs ADD name text; CREATE INDEX orgs_name_idx ON orgs (name)",
		Declares: []schema.Operation{schema.AddColumn{Table: "orgs", Column: int64Col("name")}, schema.CreateIndex{Table: "orgs", Index: schema.Index{Name: "orgs_name_idx", Columns: []string{"name"}}}},
	}
	if err := op.Apply(s); err != nil {
		t.Fatal(err)
	}
	if s.Table("orgs").Column("name") == nil || s.Table("orgs").Index("orgs_name_idx") == nil {
		t.Errorf("after %s, orgs is %+v", op, *s.Table("orgs"))
	}
	if got, want := op.String(), "run SQL (declares: add column orgs.name; create index orgs_name_idx on orgs)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, bad := range []struct {
		name string
		ops  []schema.Operation
		want string
	}{
		{"a second operation that does not fit", []schema.Operation{schema.AddColumn{Table: "orgs", Column: int64Col("x")}, schema.DropTable{Name: "posts"}}, "declared operation 2 (drop table posts)"},
		{"a RunSQL inside Declares", []schema.Operation{schema.RunSQL{SQL: "x"}}, "Declares holds schema operations only"},
		{"a nil operation", []schema.Operation{nil}, "declared operation 1 is nil"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			s := base()
			err := schema.RunSQL{SQL: "x", Declares: bad.ops}.Apply(s)
			if !errors.Is(err, schema.ErrNotFit) || !strings.Contains(err.Error(), bad.want) {
				t.Fatalf("err %v, want ErrNotFit saying %q", err, bad.want)
			}
			if diff := cmp.Diff(base(), s); diff != "" {
				t.Errorf("the failed RunSQL changed the schema (-before +after):\n%s", diff)
			}
		})
	}
}

func TestApplyAllNamesTheOperationThatFailed(t *testing.T) {
	s := base()
	err := s.ApplyAll([]schema.Operation{
		schema.AddColumn{Table: "orgs", Column: int64Col("name")},
		schema.DropTable{Name: "missing"},
	})
	if err == nil || !strings.Contains(err.Error(), "operation 2 (drop table missing)") {
		t.Fatalf("err %v, want one naming operation 2", err)
	}
	if s.Table("orgs").Column("name") == nil {
		t.Error("the operation before the failure was not applied")
	}
}

func TestCloneSharesNoMemory(t *testing.T) {
	s := base()
	s.Tables[1].Columns[0].Type.Custom = []schema.CustomType{{Dialect: "postgres", SQL: "int8"}}
	c := s.Clone()
	if diff := cmp.Diff(s, c); diff != "" {
		t.Fatalf("the clone differs (-original +clone):\n%s", diff)
	}
	c.Tables[1].Columns[0].Type.Custom[0].SQL = "changed"
	c.Tables[1].Indexes[0].Columns[0] = "changed"
	c.Tables[1].ForeignKeys[0].RefColumns[0] = "changed"
	c.Enums[0].Values[0] = "changed"
	if diff := cmp.Diff(base().Enums, s.Enums); diff != "" {
		t.Errorf("changing the clone changed the original's enums:\n%s", diff)
	}
	if got := s.Tables[1].Columns[0].Type.Custom[0].SQL; got != "int8" {
		t.Errorf("changing the clone changed the original's custom type to %q", got)
	}
	if s.Tables[1].Indexes[0].Columns[0] != "org_id" || s.Tables[1].ForeignKeys[0].RefColumns[0] != "id" {
		t.Error("changing the clone changed the original's index or foreign key")
	}
}

func TestNormalizeSortsByNameButKeepsColumnOrder(t *testing.T) {
	s := &schema.Schema{
		Enums: []schema.Enum{{Name: "b"}, {Name: "a"}},
		Tables: []schema.Table{
			{Name: "z", Columns: []schema.Column{int64Col("b"), int64Col("a")},
				Indexes: []schema.Index{{Name: "i2"}, {Name: "i1"}}, Checks: []schema.Check{{Name: "c2"}, {Name: "c1"}}},
			{Name: "y"},
		},
	}
	s.Normalize()
	got := []string{s.Enums[0].Name, s.Tables[0].Name, s.Tables[1].Columns[0].Name, s.Tables[1].Indexes[0].Name, s.Tables[1].Checks[0].Name}
	if want := []string{"a", "y", "b", "i1", "c1"}; !cmp.Equal(got, want) {
		t.Errorf("after Normalize: %v, want %v", got, want)
	}
}

func TestTheSQLOfActionsCustomTypesAndRunSQL(t *testing.T) {
	for action, want := range map[schema.Action]string{
		schema.NoAction: "NO ACTION", schema.Cascade: "CASCADE", schema.SetNull: "SET NULL",
		schema.SetDefault: "SET DEFAULT", schema.Restrict: "RESTRICT",
	} {
		if got := action.SQL(); got != want {
			t.Errorf("Action(%q).SQL() = %q, want %q", action, got, want)
		}
	}
	typ := schema.Type{Kind: schema.Text, Custom: []schema.CustomType{{SQL: "citext"}, {Dialect: "sqlite", SQL: "TEXT"}}}
	if got, ok := typ.CustomFor("sqlite"); got != "TEXT" || !ok {
		t.Errorf("CustomFor(sqlite) = %q, %v", got, ok)
	}
	if got, ok := typ.CustomFor("postgres"); got != "citext" || !ok {
		t.Errorf("CustomFor(postgres) = %q, %v; want the entry for every dialect", got, ok)
	}
	if _, ok := (schema.Type{Kind: schema.Text}).CustomFor("postgres"); ok {
		t.Error("a type with no custom SQL reported one")
	}
	op := schema.RunSQL{SQL: "SELECT 1", SQLite: "SELECT 2"}
	if op.For("sqlite") != "SELECT 2" || op.For("postgres") != "SELECT 1" {
		t.Errorf("RunSQL.For: sqlite %q, postgres %q", op.For("sqlite"), op.For("postgres"))
	}
}

func TestTablesNamedFindsTablesInTheOrderAsked(t *testing.T) {
	s := base()
	names := func(tables []*schema.Table) []string {
		var out []string
		for _, t := range tables {
			out = append(out, t.Name)
		}
		return out
	}
	if got := names(s.TablesNamed([]string{"users", "nowhere", "orgs"})); !cmp.Equal(got, []string{"users", "orgs"}) {
		t.Errorf("TablesNamed(users, nowhere, orgs) = %v, want users, orgs", got)
	}
	if got := names(s.TablesNamed(nil)); !cmp.Equal(got, []string{"orgs", "users"}) {
		t.Errorf("TablesNamed(nil) = %v, want every table", got)
	}
	if got := s.TablesNamed([]string{}); len(got) != 0 {
		t.Errorf("TablesNamed of no names = %v, want none", names(got))
	}
	s.TablesNamed([]string{"users"})[0].Name = "people"
	if s.Tables[1].Name != "people" {
		t.Error("TablesNamed returned a copy, want the table itself")
	}
}

func TestIsKeyNamesThePrimaryKeyAUniqueOrAFullUniqueIndex(t *testing.T) {
	tbl := &schema.Table{
		PrimaryKey: []string{"a", "b"},
		Uniques:    []schema.Unique{{Name: "u", Columns: []string{"c"}}},
		Indexes: []schema.Index{
			{Name: "full", Columns: []string{"d"}, Unique: true},
			{Name: "partial", Columns: []string{"e"}, Unique: true, Where: "e > 0"},
			{Name: "plain", Columns: []string{"f"}},
		},
	}
	for columns, want := range map[string]bool{"b,a": true, "a": false, "c": true, "d": true, "e": false, "f": false, "": false} {
		var cols []string
		if columns != "" {
			cols = strings.Split(columns, ",")
		}
		if got := tbl.IsKey(cols); got != want {
			t.Errorf("IsKey(%v) = %v, want %v", cols, got, want)
		}
	}
}
