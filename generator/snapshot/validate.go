package snapshot

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// restoreHint ends every [Problem]: the snapshot is generated, so a value
// no migration could have written was changed by hand or by a bad merge.
const restoreHint = "restore the snapshot from version control, or rebuild it from the migrations with strata adopt"

// maxVarchar is the largest size PostgreSQL allows for VARCHAR(n), and so
// the largest Size the loader gives a column.
const maxVarchar = 10485760

// migrationID matches the ID of a migration, which names its file.
var migrationID = regexp.MustCompile(`^[0-9]{4,}_[a-z0-9_]+$`)

// kinds and actions are the values the schema package declares, in the
// order messages list them.
var (
	kinds = []schema.Kind{schema.Bool, schema.Int16, schema.Int32, schema.Int64, schema.Float32, schema.Float64,
		schema.Text, schema.Bytes, schema.Timestamp, schema.JSON, schema.UUID, schema.EnumKind}
	actions = []schema.Action{schema.NoAction, schema.Cascade, schema.Restrict, schema.SetNull, schema.SetDefault}
)

// Problem is a value of a snapshot file that decodes but that no migration
// could have written, such as a negative size or an index on a missing
// column.
type Problem struct {
	// Pos is the position of the literal that holds the value or, when the
	// file leaves the value out, of the closest literal around it.
	Pos token.Position
	// Path names the value, such as Head or Tables[2].Columns[1].Type.Size,
	// its indexes counted as the file lists the values.
	Path string
	// Msg says what is wrong with it.
	Msg string
}

// String formats p as "file:line:col: path: message; restore the snapshot
// from version control".
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s; %s", p.Pos, p.Path, p.Msg, restoreHint)
}

// InvalidError is the error [Read] returns for a snapshot file whose values
// are wrong, with every problem of the file, in the order of their
// positions.
type InvalidError struct{ Problems []Problem }

// Error returns the problems one per line.
func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// positions maps the path of each value of the literals of a snapshot
// file, spelt as [Problem.Path] spells it, to the expression that holds it.
// The Snapshot literal itself has the path "".
type positions map[string]token.Pos

// record records x, found at path, and the values x lists or whose fields
// it sets when it is a composite literal.
func (ps positions) record(path string, x ast.Expr) {
	x = ast.Unparen(x)
	ps[path] = x.Pos()
	lit, ok := x.(*ast.CompositeLit)
	if !ok {
		return
	}
	for i, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			ps.record(fmt.Sprintf("%s[%d]", path, i), e)
			continue
		}
		if key, ok := kv.Key.(*ast.Ident); ok {
			if path != "" {
				ps.record(path+"."+key.Name, kv.Value)
			} else {
				ps.record(key.Name, kv.Value)
			}
		}
	}
}

// of returns the position of the value at path or, for a value the file
// leaves out, of the closest value around it.
func (ps positions) of(path string) token.Pos {
	for {
		if pos, ok := ps[path]; ok {
			return pos
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return ps[""]
		}
		path = path[:i]
	}
}

// validator collects the problems of the values of one snapshot file.
type validator struct {
	fset     *token.FileSet
	pos      positions
	problems []Problem
	// external holds the tables of the sets the migrations package
	// includes, which foreign keys may reference (see [ReadWith]).
	external *schema.Schema
}

