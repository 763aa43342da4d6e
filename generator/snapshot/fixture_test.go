package snapshot

import (
	"reflect"
	"slices"
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

// fullSchema is a representative schema that also sets every field of every
// struct type reachable from schema.Schema, in at least one place, and uses
// every Kind and every Action. TestFullSchemaSetsEveryField keeps it so.
func fullSchema() *schema.Schema {
	now := "CURRENT_TIMESTAMP"
	return &schema.Schema{
		Enums: []schema.Enum{
			{Name: "member_role", Values: []string{"owner", "member"}},
			{Name: "user_status", Values: []string{"active", "banned"}},
		},
		Tables: []schema.Table{
			{
				Name: "memberships",
				Columns: []schema.Column{
					{Name: "org_id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "user_id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "role", Type: schema.Type{Kind: schema.EnumKind, Enum: "member_role"}, Default: "'member'"},
					{Name: "invited_by", Type: schema.Type{Kind: schema.Int64}, Nullable: true},
				},
				PrimaryKey: []string{"org_id", "user_id"},
				ForeignKeys: []schema.ForeignKey{
					{Name: "memberships_invited_by_fkey", Columns: []string{"invited_by"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: schema.SetNull},
					{Name: "memberships_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.Cascade, OnUpdate: schema.SetDefault},
					{Name: "memberships_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: schema.Restrict},
				},
			},
			{
				Name: "orgs",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "name", Type: schema.Type{Kind: schema.Text, Size: 200}},
					{Name: "settings", Type: schema.Type{Kind: schema.JSON}, Default: `'{"theme": "dark"}'`},
					{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Default: now},
				},
				PrimaryKey: []string{"id"},
				Uniques:    []schema.Unique{{Name: "orgs_name_key", Columns: []string{"name"}}},
				Checks:     []schema.Check{{Name: "orgs_name_check", Expr: `"name" <> ''`}},
			},
			{
				Name: "users",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "public_id", Type: schema.Type{Kind: schema.UUID}},
					{Name: "org_id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}},
					{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true},
					{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "user_status"}, Default: "'active'"},
					{Name: "age", Type: schema.Type{Kind: schema.Int16}, Nullable: true},
					{Name: "logins", Type: schema.Type{Kind: schema.Int32}, Default: "0"},
					{Name: "score", Type: schema.Type{Kind: schema.Float64}, Default: "0"},
					{Name: "ratio", Type: schema.Type{Kind: schema.Float32}, Nullable: true},
					{Name: "verified", Type: schema.Type{Kind: schema.Bool}, Default: "false"},
					{Name: "avatar", Type: schema.Type{Kind: schema.Bytes}, Nullable: true},
					{Name: "balance", Type: schema.Type{Kind: schema.Text, Custom: []schema.CustomType{
						{Dialect: "", SQL: "numeric(10,2)"},
						{Dialect: "postgres", SQL: "numeric(12,2)"},
					}}, Default: "0"},
					{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Default: now},
					{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: now, AutoNow: true},
					{Name: "deleted_at", Type: schema.Type{Kind: schema.Timestamp}, Nullable: true},
				},
				PrimaryKey: []string{"id"},
				Indexes: []schema.Index{
					{Name: "users_org_id_idx", Columns: []string{"org_id"}},
					{Name: "users_org_status", Columns: []string{"org_id", "status"}, Unique: true, Where: `"deleted_at" IS NULL`},
				},
				Uniques: []schema.Unique{
					{Name: "users_email_key", Columns: []string{"email"}},
					{Name: "users_public_id_key", Columns: []string{"public_id"}},
				},
				ForeignKeys: []schema.ForeignKey{
					{Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
				},
				Checks: []schema.Check{
					{Name: "users_logins_check", Expr: "logins >= 0"},
					{Name: "users_score_check", Expr: `"score" BETWEEN 0 AND 100`},
				},
			},
		},
	}
}

// fullFile is a snapshot file holding fullSchema and the models of its
// tables: it sets every field of File. TestFullFileSetsEveryField keeps it
// so.
func fullFile() *File {
	return &File{
		Head:   "0003_add_memberships",
		Schema: fullSchema(),
		Models: map[string]string{
			"memberships": "example.com/app/models.Membership",
			"orgs":        "example.com/app/models.Org",
			"users":       "example.com/app/models.User",
		},
	}
}

// unsetFields lists the fields of the struct types reachable from root's
// type that no value under root sets, as Type.Field. A field counts as set
// when it is not zero, and a list or a map when it has an element.
// Pointers are followed.
func unsetFields(root reflect.Value) []string {
	set := make(map[reflect.Type]map[string]bool)
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Field(i)
				if !f.IsZero() && ((f.Kind() != reflect.Slice && f.Kind() != reflect.Map) || f.Len() > 0) {
					if set[v.Type()] == nil {
						set[v.Type()] = make(map[string]bool)
					}
					set[v.Type()][v.Type().Field(i).Name] = true
				}
				walk(f)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		}
	}
	walk(root)

	var unset []string
	visited := make(map[reflect.Type]bool)
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		if visited[t] {
			return
		}
		visited[t] = true
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				if f := t.Field(i); !set[t][f.Name] {
					unset = append(unset, t.Name()+"."+f.Name)
				}
				visit(t.Field(i).Type)
			}
		case reflect.Slice, reflect.Pointer:
			visit(t.Elem())
		}
	}
	visit(root.Type())
	slices.Sort(unset)
	return unset
}

