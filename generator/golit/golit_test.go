package golit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

// render returns code as the gofmt'd source of `var X = <code>`.
func render(t *testing.T, code jen.Code) string {
	t.Helper()
	f := jen.NewFile("p")
	f.ImportName(SchemaPath, "schema")
	f.Var().Id("X").Op("=").Add(code)
	src := f.GoString()
	_, decl, ok := strings.Cut(src, "var X = ")
	if !ok {
		t.Fatalf("no var X in\n%s", src)
	}
	return decl
}

// parse reads back what render wrote.
func parse(t *testing.T, lit string) (*schema.Schema, error) {
	t.Helper()
	fset := token.NewFileSet()
	x, err := parser.ParseExprFrom(fset, "x.go", lit, 0)
	if err != nil {
		t.Fatalf("the literal does not parse: %v\n%s", err, lit)
	}
	return ParseSchema(fset, x, "schema")
}

func TestSchemaLayout(t *testing.T) {
	s := &schema.Schema{
		Enums: []schema.Enum{{Name: "status", Values: []string{"active", "banned"}}},
		Tables: []schema.Table{{
			Name: "users",
			Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
				{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "status"}, Default: "'active'"},
				{Name: "check", Type: schema.Type{Kind: schema.Kind("money")}, Default: "0"},
			},
			PrimaryKey:  []string{"id"},
			Indexes:     []schema.Index{},
			ForeignKeys: []schema.ForeignKey{{Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.SetNull}},
			Checks:      []schema.Check{{Name: "users_id_check", Expr: `"id" > 0`}},
		}},
	}
	want := "schema.Schema{\n" +
		"\tEnums: []schema.Enum{\n" +
		"\t\t{Name: \"status\", Values: []string{\"active\", \"banned\"}},\n" +
		"\t},\n" +
		"\tTables: []schema.Table{\n" +
		"\t\t{\n" +
		"\t\t\tName: \"users\",\n" +
		"\t\t\tColumns: []schema.Column{\n" +
		"\t\t\t\t{Name: \"id\", Type: schema.Type{Kind: schema.Int64}, Identity: true},\n" +
		"\t\t\t\t{Name: \"status\", Type: schema.Type{Kind: schema.EnumKind, Enum: \"status\"}, Default: \"'active'\"},\n" +
		"\t\t\t\t{Name: \"check\", Type: schema.Type{Kind: schema.Kind(\"money\")}, Default: \"0\"},\n" +
		"\t\t\t},\n" +
		"\t\t\tPrimaryKey: []string{\"id\"},\n" +
		"\t\t\tIndexes:    []schema.Index{},\n" +
		"\t\t\tForeignKeys: []schema.ForeignKey{\n" +
		"\t\t\t\t{Name: \"users_org_id_fkey\", Columns: []string{\"org_id\"}, RefTable: \"orgs\", RefColumns: []string{\"id\"}, OnDelete: schema.SetNull},\n" +
		"\t\t\t},\n" +
		"\t\t\tChecks: []schema.Check{\n" +
		"\t\t\t\t{Name: \"users_id_check\", Expr: `\"id\" > 0`},\n" +
		"\t\t\t},\n" +
		"\t\t},\n" +
		"\t},\n" +
		"}\n"
	got := render(t, Schema(s))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Schema literal (-want +got):\n%s", diff)
	}
	back, err := parse(t, got)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("ParseSchema(Schema(s)) (-want +got):\n%s", diff)
	}
}

func TestNilSchemaIsTheEmptyLiteral(t *testing.T) {
	if got, want := render(t, Schema(nil)), "schema.Schema{}\n"; got != want {
		t.Errorf("Schema(nil) = %q, want %q", got, want)
	}
}