// validate checks the values of f, which d decoded and has not normalized
// yet, so that the indexes of paths follow the file. It returns an
// [*InvalidError] with every problem found, or nil.
func (d *decoder) validate(f *File, external *schema.Schema) error {
	v := validator{fset: d.fset, pos: positions{}, external: external}
	v.pos.record("", d.snapshot)
	v.pos["Head"] = d.headValue.Pos()
	for table, pos := range d.modelPos {
		v.pos[modelPath(table)] = pos.key
		v.pos[modelPath(table)+".Model"] = pos.value
	}
	v.head(f.Head, f.Schema)
	v.schema(f.Schema)
	v.models(f.Models, f.Schema)
	if len(v.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(v.problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	return &InvalidError{Problems: v.problems}
}

// add records a problem with the value at path.
func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Pos: v.at(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// at returns the position in the file of the value at path.
func (v *validator) at(path string) token.Position {
	return v.fset.PositionFor(v.pos.of(path), false)
}

// named checks the name of a value that needs one distinct from those seen
// so far, which seen maps to the paths of their names, and records it.
func (v *validator) named(path, what, name string, seen map[string]string) {
	switch first, dup := seen[name]; {
	case name == "":
		v.add(path, "%s has no name", what)
	case dup:
		v.add(path, "%s %q is declared twice (first at %s)", what, name, v.at(first))
	default:
		seen[name] = path
	}
}

func (v *validator) head(head string, s *schema.Schema) {
	switch {
	case head == "" && len(s.Tables)+len(s.Enums) > 0:
		v.add("Head", `empty, yet Snapshot holds tables or enum types: Head is the ID of the migration that made them, such as "0002_add_users_bio"`)
	case head != "" && !migrationID.MatchString(head):
		v.add("Head", `%q is not a migration ID, such as "0002_add_users_bio"`, head)
	}
}

func (v *validator) schema(s *schema.Schema) {
	enums := map[string]string{}
	for i, e := range s.Enums {
		path := fmt.Sprintf("Enums[%d]", i)
		v.named(path+".Name", "enum type", e.Name, enums)
		if len(e.Values) == 0 {
			v.add(path+".Values", "enum type %q has no values", e.Name)
		}
		values := map[string]string{}
		for j, value := range e.Values {
			vp := fmt.Sprintf("%s.Values[%d]", path, j)
			if first, dup := values[value]; dup {
				v.add(vp, "value %q of enum type %q is listed twice (first at %s)", value, e.Name, v.at(first))
				continue
			}
			values[value] = vp
		}
	}
	names := map[string]string{}
	tables := map[string]*schema.Table{}
	for i := range s.Tables {
		t := &s.Tables[i]
		v.named(fmt.Sprintf("Tables[%d].Name", i), "table", t.Name, names)
		if tables[t.Name] == nil {
			tables[t.Name] = t
		}
	}
	if v.external != nil {
		for i := range v.external.Tables {
			t := &v.external.Tables[i]
			own := tables[t.Name]
			if own == nil {
				tables[t.Name] = t
				continue
			}
			// The snapshot's table extends the set's (//strata:extend):
			// keys may reference the columns of either.
			merged := t.Clone()
			merged.Columns = append(merged.Columns, own.Columns...)
			merged.Uniques = append(merged.Uniques, own.Uniques...)
			merged.Indexes = append(merged.Indexes, own.Indexes...)
			tables[t.Name] = &merged
		}
	}
	indexNames := map[string]string{} // of indexes and unique constraints, which share a namespace
	for i := range s.Tables {
		tv := tableValidator{validator: v, path: fmt.Sprintf("Tables[%d]", i), table: &s.Tables[i], columns: map[string]string{}}
		tv.columnsOf(enums)
		tv.keys(indexNames)
		tv.foreignKeys(tables)
		tv.checks()
	}
}

// tableValidator checks the values of one table.
type tableValidator struct {
	*validator
	path    string
	table   *schema.Table
	columns map[string]string // the table's column names, to the paths of their first declarations
}

func (v *tableValidator) columnsOf(enums map[string]string) {
	if len(v.table.Columns) == 0 {
		v.add(v.path+".Columns", "table %q has no columns", v.table.Name)
	}
	for i, c := range v.table.Columns {
		path := fmt.Sprintf("%s.Columns[%d]", v.path, i)
		v.named(path+".Name", "column", c.Name, v.columns)
		v.columnType(path+".Type", c.Type, enums)
	}
}

func (v *tableValidator) columnType(path string, t schema.Type, enums map[string]string) {
	known := slices.Contains(kinds, t.Kind)
	switch {
	case t.Kind == "":
		v.add(path+".Kind", "no kind: the kinds are %s", list(kinds))
	case !known:
		v.add(path+".Kind", "unknown kind %q: the kinds are %s", t.Kind, list(kinds))
	}
	switch {
	case t.Size < 0:
		v.add(path+".Size", "negative size %d", t.Size)
	case t.Size > maxVarchar:
		v.add(path+".Size", "size %d is more than %d, the largest VARCHAR PostgreSQL allows", t.Size, maxVarchar)
	case t.Size > 0 && known && t.Kind != schema.Text:
		v.add(path+".Size", "size %d on a column of kind %q, which takes none", t.Size, t.Kind)
	}
	switch _, declared := enums[t.Enum]; {
	case t.Kind == schema.EnumKind && t.Enum == "":
		v.add(path+".Enum", "a column of kind enum names no enum type")
	case t.Kind == schema.EnumKind && !declared:
		v.add(path+".Enum", "enum type %q is not declared in Enums", t.Enum)
	case t.Kind != schema.EnumKind && known && t.Enum != "":
		v.add(path+".Enum", "enum type %q on a column of kind %q, which takes none", t.Enum, t.Kind)
	}
	dialects := map[string]string{}
	for i, c := range t.Custom {
		cp := fmt.Sprintf("%s.Custom[%d]", path, i)
		if first, dup := dialects[c.Dialect]; dup {
			v.add(cp+".Dialect", "a second SQL type for %s (first at %s)", dialectName(c.Dialect), v.at(first))
		} else {
			dialects[c.Dialect] = cp + ".Dialect"
		}
		if c.SQL == "" {
			v.add(cp+".SQL", "the SQL type for %s is empty", dialectName(c.Dialect))
		}
	}
}

// keys checks the primary key, indexes and unique constraints of the
// table; indexNames maps the names of the schema's indexes and unique
// constraints seen so far to their paths.
func (v *tableValidator) keys(indexNames map[string]string) {
	if len(v.table.PrimaryKey) > 0 {
		v.columnList(v.path+".PrimaryKey", "the primary key", v.table.PrimaryKey)
	}
	for i, ix := range v.table.Indexes {
		path := fmt.Sprintf("%s.Indexes[%d]", v.path, i)
		v.named(path+".Name", "index or unique constraint", ix.Name, indexNames)
		v.columnList(path+".Columns", fmt.Sprintf("index %q", ix.Name), ix.Columns)
	}
	for i, u := range v.table.Uniques {
		path := fmt.Sprintf("%s.Uniques[%d]", v.path, i)
		v.named(path+".Name", "index or unique constraint", u.Name, indexNames)
		v.columnList(path+".Columns", fmt.Sprintf("unique constraint %q", u.Name), u.Columns)
	}
}

func (v *tableValidator) foreignKeys(tables map[string]*schema.Table) {
	names := map[string]string{}
	for i, fk := range v.table.ForeignKeys {
		path := fmt.Sprintf("%s.ForeignKeys[%d]", v.path, i)
		what := fmt.Sprintf("foreign key %q", fk.Name)
		v.named(path+".Name", "foreign key", fk.Name, names)
		v.columnList(path+".Columns", what, fk.Columns)
		v.action(path+".OnDelete", fk.OnDelete)
		v.action(path+".OnUpdate", fk.OnUpdate)
		ref := tables[fk.RefTable]
		switch {
		case ref == nil:
			v.add(path+".RefTable", "%s references table %q, which Snapshot does not declare", what, fk.RefTable)
			continue
		case len(fk.RefColumns) != len(fk.Columns):
			v.add(path+".RefColumns", "%s references (%s) from (%s): it needs as many columns on each side",
				what, strings.Join(fk.RefColumns, ", "), strings.Join(fk.Columns, ", "))
		}
		for j, name := range fk.RefColumns {
			if ref.Column(name) == nil {
				v.add(fmt.Sprintf("%s.RefColumns[%d]", path, j), "%s references column %q of table %q, which has none", what, name, ref.Name)
			}
		}
	}
}

func (v *tableValidator) checks() {
	names := map[string]string{}
	for i, c := range v.table.Checks {
		path := fmt.Sprintf("%s.Checks[%d]", v.path, i)
		v.named(path+".Name", "check", c.Name, names)
		if c.Expr == "" {
			v.add(path+".Expr", "check %q has no expression", c.Name)
		}
	}
}

// columnList checks names, the columns of what, which must be distinct
// columns of the table, at least one.
func (v *tableValidator) columnList(path, what string, names []string) {
	if len(names) == 0 {
		v.add(path, "%s has no columns", what)
	}
	seen := map[string]bool{}
	for i, name := range names {
		switch {
		case v.table.Column(name) == nil:
			v.add(fmt.Sprintf("%s[%d]", path, i), "%s names column %q, which table %q does not have", what, name, v.table.Name)
		case seen[name]:
			v.add(fmt.Sprintf("%s[%d]", path, i), "%s lists column %q twice", what, name)
		}
		seen[name] = true
	}
}

func (v *tableValidator) action(path string, a schema.Action) {
	if !slices.Contains(actions, a) {
		v.add(path, "unknown action %q: the actions are %s", a, list(actions))
	}
}

// models checks that each entry of Models is of a table of s and names a
// model struct as a package path, a dot and a type name.
func (v *validator) models(models map[string]string, s *schema.Schema) {
	for _, table := range slices.Sorted(maps.Keys(models)) {
		model := models[table]
		i := strings.LastIndex(model, ".")
		switch {
		case s.Table(table) == nil:
			v.add(modelPath(table), "Snapshot declares no table %q", table)
		case i <= 0 || !token.IsIdentifier(model[i+1:]):
			v.add(modelPath(table)+".Model", "%q is not a model struct, such as \"example.com/app/models.User\"", model)
		}
	}
}

// modelPath is the path of the Models entry of table; the model it names
// is at modelPath(table)+".Model".
func modelPath(table string) string { return fmt.Sprintf("Models[%q]", table) }

// list quotes values for a message: "a", "b" and "c".
func list[T ~string](values []T) string {
	quoted := make([]string, len(values))
	for i, x := range values {
		quoted[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}

func dialectName(dialect string) string {
	if dialect == "" {
		return "every dialect"
	}
	return fmt.Sprintf("dialect %q", dialect)
}
