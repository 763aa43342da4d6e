package modelgen_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/generator/modelgen"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// everyConstruct is a schema with every construct the model language
// holds, as PostgreSQL's Inspect reads it back.
func everyConstruct() *schema.Schema {
	return &schema.Schema{
		Enums: []schema.Enum{{Name: "order_status", Values: []string{"new", "paid", "PG-13"}}},
		Tables: []schema.Table{
			{
				Name: "orgs",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "url", Type: schema.Type{Kind: schema.Text, Size: 200}},
					{Name: "settings", Type: schema.Type{Kind: schema.JSON}, Default: "'{}'"},
					{Name: "extra", Type: schema.Type{Kind: schema.JSON}, Nullable: true},
					{Name: "token", Type: schema.Type{Kind: schema.UUID}, Nullable: true},
				},
				PrimaryKey: []string{"id"},
				Uniques:    []schema.Unique{{Name: "orgs_url_key", Columns: []string{"url"}}},
			},
			{
				Name: "orders",
				Columns: []schema.Column{
					{Name: "org_id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "number", Type: schema.Type{Kind: schema.Int32}},
					{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "order_status"}, Default: "'new'"},
					{Name: "price", Type: schema.Type{Custom: []schema.CustomType{{Dialect: "postgres", SQL: "numeric(10,2)"}}}, Default: "0"},
					{Name: "qty", Type: schema.Type{Kind: schema.Int16}, Default: "1"},
					{Name: "ratio", Type: schema.Type{Kind: schema.Float32}, Nullable: true, Default: "0.5"},
					{Name: "paid", Type: schema.Type{Kind: schema.Bool}, Default: "false"},
					{Name: "note", Type: schema.Type{Kind: schema.Text}, Nullable: true, Default: "lower('X')"},
					{Name: "data", Type: schema.Type{Kind: schema.Bytes}, Nullable: true},
					{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP"},
					{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
					{Name: "deleted_at", Type: schema.Type{Kind: schema.Timestamp}, Nullable: true},
					{Name: "parent_number", Type: schema.Type{Kind: schema.Int32}, Nullable: true},
				},
				PrimaryKey: []string{"org_id", "number"},
				Indexes: []schema.Index{
					{Name: "orders_created_at_idx", Columns: []string{"created_at"}},
					{Name: "orders_live", Columns: []string{"org_id", "status"}, Where: "deleted_at IS NULL"},
					{Name: "orders_one_open", Columns: []string{"org_id"}, Unique: true, Where: "status = 'new'"},
				},
				Uniques: []schema.Unique{{Name: "orders_org_note", Columns: []string{"org_id", "note"}}},
				ForeignKeys: []schema.ForeignKey{
					{Name: "orders_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"},
						OnDelete: schema.Cascade, OnUpdate: schema.Restrict},
				},
				Checks: []schema.Check{
					{Name: "orders_qty_check", Expr: "qty > 0"},
					{Name: "orders_sane_check", Expr: "ratio < 1 OR paid"},
				},
			},
		},
	}
}