// TestConstantsCoverTheSchemaPackage reads the schema package's source and
// checks that golit knows every constant of every type it has a table for,
// by the same name and value, so that a constant added there is written by
// name here.
func TestConstantsCoverTheSchemaPackage(t *testing.T) {
	fset, files := parseSchemaPackage(t)
	inSource := make(map[string][]constant) // by type name
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, ok := vs.Type.(*ast.Ident)
				if !ok || len(vs.Values) != len(vs.Names) {
					continue
				}
				for i, n := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						t.Fatalf("%s: constant %s is not a literal; teach this test to read it", fset.Position(n.Pos()), n.Name)
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					inSource[typ.Name] = append(inSource[typ.Name], constant{n.Name, v})
				}
			}
		}
	}
	known := make(map[string][]constant)
	for typ, consts := range constants {
		for _, c := range consts {
			known[typ.Name()] = append(known[typ.Name()], constant{c.name, reflect.ValueOf(c.value).String()})
		}
	}
	if len(inSource["Kind"]) == 0 || len(inSource["Action"]) == 0 {
		t.Fatalf("found no constants of schema.Kind or schema.Action in the source: %v", inSource)
	}
	if diff := cmp.Diff(inSource, known, cmp.AllowUnexported(constant{})); diff != "" {
		t.Errorf("typed constants (-in the schema package +known to golit):\n%s", diff)
	}
}

func TestEveryConstantIsWrittenByNameAndReadBack(t *testing.T) {
	s := &schema.Schema{Tables: []schema.Table{{Name: "t"}}}
	for _, c := range constants[reflect.TypeFor[schema.Kind]()] {
		s.Tables[0].Columns = append(s.Tables[0].Columns, schema.Column{Name: c.name, Type: schema.Type{Kind: c.value.(schema.Kind)}})
	}
	for _, c := range constants[reflect.TypeFor[schema.Action]()] {
		s.Tables[0].ForeignKeys = append(s.Tables[0].ForeignKeys, schema.ForeignKey{Name: c.name, OnDelete: c.value.(schema.Action), OnUpdate: c.value.(schema.Action)})
	}
	lit := render(t, Schema(s))
	for typ, consts := range constants {
		for _, c := range consts {
			if reflect.ValueOf(c.value).IsZero() {
				continue // a zero value is left out, not named
			}
			if !strings.Contains(lit, "schema."+c.name+"}") && !strings.Contains(lit, "schema."+c.name+",") {
				t.Errorf("schema.%s constant %s is not written by name in\n%s", typ.Name(), c.name, lit)
			}
		}
	}
	if strings.Contains(lit, "Kind(") || strings.Contains(lit, "Action(") {
		t.Errorf("a known constant is written as a conversion in\n%s", lit)
	}
	back, err := parse(t, lit)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("ParseSchema(Schema(s)) (-want +got):\n%s", diff)
	}
}

