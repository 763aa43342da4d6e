package schema_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

// everyOperation holds a value of each type of operation.
var everyOperation = []schema.Operation{
	schema.CreateTable{}, schema.DropTable{}, schema.AddColumn{}, schema.DropColumn{},
	schema.CreateIndex{}, schema.DropIndex{}, schema.AddUnique{}, schema.DropUnique{},
	schema.AddForeignKey{}, schema.DropForeignKey{}, schema.CreateEnum{}, schema.DropEnum{},
	schema.RunSQL{}, schema.RunGo{}, schema.RenameTable{}, schema.RenameColumn{},
	schema.AlterColumn{}, schema.RenameIndex{}, schema.RenameConstraint{}, schema.AddCheck{},
	schema.DropCheck{}, schema.AlterEnum{}, schema.RenameEnumValue{}, schema.Irreversible{},
	schema.AlterPrimaryKey{},
}

// unseen lists the fields the encoding leaves out on purpose, by the path
// fill gives them: the function of a RunGo, and what a PostgreSQL encoding
// does not see (tested on their own below).
var unseen = map[string]bool{
	"RunGo.Func":    true,
	"RunSQL.SQL":    true, // RunSQL.Postgres overrides it once filled
	"RunSQL.SQLite": true,
	"RunSQL.MySQL":  true, // seen on MySQL only; see TestRunSQLEncodesTheTextOfTheDialectOnly
}

// fill sets every field below v to a value of its own, numbered by *n, and
// returns the path of each leaf it set.
func fill(v reflect.Value, path string, n *int) []string {
	switch v.Kind() {
	case reflect.Struct:
		var leaves []string
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if v.Type() == reflect.TypeFor[schema.CustomType]() && f.Name == "Dialect" {
				v.Field(i).SetString("postgres") // seen only for its dialect
				continue
			}
			leaves = append(leaves, fill(v.Field(i), path+"."+f.Name, n)...)
		}
		return leaves
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[[]schema.CustomType]() {
			// A second type for the same dialect would go unused.
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			return fill(v.Index(0), path+"[0]", n)
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		return append(fill(v.Index(0), path+"[0]", n), fill(v.Index(1), path+"[1]", n)...)
	case reflect.String:
		*n++
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Int:
		*n++
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Func:
	case reflect.Interface: // an operation a RunSQL declares
		*n++
		v.Set(reflect.ValueOf(schema.DropTable{Name: fmt.Sprintf("s%d", *n)}))
	default:
		panic(fmt.Sprintf("fill: %s has kind %s", path, v.Kind()))
	}
	return []string{path}
}

// leaf returns the field at path below v, a path fill returned.
func leaf(v reflect.Value, path string) reflect.Value {
	for _, step := range splitPath(path)[1:] {
		if name, index, ok := indexStep(step); ok {
			v = v.FieldByName(name).Index(index)
			continue
		}
		v = v.FieldByName(step)
	}
	return v
}

func splitPath(path string) []string {
	var steps []string
	start := 0
	for i := range len(path) {
		if path[i] == '.' {
			steps = append(steps, path[start:i])
			start = i + 1
		}
	}
	return append(steps, path[start:])
}

func indexStep(step string) (string, int, bool) {
	var name string
	var index int
	for i := range len(step) {
		if step[i] == '[' {
			name = step[:i]
			_, err := fmt.Sscanf(step[i:], "[%d]", &index)
			return name, index, err == nil
		}
	}
	return "", 0, false
}

func encode(op schema.Operation) []byte {
	return schema.AppendEncoding(nil, "postgres", []schema.Operation{op})
}

func TestTheEncodingChangesWithEveryFieldOfEveryOperation(t *testing.T) {
	for _, op := range everyOperation {
		typ := reflect.TypeOf(op)
		filled := reflect.New(typ).Elem()
		n := 0
		leaves := fill(filled, typ.Name(), &n)
		base := encode(filled.Interface().(schema.Operation))
		for _, path := range leaves {
			if unseen[path] {
				continue
			}
			changed := reflect.New(typ).Elem()
			changed.Set(filled)
			changed = deepCopy(changed)
			f := leaf(changed, path)
			switch f.Kind() {
			case reflect.String:
				f.SetString(f.String() + "'")
			case reflect.Int:
				f.SetInt(f.Int() + 1000)
			case reflect.Bool:
				f.SetBool(false)
			case reflect.Func:
				continue
			case reflect.Interface:
				f.Set(reflect.ValueOf(schema.DropTable{Name: f.Interface().(schema.DropTable).Name + "'"}))
			}
			if bytes.Equal(base, encode(changed.Interface().(schema.Operation))) {
				t.Errorf("changing %s leaves the encoding as it was", path)
			}
		}
	}
}

// deepCopy returns a copy of v that shares no slice with it.
func deepCopy(v reflect.Value) reflect.Value {
	c := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			c.Field(i).Set(deepCopy(v.Field(i)))
		}
	case reflect.Slice:
		if v.IsNil() {
			return c
		}
		c.Set(reflect.MakeSlice(v.Type(), v.Len(), v.Len()))
		for i := range v.Len() {
			c.Index(i).Set(deepCopy(v.Index(i)))
		}
	default:
		c.Set(v)
	}
	return c
}