func TestGenerateWritesModelsTheLoaderReadsBackIntoTheSchema(t *testing.T) {
	s := everyConstruct()
	res, err := modelgen.Generate(s, modelgen.Options{Dialect: "postgres", From: "a PostgreSQL database"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "every_construct.go.golden", res.Source)
	if len(res.Skipped) != 0 {
		t.Errorf("Skipped = %q, want nothing", res.Skipped)
	}
	got := loadBack(t, res.Source)
	if d := cmp.Diff(postgres.Comparable(s), postgres.Comparable(got)); d != "" {
		t.Errorf("the models load back into another schema (-want +got):\n%s", d)
	}
}

func TestGenerateListsWhatTheModelsCannotSay(t *testing.T) {
	s := &schema.Schema{
		Enums: []schema.Enum{{Name: "unused", Values: []string{"a"}}},
		Tables: []schema.Table{
			{Name: "Album", Columns: []schema.Column{{Name: "AlbumId", Type: schema.Type{Kind: schema.Int32}}}},
			{
				Name: "a",
				Columns: []schema.Column{
					{Name: "x", Type: schema.Type{Kind: schema.Int64}},
					{Name: "y", Type: schema.Type{Kind: schema.Int64}},
					{Name: "blob", Type: schema.Type{Kind: schema.Bytes}},
				},
				PrimaryKey: []string{"x", "y"},
				Indexes:    []schema.Index{{Name: "a_lower", Columns: []string{"lower(x)"}}},
				Checks:     []schema.Check{{Name: "positive", Expr: "x > 0"}},
			},
			{
				Name:        "b",
				Columns:     []schema.Column{{Name: "x", Type: schema.Type{Kind: schema.Int64}}, {Name: "y", Type: schema.Type{Kind: schema.Int64}}},
				ForeignKeys: []schema.ForeignKey{{Name: "b_xy", Columns: []string{"x", "y"}, RefTable: "a", RefColumns: []string{"x", "y"}}},
			},
		},
	}
	res, err := modelgen.Generate(s, modelgen.Options{Dialect: "postgres", Skipped: []string{"view v"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"view v",
		`table Album: its name "Album" cannot be a model's: strata's names are lowercase letters, digits and underscores; it is left out`,
		"column a.blob: NOT NULL, but a []byte field is NULL-able, and strata has no NOT NULL []byte; the models make it NULL-able",
		"index a_lower on a: its key (lower(x)) is an expression or a column left out",
		"check positive on a: the models name it a_positive_check",
		"foreign key b_xy on b (x, y) -> a (x, y): a foreign key of several columns is not in the model language; it is left out",
		"enum unused: no column of the models uses it, and strata creates an enum type only for its columns",
	}
	if d := cmp.Diff(want, res.Skipped); d != "" {
		t.Errorf("Skipped (-want +got):\n%s", d)
	}
	for _, line := range want {
		if !strings.Contains(string(res.Source), "//   - "+line) {
			t.Errorf("the file does not list %q:\n%s", line, res.Source)
		}
	}
	loadBack(t, res.Source)
}

func TestGoNamesFollowGoConventionsWithoutCollisions(t *testing.T) {
	s := &schema.Schema{Tables: []schema.Table{
		{Name: "users", Columns: []schema.Column{
			{Name: "user_id", Type: schema.Type{Kind: schema.Int64}},
			{Name: "home_url", Type: schema.Type{Kind: schema.Text}},
			{Name: "http_status", Type: schema.Type{Kind: schema.Int32}},
			{Name: "type", Type: schema.Type{Kind: schema.Text}},
		}},
		{Name: "user", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}},
		{Name: "categories", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}},
	}}
	s.Normalize()
	res, err := modelgen.Generate(s, modelgen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"type Category struct", "type User struct", "type UserRow struct", "UserID ", "HomeURL ", "HTTPStatus ", "Type "} {
		if !strings.Contains(string(res.Source), want) {
			t.Errorf("the models lack %q:\n%s", want, res.Source)
		}
	}
	loadBack(t, res.Source)
}

// loadBack loads models source in a module of its own, with stand-ins for
// strata's column package and google/uuid, and returns its schema.
func loadBack(t *testing.T, src []byte) *schema.Schema {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgithub.com/strata-go/strata v0.0.0\n\tgithub.com/google/uuid v0.0.0\n)\n\n" +
			"replace github.com/strata-go/strata => ./strata\n\nreplace github.com/google/uuid => ./uuid\n",
		"strata/go.mod":                 "module github.com/strata-go/strata\n\ngo 1.22\n",
		"strata/runtime/column/json.go": "package column\n\ntype JSON[T any] struct{ V T }\n",
		"uuid/go.mod":                   "module github.com/google/uuid\n\ngo 1.22\n",
		"uuid/uuid.go":                  "package uuid\n\ntype UUID [16]byte\n",
		"models/models.go":              string(src),
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := load.Models(context.Background(), dir, "./models")
	if err != nil {
		t.Fatalf("the models do not load: %v\n%s", err, src)
	}
	return res.Schema
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}
