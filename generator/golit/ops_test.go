package golit_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/generator/emit"
	"github.com/strata-go/strata/generator/golit"
	"github.com/strata-go/strata/runtime/schema"
)

// parseOps reads the operations of the list literal src, spelt with the
// schema package named pkg.
func parseOps(t *testing.T, src, pkg string) ([]schema.Operation, error) {
	t.Helper()
	fset := token.NewFileSet()
	x, err := parser.ParseExprFrom(fset, "x.go", src, 0)
	if err != nil {
		t.Fatalf("the literal does not parse: %v\n%s", err, src)
	}
	return golit.ParseOperations(fset, x, pkg)
}

func TestParseOperations(t *testing.T) {
	tests := []struct {
		name string
		src  string
		pkg  string
		want []schema.Operation
	}{
		{
			name: "nil is no operations",
			src:  "nil",
			want: nil,
		},
		{
			name: "an empty list stays empty, not nil",
			src:  "[]schema.Operation{}",
			want: []schema.Operation{},
		},
		{
			name: "a RunSQL reads its texts and the operations it declares",
			src: "[]schema.Operation{schema.RunSQL{\n" +
				"\tSQL: `ALTER TABLE \"users\" ADD \"bio\" text`,\n" +
				"\tSQLite: \"SELECT 1\",\n" +
				"\tDeclares: []schema.Operation{\n" +
				"\t\tschema.AddColumn{Table: \"users\", Column: schema.Column{Name: \"bio\", Type: schema.Type{Kind: schema.Text}, Nullable: true}},\n" +
				"\t\tschema.CreateIndex{Table: \"users\", Index: schema.Index{Name: \"users_bio_idx\", Columns: []string{\"bio\"}}},\n" +
				"\t},\n" +
				"}}",
			want: []schema.Operation{schema.RunSQL{
				SQL:    `ALTER TABLE "users" ADD "bio" text`,
				SQLite: "SELECT 1",
				Declares: []schema.Operation{
					schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true}},
					schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_bio_idx", Columns: []string{"bio"}}},
				},
			}},
		},
		{
			name: "a RunGo accepts any function and reads it as nil",
			src: "[]schema.Operation{\n" +
				"\tschema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error { return backfill(ctx, tx, 100) }},\n" +
				"\tschema.RunGo{Func: backfillBios},\n" +
				"\tschema.RunGo{Func: batches(100).Run},\n" +
				"\tschema.RunGo{},\n" +
				"}",
			want: []schema.Operation{schema.RunGo{}, schema.RunGo{}, schema.RunGo{}, schema.RunGo{}},
		},
		{
			name: "an Irreversible marker reads its reason",
			src:  `[]schema.Operation{schema.Irreversible{Reason: "the old values are gone"}}`,
			want: []schema.Operation{schema.Irreversible{Reason: "the old values are gone"}},
		},
		{
			name: "a primary key change reads both keys, an empty one as nil",
			src: "[]schema.Operation{\n" +
				"\tschema.AlterPrimaryKey{Table: \"members\", Old: []string{\"id\"}, New: []string{\"id\", \"team_id\"}},\n" +
				"\tschema.AlterPrimaryKey{Table: \"events\", New: []string{\"id\"}},\n" +
				"}",
			want: []schema.Operation{
				schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}, New: []string{"id", "team_id"}},
				schema.AlterPrimaryKey{Table: "events", New: []string{"id"}},
			},
		},
		{
			name: "the schema package may have another name",
			src:  `[]s.Operation{s.DropTable{Name: "users"}, s.DropEnum{Name: "role"}}`,
			pkg:  "s",
			want: []schema.Operation{schema.DropTable{Name: "users"}, schema.DropEnum{Name: "role"}},
		},
		{
			name: "the schema package may be dot-imported",
			src:  `[]Operation{RenameTable{From: "a", To: "b"}}`,
			pkg:  ".",
			want: []schema.Operation{schema.RenameTable{From: "a", To: "b"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg := tt.pkg
			if pkg == "" {
				pkg = "schema"
			}
			got, err := parseOps(t, tt.src, pkg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseOperations() (-want +got):\n%s", diff)
			}
			if (tt.want == nil) != (got == nil) {
				t.Errorf("ParseOperations() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseOperationsErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			name: "a variable in place of the list is refused",
			src:  "ops",
			want: "x.go:1:1: expected a []schema.Operation literal or nil, found ops",
		},
		{
			name: "a function call in place of an operation is refused",
			src:  `[]schema.Operation{schema.DropTable{Name: "a"}, dropAll()}`,
			want: "x.go:1:49: [1]: expected an operation literal such as schema.AddColumn{...}, found dropAll()",
		},
		{
			name: "a variable in place of an operation is refused",
			src:  `[]schema.Operation{addBio}`,
			want: "x.go:1:20: [0]: expected an operation literal such as schema.AddColumn{...}, found addBio",
		},
		{
			name: "a pointer to an operation is refused",
			src:  `[]schema.Operation{&schema.DropTable{Name: "a"}}`,
			want: `x.go:1:20: [0]: expected an operation literal such as schema.AddColumn{...}, found &schema.DropTable{…}`,
		},
		{
			name: "nil in place of an operation is refused",
			src:  `[]schema.Operation{nil}`,
			want: "x.go:1:20: [0]: expected an operation literal such as schema.AddColumn{...}, found nil",
		},
		{
			name: "a type of the schema package that is no operation is refused",
			src:  `[]schema.Operation{schema.Table{Name: "a"}}`,
			want: "x.go:1:20: [0]: schema.Table is not an operation of the schema package",
		},
		{
			name: "a type of another package is refused",
			src:  `[]schema.Operation{other.DropTable{Name: "a"}}`,
			want: `x.go:1:20: [0]: expected an operation literal such as schema.AddColumn{...}, found other.DropTable{…}`,
		},
		{
			name: "an error deep in an operation names its path",
			src:  "[]schema.Operation{\n\tschema.DropTable{Name: \"a\"},\n\tschema.CreateTable{Table: schema.Table{Columns: []schema.Column{{Name: name}}}},\n}",
			want: "x.go:3:73: [1].Table.Columns[0].Name: expected a string literal, found name",
		},
		{
			name: "an error in a declared operation names its path",
			src:  "[]schema.Operation{schema.RunSQL{SQL: \"x\", Declares: []schema.Operation{schema.DropTable{Name: 1}}}}",
			want: "x.go:1:96: [0].Declares[0].Name: expected a string literal, found 1",
		},
		{
			name: "a declared operation that is a call is refused",
			src:  "[]schema.Operation{schema.RunSQL{Declares: []schema.Operation{addBio()}}}",
			want: "x.go:1:63: [0].Declares[0]: expected an operation literal such as schema.AddColumn{...}, found addBio()",
		},
		{
			name: "an unknown field of an operation lists its fields",
			src:  `[]schema.Operation{schema.DropTable{Table: "a"}}`,
			want: "x.go:1:37: [0]: schema.DropTable has no field Table (it has Name)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseOps(t, tt.src, "schema")
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ParseOperations() error = %v\nwant %s", err, tt.want)
			}
			var gerr *golit.Error
			if !errors.As(err, &gerr) {
				t.Errorf("ParseOperations() error is a %T, want a *golit.Error", err)
			}
		})
	}
}