func TestFullFileSetsEveryField(t *testing.T) {
	if unset := unsetFields(reflect.ValueOf(*fullFile())); len(unset) > 0 {
		t.Errorf("fullFile leaves these fields unset; set each somewhere, and teach the snapshot any new one: %v", unset)
	}
	kinds := make(map[schema.Kind]bool)
	actions := make(map[schema.Action]bool)
	for _, tbl := range fullSchema().Tables {
		for _, c := range tbl.Columns {
			kinds[c.Type.Kind] = true
		}
		for _, fk := range tbl.ForeignKeys {
			actions[fk.OnDelete], actions[fk.OnUpdate] = true, true
		}
	}
	for _, k := range []schema.Kind{schema.Bool, schema.Int16, schema.Int32, schema.Int64, schema.Float32, schema.Float64,
		schema.Text, schema.Bytes, schema.Timestamp, schema.JSON, schema.UUID, schema.EnumKind} {
		if !kinds[k] {
			t.Errorf("fullSchema has no column of kind %s", k)
		}
	}
	for _, a := range []schema.Action{schema.NoAction, schema.Cascade, schema.Restrict, schema.SetNull, schema.SetDefault} {
		if !actions[a] {
			t.Errorf("fullSchema has no foreign key with action %s", a.SQL())
		}
	}
}

// TestUnsetFieldsFindsUnsetFields makes sure the check above can fail.
func TestUnsetFieldsFindsUnsetFields(t *testing.T) {
	s := schema.Schema{Tables: []schema.Table{{Name: "t", Columns: []schema.Column{{Name: "c", Nullable: true}}, PrimaryKey: []string{}}}}
	unset := unsetFields(reflect.ValueOf(File{Schema: &s, Models: map[string]string{}}))
	for _, want := range []string{"File.Head", "File.Models", "Schema.Enums", "Table.PrimaryKey", "Column.Type", "Column.Default", "Type.Kind", "CustomType.SQL", "ForeignKey.OnUpdate", "Check.Expr"} {
		if !slices.Contains(unset, want) {
			t.Errorf("unsetFields() = %v, which misses %s", unset, want)
		}
	}
	for _, notWant := range []string{"File.Schema", "Schema.Tables", "Table.Name", "Column.Nullable"} {
		if slices.Contains(unset, notWant) {
			t.Errorf("unsetFields() = %v, which lists %s although it is set", unset, notWant)
		}
	}
}