func TestStringLiterals(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a plain string is quoted", "users", `"users"`},
		{"SQL with double quotes is a raw string", `"email" <> ''`, "`\"email\" <> ''`"},
		{"a backslash makes a raw string", `a\b`, "`a\\b`"},
		{"a newline is escaped, never a raw string", "a\"\nb", `"a\"\nb"`},
		{"a backquote is escaped", "a`\"b", "\"a`\\\"b\""},
		{"a tab is escaped", "a\t\"", `"a\t\""`},
		{"unicode stays as it is", "héllo ✓", `"héllo ✓"`},
		{"invalid UTF-8 is escaped", "\xff\"", `"\xff\""`},
		{"the empty string is quoted", "", `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.TrimSuffix(render(t, stringLit(tt.in)), "\n")
			if got != tt.want {
				t.Errorf("stringLit(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if back, err := strconv.Unquote(got); err != nil || back != tt.in {
				t.Errorf("%s reads back as %q, %v; want %q", got, back, err, tt.in)
			}
		})
	}
}

// operationCase is an operation and the literal Operation writes for it,
// or the error it returns.
type operationCase struct {
	name    string
	op      schema.Operation
	want    string
	wantErr string
}

func operationCases() []operationCase {
	return []operationCase{
		{
			name: "an operation puts one field on each line",
			op:   schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true}},
			want: "schema.AddColumn{\n\tTable:  \"users\",\n\tColumn: schema.Column{Name: \"bio\", Type: schema.Type{Kind: schema.Text}, Nullable: true},\n}\n",
		},
		{
			name: "a pointer to an operation is written as its value",
			op:   &schema.DropTable{Name: "users"},
			want: "schema.DropTable{\n\tName: \"users\",\n}\n",
		},
		{
			name: "a table is written one field a line, its lists one element a line",
			op: schema.CreateTable{Table: schema.Table{
				Name:       "tags",
				Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true}},
				PrimaryKey: []string{"id"},
			}},
			want: "schema.CreateTable{\n" +
				"\tTable: schema.Table{\n" +
				"\t\tName: \"tags\",\n" +
				"\t\tColumns: []schema.Column{\n" +
				"\t\t\t{Name: \"id\", Type: schema.Type{Kind: schema.Int64}, Identity: true},\n" +
				"\t\t},\n" +
				"\t\tPrimaryKey: []string{\"id\"},\n" +
				"\t},\n" +
				"}\n",
		},
		{
			name: "a column dropped",
			op:   schema.DropColumn{Table: "users", Column: "bio"},
			want: "schema.DropColumn{\n\tTable:  \"users\",\n\tColumn: \"bio\",\n}\n",
		},
		{
			name: "an index created",
			op:   schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_idx", Columns: []string{"email"}, Where: `"email" IS NOT NULL`}},
			want: "schema.CreateIndex{\n\tTable: \"users\",\n\tIndex: schema.Index{Name: \"users_email_idx\", Columns: []string{\"email\"}, Where: `\"email\" IS NOT NULL`},\n}\n",
		},
		{
			name: "an index dropped",
			op:   schema.DropIndex{Table: "users", Name: "users_email_idx"},
			want: "schema.DropIndex{\n\tTable: \"users\",\n\tName:  \"users_email_idx\",\n}\n",
		},
		{
			name: "a unique constraint added",
			op:   schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_a_b_key", Columns: []string{"a", "b"}}},
			want: "schema.AddUnique{\n\tTable:  \"users\",\n\tUnique: schema.Unique{Name: \"users_a_b_key\", Columns: []string{\"a\", \"b\"}},\n}\n",
		},
		{
			name: "a unique constraint dropped",
			op:   schema.DropUnique{Table: "users", Name: "users_a_b_key"},
			want: "schema.DropUnique{\n\tTable: \"users\",\n\tName:  \"users_a_b_key\",\n}\n",
		},
		{
			name: "a foreign key added names its actions",
			op: schema.AddForeignKey{Table: "posts", ForeignKey: schema.ForeignKey{
				Name: "posts_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: schema.Cascade,
			}},
			want: "schema.AddForeignKey{\n\tTable:      \"posts\",\n" +
				"\tForeignKey: schema.ForeignKey{Name: \"posts_user_id_fkey\", Columns: []string{\"user_id\"}, RefTable: \"users\", RefColumns: []string{\"id\"}, OnDelete: schema.Cascade},\n}\n",
		},
		{
			name: "a foreign key dropped",
			op:   schema.DropForeignKey{Table: "posts", Name: "posts_user_id_fkey"},
			want: "schema.DropForeignKey{\n\tTable: \"posts\",\n\tName:  \"posts_user_id_fkey\",\n}\n",
		},
		{
			name: "an enum created",
			op:   schema.CreateEnum{Enum: schema.Enum{Name: "mood", Values: []string{"calm", "angry"}}},
			want: "schema.CreateEnum{\n\tEnum: schema.Enum{Name: \"mood\", Values: []string{\"calm\", \"angry\"}},\n}\n",
		},
		{
			name: "an enum dropped",
			op:   schema.DropEnum{Name: "mood"},
			want: "schema.DropEnum{\n\tName: \"mood\",\n}\n",
		},
		{
			name: "an alteration writes its hints as fields of their own",
			op: schema.AlterColumn{
				Table:    "users",
				Column:   schema.Column{Name: "code", Type: schema.Type{Kind: schema.Text, Size: 8}, Default: "''"},
				Using:    `left("code", 8)`,
				Backfill: "''",
			},
			want: "schema.AlterColumn{\n" +
				"\tTable:    \"users\",\n" +
				"\tColumn:   schema.Column{Name: \"code\", Type: schema.Type{Kind: schema.Text, Size: 8}, Default: \"''\"},\n" +
				"\tUsing:    `left(\"code\", 8)`,\n" +
				"\tBackfill: \"''\",\n" +
				"}\n",
		},
		{
			name: "an alteration without hints leaves them out",
			op:   schema.AlterColumn{Table: "users", Column: schema.Column{Name: "age", Type: schema.Type{Kind: schema.Int64}, Nullable: true}},
			want: "schema.AlterColumn{\n\tTable:  \"users\",\n\tColumn: schema.Column{Name: \"age\", Type: schema.Type{Kind: schema.Int64}, Nullable: true},\n}\n",
		},
		{
			name: "a table rename",
			op:   schema.RenameTable{From: "users", To: "people"},
			want: "schema.RenameTable{\n\tFrom: \"users\",\n\tTo:   \"people\",\n}\n",
		},
		{
			name: "a column rename",
			op:   schema.RenameColumn{Table: "users", From: "email", To: "mail"},
			want: "schema.RenameColumn{\n\tTable: \"users\",\n\tFrom:  \"email\",\n\tTo:    \"mail\",\n}\n",
		},
		{
			name: "an index rename",
			op:   schema.RenameIndex{Table: "people", From: "users_email_idx", To: "people_email_idx"},
			want: "schema.RenameIndex{\n\tTable: \"people\",\n\tFrom:  \"users_email_idx\",\n\tTo:    \"people_email_idx\",\n}\n",
		},
		{
			name: "a constraint rename",
			op:   schema.RenameConstraint{Table: "people", From: "users_email_key", To: "people_email_key"},
			want: "schema.RenameConstraint{\n\tTable: \"people\",\n\tFrom:  \"users_email_key\",\n\tTo:    \"people_email_key\",\n}\n",
		},
		{
			name: "a check added writes its expression as SQL reads",
			op:   schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_age_check", Expr: `"age" >= 0`}},
			want: "schema.AddCheck{\n\tTable: \"users\",\n\tCheck: schema.Check{Name: \"users_age_check\", Expr: `\"age\" >= 0`},\n}\n",
		},
		{
			name: "a check dropped",
			op:   schema.DropCheck{Table: "users", Name: "users_age_check"},
			want: "schema.DropCheck{\n\tTable: \"users\",\n\tName:  \"users_age_check\",\n}\n",
		},
		{
			name: "an enum given a new list of values",
			op:   schema.AlterEnum{Name: "mood", Values: []string{"calm", "it's fine", "angry"}},
			want: "schema.AlterEnum{\n\tName:   \"mood\",\n\tValues: []string{\"calm\", \"it's fine\", \"angry\"},\n}\n",
		},
		{
			name: "an enum value renamed",
			op:   schema.RenameEnumValue{Enum: "mood", From: "angry", To: "cross"},
			want: "schema.RenameEnumValue{\n\tEnum: \"mood\",\n\tFrom: \"angry\",\n\tTo:   \"cross\",\n}\n",
		},
		{
			name: "a primary key given another column",
			op:   schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}, New: []string{"id", "team_id"}},
			want: "schema.AlterPrimaryKey{\n\tTable: \"members\",\n\tOld:   []string{\"id\"},\n\tNew:   []string{\"id\", \"team_id\"},\n}\n",
		},
		{
			name: "a primary key given to a table without one leaves Old out",
			op:   schema.AlterPrimaryKey{Table: "events", New: []string{"id"}},
			want: "schema.AlterPrimaryKey{\n\tTable: \"events\",\n\tNew:   []string{\"id\"},\n}\n",
		},
		{
			name:    "RunSQL is refused",
			op:      schema.RunSQL{SQL: "SELECT 1"},
			wantErr: "golit: schema.RunSQL is a hand-written step, which strata does not generate",
		},
		{
			name:    "RunGo is refused",
			op:      &schema.RunGo{},
			wantErr: "golit: schema.RunGo is a hand-written step, which strata does not generate",
		},
		{
			name:    "Irreversible is refused",
			op:      schema.Irreversible{Reason: "data is lost"},
			wantErr: "golit: schema.Irreversible is a hand-written step, which strata does not generate",
		},
		{name: "nil is refused", op: nil, wantErr: "golit: nil operation"},
		{name: "a nil pointer is refused", op: (*schema.DropTable)(nil), wantErr: "golit: nil operation"},
	}
}