func TestTheEncodingSeesWhatTheDialectRunsOnly(t *testing.T) {
	col := func(custom ...schema.CustomType) schema.Operation {
		return schema.AddColumn{Table: "t", Column: schema.Column{Name: "c", Type: schema.Type{Kind: schema.Text, Custom: custom}}}
	}
	cases := []struct {
		name    string
		a, b    schema.Operation
		dialect string
		same    bool
	}{
		{"SQL for SQLite only is unseen on PostgreSQL", schema.RunSQL{SQL: "x", SQLite: "a"}, schema.RunSQL{SQL: "x", SQLite: "b"}, "postgres", true},
		{"SQL for SQLite is seen on SQLite", schema.RunSQL{SQL: "x", SQLite: "a"}, schema.RunSQL{SQL: "x", SQLite: "b"}, "sqlite", false},
		{"the common SQL is seen where no text of the dialect overrides it", schema.RunSQL{SQL: "a"}, schema.RunSQL{SQL: "b"}, "postgres", false},
		{"the same text, whether common or the dialect's own, encodes alike", schema.RunSQL{SQL: "a"}, schema.RunSQL{Postgres: "a"}, "postgres", true},
		{"a custom type for another dialect is unseen", col(schema.CustomType{Dialect: "sqlite", SQL: "a"}), col(schema.CustomType{Dialect: "sqlite", SQL: "b"}), "postgres", true},
		{"a custom type for every dialect is seen", col(schema.CustomType{SQL: "a"}), col(schema.CustomType{SQL: "b"}), "postgres", false},
		{"a custom type appearing is seen", col(), col(schema.CustomType{Dialect: "postgres", SQL: "text"}), "postgres", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := schema.AppendEncoding(nil, tc.dialect, []schema.Operation{tc.a})
			b := schema.AppendEncoding(nil, tc.dialect, []schema.Operation{tc.b})
			if bytes.Equal(a, b) != tc.same {
				t.Errorf("%+v and %+v encode alike: %v, want %v", tc.a, tc.b, bytes.Equal(a, b), tc.same)
			}
		})
	}
}

func TestARunSQLThatDeclaresNothingEncodesAsBeforeDeclaresExisted(t *testing.T) {
	// The checksums of migrations applied by earlier builds depend on it.
	want := []byte{2, 6, 'R', 'u', 'n', 'S', 'Q', 'L', 3, 'x', '=', '1'}
	if got := schema.AppendEncoding(nil, "postgres", []schema.Operation{schema.RunSQL{SQL: "x=1"}}); !bytes.Equal(got, want) {
		t.Errorf("AppendEncoding(RunSQL{SQL: \"x=1\"}) = %v, want %v", got, want)
	}
	declares := schema.RunSQL{SQL: "x=1", Declares: []schema.Operation{schema.DropTable{Name: "t"}}}
	if got := schema.AppendEncoding(nil, "postgres", []schema.Operation{declares}); bytes.Equal(got, want) {
		t.Error("a RunSQL that declares an operation encodes as one that declares none")
	}
}

func TestListsOfOperationsDoNotRunTogether(t *testing.T) {
	pairs := [][2][]schema.Operation{
		{{schema.DropTable{Name: "ab"}}, {schema.DropTable{Name: "a"}, schema.DropTable{Name: "b"}}},
		{{schema.RenameTable{From: "a", To: "bc"}}, {schema.RenameTable{From: "ab", To: "c"}}},
		{{schema.RunGo{}}, {schema.RunGo{}, schema.RunGo{}}},
		{{}, {nil}},
	}
	for _, p := range pairs {
		if bytes.Equal(schema.AppendEncoding(nil, "sqlite", p[0]), schema.AppendEncoding(nil, "sqlite", p[1])) {
			t.Errorf("%v and %v encode alike", p[0], p[1])
		}
	}
}

// A RunSQL's MySQL text is what MySQL's checksum sees, and nothing the
// other dialects see: adding it to an applied migration changes only the
// checksum on MySQL.
func TestRunSQLEncodesTheTextOfTheDialectOnly(t *testing.T) {
	before := []schema.Operation{schema.RunSQL{SQL: "UPDATE t SET a = 1"}}
	after := []schema.Operation{schema.RunSQL{SQL: "UPDATE t SET a = 1", MySQL: "UPDATE `t` SET `a` = 1"}}
	for dialect, changes := range map[string]bool{"postgres": false, "sqlite": false, "mysql": true} {
		b, a := schema.AppendEncoding(nil, dialect, before), schema.AppendEncoding(nil, dialect, after)
		if (string(b) != string(a)) != changes {
			t.Errorf("on %s, the MySQL text changes the encoding: %v, want %v", dialect, string(b) != string(a), changes)
		}
	}
	if got := (schema.RunSQL{SQL: "x", MySQL: "y"}).For("mysql"); got != "y" {
		t.Errorf("For(mysql) = %q, want the MySQL text", got)
	}
}