// TestParseOperationsKnowsEveryOperationOfTheSchemaPackage reads the schema
// package's source, lists the types that have the operation method of
// schema.Operation, and checks that ParseOperations reads a literal of each
// as a value of that type, so that an operation added there is read here.
func TestParseOperationsKnowsEveryOperationOfTheSchemaPackage(t *testing.T) {
	inSource := golit.SchemaOperationTypes(t)
	for _, name := range inSource {
		ops, err := parseOps(t, "[]schema.Operation{schema."+name+"{}}", "schema")
		if err != nil {
			t.Errorf("schema.%s: %v", name, err)
			continue
		}
		if got := reflect.TypeOf(ops[0]); got.PkgPath() != golit.SchemaPath || got.Name() != name {
			t.Errorf("schema.%s{} is read as a %v", name, got)
		}
	}
}

// noteLine matches the lines of the notes emit puts above operations:
// comments indented inside init, unlike the file's header comment.
var noteLine = regexp.MustCompile(`(?m)^\t+//.*\n`)

// TestParseOperationsReadsWhatEmitWrites reads the Up and Down of every
// migration file in emit's goldens and writes them again with emit: the
// file must come back byte for byte, but for the notes above operations,
// which are comments and no part of the operations.
func TestParseOperationsReadsWhatEmitWrites(t *testing.T) {
	goldens, err := filepath.Glob(filepath.Join("..", "emit", "testdata", "*.go.golden"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no goldens of emit: %v", err)
	}
	for _, golden := range goldens {
		id := strings.TrimSuffix(filepath.Base(golden), ".go.golden")
		t.Run("the operations of "+id+" read back as emit wrote them", func(t *testing.T) {
			src, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, golden, src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			file := emit.File{Package: f.Name.Name, ID: id}
			for name, x := range migrationFields(f) {
				if name == "Replaces" {
					for _, e := range x.(*ast.CompositeLit).Elts {
						id, err := strconv.Unquote(e.(*ast.BasicLit).Value)
						if err != nil {
							t.Fatal(err)
						}
						file.Replaces = append(file.Replaces, id)
					}
					continue
				}
				ops, err := golit.ParseOperations(fset, x, "schema")
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				switch name {
				case "Up":
					file.Up = ops
				case "Down":
					file.Down = ops
				}
			}
			got, err := emit.Migration(file)
			if err != nil {
				t.Fatal(err)
			}
			want := noteLine.ReplaceAllString(string(src), "")
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("emit.Migration(ParseOperations(%s)) (-golden without notes +got):\n%s", golden, diff)
			}
		})
	}
}

// migrationFields returns the Up, Down and Replaces fields of the
// runtime.Migration literals in f, by name.
func migrationFields(f *ast.File) map[string]ast.Expr {
	fields := map[string]ast.Expr{}
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		if key, ok := kv.Key.(*ast.Ident); ok && (key.Name == "Up" || key.Name == "Down" || key.Name == "Replaces") {
			fields[key.Name] = kv.Value
		}
		return true
	})
	return fields
}