func TestOperation(t *testing.T) {
	for _, tt := range operationCases() {
		t.Run(tt.name, func(t *testing.T) {
			code, err := Operation(tt.op)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Operation() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, render(t, code)); diff != "" {
				t.Errorf("Operation() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOperationCasesCoverTheSchemaPackage reads the schema package's
// source and checks that TestOperation writes, or refuses, an operation of
// every type that implements schema.Operation, so that an operation added
// there gets a case here.
func TestOperationCasesCoverTheSchemaPackage(t *testing.T) {
	inSource := SchemaOperationTypes(t)
	covered := map[string]bool{}
	for _, tc := range operationCases() {
		if typ := reflect.TypeOf(tc.op); typ != nil {
			if typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			covered[typ.Name()] = true
		}
	}
	for _, name := range inSource {
		if !covered[name] {
			t.Errorf("no TestOperation case writes a schema.%s", name)
		}
	}
}

func TestParseSchemaErrors(t *testing.T) {
	tests := []struct {
		name, lit, want string
	}{
		{
			name: "a pointer is not a schema literal",
			lit:  `&schema.Schema{}`,
			want: "x.go:1:1: expected a schema.Schema literal, found &schema.Schema{}",
		},
		{
			name: "a string field holding a number names its path",
			lit:  "schema.Schema{Tables: []schema.Table{{Name: 42}}}",
			want: "x.go:1:45: Tables[0].Name: expected a string literal, found 42",
		},
		{
			name: "an unknown Kind lists the known ones",
			lit:  "schema.Schema{Tables: []schema.Table{{Columns: []schema.Column{{Type: schema.Type{Kind: schema.Blob}}}}}}",
			want: "x.go:1:89: Tables[0].Columns[0].Type.Kind: expected a schema.Kind constant (schema.Bool, schema.Int16, schema.Int32, schema.Int64, schema.Float32, schema.Float64, schema.Text, schema.Bytes, schema.Timestamp, schema.JSON, schema.UUID, schema.EnumKind), found schema.Blob",
		},
		{
			name: "an unknown field lists the fields",
			lit:  "schema.Schema{Views: nil}",
			want: "x.go:1:15: schema.Schema has no field Views (it has Enums, Tables)",
		},
		{
			name: "a field given twice is an error",
			lit:  "schema.Schema{Enums: nil, Enums: nil}",
			want: "x.go:1:27: field Enums of schema.Schema is given twice",
		},
		{
			name: "unkeyed fields are an error",
			lit:  "schema.Schema{nil, nil}",
			want: "x.go:1:15: expected a keyed field (Name: value) of schema.Schema, found nil",
		},
		{
			name: "an integer out of range is an error",
			lit:  "schema.Schema{Tables: []schema.Table{{Columns: []schema.Column{{Type: schema.Type{Size: 99999999999999999999}}}}}}",
			want: "x.go:1:89: Tables[0].Columns[0].Type.Size: expected an integer that fits int, found 99999999999999999999",
		},
		{
			name: "a bool must be true or false",
			lit:  "schema.Schema{Tables: []schema.Table{{Columns: []schema.Column{{Nullable: 1}}}}}",
			want: "x.go:1:75: Tables[0].Columns[0].Nullable: expected true or false, found 1",
		},
		{
			name: "an indexed list element is an error",
			lit:  `schema.Schema{Enums: []schema.Enum{{Values: []string{0: "a"}}}}`,
			want: `x.go:1:54: Enums[0].Values: expected an element of []string, found the indexed element 0: "a"`,
		},
		{
			name: "a list of the wrong type is an error",
			lit:  `schema.Schema{Enums: []schema.Table{}}`,
			want: `x.go:1:22: Enums: expected a []schema.Enum literal or nil, found []schema.Table{}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.lit)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ParseSchema() error = %v\nwant %s", err, tt.want)
			}
		})
	}
}

// SchemaOperationTypes returns the names of the types of the schema
// package that implement schema.Operation, read from its source: those
// with the operation method. The tests of this package and of golit_test
// check with it that every operation, even one added later, is covered.
func SchemaOperationTypes(t testing.TB) []string {
	t.Helper()
	fset, files := parseSchemaPackage(t)
	var names []string
	for _, f := range files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "operation" {
				continue
			}
			id, ok := fn.Recv.List[0].Type.(*ast.Ident)
			if !ok {
				t.Fatalf("%s: the receiver of operation is not a type name; teach this test to read it", fset.Position(fn.Pos()))
			}
			names = append(names, id.Name)
		}
	}
	if len(names) < 24 {
		t.Fatalf("found only %d operation types in the schema package: %v", len(names), names)
	}
	return names
}

// parseSchemaPackage parses the source files of the schema package, its
// tests left out.
func parseSchemaPackage(t testing.TB) (*token.FileSet, []*ast.File) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "..", "runtime", "schema", "*.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no source of the schema package: %v", err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}
