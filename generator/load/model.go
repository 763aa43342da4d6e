package load

import (
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime/schema"
)

// model is a struct marked //strata:table, and the table built from it.
type model struct {
	pkg      *packages.Package
	goName   string
	pos      token.Pos // of the type's name
	tableDir token.Pos // of its //strata:table directive
	st       *types.Struct
	dirs     []directive // its table-level directives other than table

	table   schema.Table
	known   map[string]*column // every column a field declares, even a broken one
	pkField *column            // the field with the pk option
	pkDir   bool               // whether a //strata:pk directive was read
	offline bool               // whether a //strata:offline directive was read
	// extends is set for a struct marked //strata:extend: its columns
	// are added to a table of a set the app includes (see [ModelsWith]).
	extends bool
	renames []Rename
	hints   map[string]columnHints // by column name
	fks     []fkRef
	names   []namedObject
}

// column is a field that is a column, as its options and Go type describe
// it.
type column struct {
	*field
	g    goType
	opts options
}

// columnHints are the backfill= and using= options of a column: how to
// migrate its existing rows, which the schema does not hold.
type columnHints struct {
	backfill string // SQL, checked like a default
	using    string // SQL, as written
}

// fkRef is a fk=table.column option, resolved once every table is known.
type fkRef struct {
	col                *column
	table, column      string
	onDelete, onUpdate schema.Action
}

// namedObject is an index or constraint of a table, whose name must not
// clash with another's.
type namedObject struct {
	name  string
	what  string // "index", "unique constraint", ...
	pos   token.Pos
	field string // Go field path, "" for a directive
	// global tells an object whose name PostgreSQL keeps in the namespace
	// of tables: an index, or a constraint backed by one.
	global bool
}

// maxColumns is the most columns PostgreSQL allows in a table.
const maxColumns = 1600

// maxVarchar is the largest size PostgreSQL allows for VARCHAR(n).
const maxVarchar = 10485760

// buildModel builds the table of m from its fields and directives.
func (l *loader) buildModel(m *model) {
	m.known = map[string]*column{}
	for _, f := range l.structFields(m, m.st, "", map[string]bool{}) {
		if first := m.known[f.column]; first != nil {
			l.errorf(f.pos, m.goName, f.path, "duplicate column %q: field %s (%s) has that name already; give one of them another db tag",
				f.column, first.path, l.position(first.pos))
			continue
		}
		c := &column{field: f}
		m.known[f.column] = c
		l.buildColumn(m, c)
	}
	if len(m.known) == 0 {
		l.errorf(m.pos, m.goName, "", "model has no columns: give its fields db tags")
		return
	}
	if n := len(m.table.Columns); n > maxColumns {
		l.errorf(m.tableDir, m.goName, "", "table %s has %d columns, more than the %d PostgreSQL allows: split it into tables", m.table.Name, n, maxColumns)
	}
	for _, d := range m.dirs {
		l.tableLevelDirective(m, d)
	}
	l.checkIdentity(m)
	l.checkColumnRenames(m)
}

// buildColumn adds the column c to the table of m, when its type and
// options are sound.
func (l *loader) buildColumn(m *model, c *column) {
	if p := identProblem(c.column); p != "" {
		l.errorf(c.pos, m.goName, c.path, "column name %q is not valid: %s%s", c.column, p, writeInstead(c.column, `db:"%s"`))
	} else if why := columnReserved(c.column); why != "" {
		l.errorf(c.pos, m.goName, c.path, "column name %q is not valid: %s; give the field another db name", c.column, why)
	}
	opts, problems := parseOptions(c.strata)
	for _, p := range problems {
		l.errorf(c.pos, m.goName, c.path, "%s", p)
	}
	c.opts = opts
	c.g = l.describeType(c.typ)
	typ, ok := l.columnType(m, c)
	if !ok {
		return
	}
	// A nil slice or map is sent as NULL: its column takes NULL, but in a
	// primary key, where the database refuses it either way.
	col := schema.Column{Name: c.column, Type: typ, Nullable: c.g.nullable || c.g.nilable && !c.opts.has("pk")}
	l.columnDefault(m, c, &col)
	l.columnHints(m, c, col)
	l.columnKeys(m, c, &col)
	l.columnRefs(m, c, &col)
	m.table.Columns = append(m.table.Columns, col)
}

// columnType works out the column type of c from its Go type and its json,
// type= and size options. It reports false when c cannot be a column.
func (l *loader) columnType(m *model, c *column) (schema.Type, bool) {
	g := c.g
	var typ schema.Type
	for _, key := range []string{"type", "type.postgres", "type.sqlite", "type.mysql"} {
		if sql, ok := c.opts[key]; ok {
			if p := sqltext.Type(sql); p != nil {
				l.errorf(c.pos, m.goName, c.path, "%s=%s is not one SQL type: %s, at byte %d; strata writes it into its own statements", key, sql, p.Why, p.At+1)
				return typ, false
			}
			dialect := ""
			if key != "type" {
				dialect = key[len("type."):]
			}
			typ.Custom = append(typ.Custom, schema.CustomType{Dialect: dialect, SQL: sql})
		}
	}
	switch {
	case g.invalid:
		return typ, false
	case g.fatal:
		l.errorf(c.pos, m.goName, c.path, "%s", g.problem)
		return typ, false
	case c.opts.has("json"):
		if !g.composite && g.kind != schema.Bytes && g.kind != schema.JSON {
			l.errorf(c.pos, m.goName, c.path, "json stores a map, struct, slice or array as JSON, and %s is none of them: remove json", g.display())
			return typ, false
		}
		typ.Kind = schema.JSON
	case g.kind != "":
		typ.Kind = g.kind
		if g.enum != nil {
			typ.Enum = g.enum.name
		}
	case len(typ.Custom) > 0:
		typ.Kind = schema.Text // the Go type has no kind; the custom type is the column's
	default:
		l.errorf(c.pos, m.goName, c.path, "%s", g.problem)
		return typ, false
	}
	if v, ok := c.opts["size"]; ok {
		n, err := strconv.Atoi(v)
		switch {
		case !g.isString() || typ.Kind != schema.Text:
			l.errorf(c.pos, m.goName, c.path, "size is for string columns, and %s is not one: remove size", g.display())
		case err != nil || n <= 0:
			l.errorf(c.pos, m.goName, c.path, "size=%s is not a positive whole number: write the most characters the column holds, such as size=320", v)
		case n > maxVarchar:
			l.errorf(c.pos, m.goName, c.path, "size=%d is more than %d, the largest VARCHAR PostgreSQL allows: remove size for an unbounded text column", n, maxVarchar)
		default:
			typ.Size = n
		}
	}
	return typ, true
}

// columnDefault sets the default of col from the default and auto_now
// options of c.
func (l *loader) columnDefault(m *model, c *column, col *schema.Column) {
	if v, ok := c.opts["default"]; ok {
		if !l.optionExpression(m, c, "default", v) {
			return
		}
		known := c.g.kind != "" || col.Type.Kind == schema.JSON
		sql, problem := defaultSQL("default", v, col.Type, known, c.g.enum)
		if problem == "" {
			problem = goRangeProblem(c.g, sql)
		}
		if problem != "" {
			l.errorf(c.pos, m.goName, c.path, "default=%s: %s", v, problem)
		}
		col.Default = sql
	}
	if c.opts.has("auto_now") {
		if col.Type.Kind != schema.Timestamp {
			l.errorf(c.pos, m.goName, c.path, "auto_now is for time.Time fields, and %s is not one: remove auto_now", c.g.display())
			return
		}
		col.AutoNow = true
		if col.Default == "" {
			col.Default = "CURRENT_TIMESTAMP"
		}
	}
}

// columnHints reads the backfill= and using= options of c, whose column is
// col, into m.hints.
func (l *loader) columnHints(m *model, c *column, col schema.Column) {
	var h columnHints
	if v, ok := c.opts["backfill"]; ok && l.optionExpression(m, c, "backfill", v) {
		known := c.g.kind != "" || col.Type.Kind == schema.JSON
		sql, problem := defaultSQL("backfill", v, col.Type, known, c.g.enum)
		if problem == "" {
			problem = goRangeProblem(c.g, sql)
		}
		switch {
		case col.Nullable:
			l.errorf(c.pos, m.goName, c.path, "backfill fills the NULLs of a column that becomes NOT NULL, and %s is nullable: remove backfill", c.g.display())
		case problem != "":
			l.errorf(c.pos, m.goName, c.path, "backfill=%s: %s", v, problem)
		default:
			h.backfill = sql
		}
	}
	if v, ok := c.opts["using"]; ok && l.optionExpression(m, c, "using", v) {
		h.using = v
	}
	if h == (columnHints{}) {
		return
	}
	if m.hints == nil {
		m.hints = map[string]columnHints{}
	}
	m.hints[col.Name] = h
}

// columnKeys applies the pk, identity, unique and index options of c.
func (l *loader) columnKeys(m *model, c *column, col *schema.Column) {
	t := m.table.Name
	pk := c.opts.has("pk")
	if pk {
		switch {
		case col.Nullable:
			l.errorf(c.pos, m.goName, c.path, "a primary key column cannot be NULL, and %s is nullable: use a non-pointer type", c.g.display())
		case m.pkField != nil:
			l.errorf(c.pos, m.goName, c.path, "pk is on field %s already: for a composite key, write //strata:pk (%s, %s) on the struct",
				m.pkField.path, m.pkField.column, c.column)
		default:
			m.pkField = c
			m.table.PrimaryKey = []string{c.column}
			m.names = append(m.names, namedObject{name: ConstraintName(t, nil, "pkey"), what: "primary key", pos: c.pos, field: c.path, global: true})
		}
	}
	if c.opts.has("identity") {
		switch {
		case !c.g.isInteger():
			l.errorf(c.pos, m.goName, c.path, "identity is for integer primary keys, and %s is not an integer: remove identity", c.g.display())
		case c.opts.has("default"):
			l.errorf(c.pos, m.goName, c.path, "identity and default conflict: the database generates an identity column's value; remove default")
		default:
			col.Identity = true
		}
	}
	unique := c.opts.has("unique")
	switch {
	case unique && pk:
		l.errorf(c.pos, m.goName, c.path, "unique and pk on one field: a primary key is unique already; remove unique")
	case unique:
		name := ConstraintName(t, []string{c.column}, "key")
		m.table.Uniques = append(m.table.Uniques, schema.Unique{Name: name, Columns: []string{c.column}})
		m.names = append(m.names, namedObject{name: name, what: "unique constraint", pos: c.pos, field: c.path, global: true})
	}
	if c.opts.has("index") {
		switch {
		case pk || unique:
			l.errorf(c.pos, m.goName, c.path, "index with pk or unique: the key has an index already; remove index")
		default:
			name := ConstraintName(t, []string{c.column}, "idx")
			m.table.Indexes = append(m.table.Indexes, schema.Index{Name: name, Columns: []string{c.column}})
			m.names = append(m.names, namedObject{name: name, what: "index", pos: c.pos, field: c.path, global: true})
		}
	}
}

// The values of on_delete and on_update.
var actions = map[string]schema.Action{
	"cascade": schema.Cascade, "restrict": schema.Restrict, "set_null": schema.SetNull,
	"set_default": schema.SetDefault, "no_action": schema.NoAction,
}

// columnRefs applies the fk, on_delete, on_update, check and renamed_from
// options of c.
func (l *loader) columnRefs(m *model, c *column, col *schema.Column) {
	ref := fkRef{col: c}
	v, hasFK := c.opts["fk"]
	if hasFK {
		table, column, ok := strings.Cut(v, ".")
		switch {
		case !ok || strings.Contains(column, "."):
			l.errorf(c.pos, m.goName, c.path, "fk=%s: write fk=table.column, such as fk=users.id", v)
			hasFK = false
		case identProblem(table) != "" || identProblem(column) != "":
			l.errorf(c.pos, m.goName, c.path, "fk=%s: the names of tables and columns are lowercase identifiers: write fk=%s.%s",
				v, identHint(table), identHint(column))
			hasFK = false
		}
		ref.table, ref.column = table, column
	}
	for _, key := range []string{"on_delete", "on_update"} {
		v, ok := c.opts[key]
		if !ok {
			continue
		}
		action, known := actions[v]
		switch {
		case !known:
			l.errorf(c.pos, m.goName, c.path, "%s=%s: unknown action%s; write cascade, restrict, set_null, set_default or no_action",
				key, v, didYouMean(v, slices.Sorted(maps.Keys(actions))))
		case !c.opts.has("fk"):
			l.errorf(c.pos, m.goName, c.path, "%s needs a foreign key: add fk=table.column, or remove %s", key, key)
		case action == schema.SetNull && !col.Nullable:
			l.errorf(c.pos, m.goName, c.path, "%s=set_null needs a nullable column, and %s is not: use a pointer type", key, c.g.display())
		case action == schema.SetDefault && col.Default == "":
			l.errorf(c.pos, m.goName, c.path, "%s=set_default needs a default: add default=...", key)
		case key == "on_delete":
			ref.onDelete = action
		default:
			ref.onUpdate = action
		}
	}
	if hasFK {
		m.fks = append(m.fks, ref)
	}
	if expr, ok := c.opts["check"]; ok && l.optionExpression(m, c, "check", expr) {
		name := ConstraintName(m.table.Name, []string{c.column}, "check")
		m.table.Checks = append(m.table.Checks, schema.Check{Name: name, Expr: expr})
		m.names = append(m.names, namedObject{name: name, what: "check constraint", pos: c.pos, field: c.path})
	}
	if old, ok := c.opts["renamed_from"]; ok {
		if p := renameProblem(old, c.column); p != "" {
			l.errorf(c.pos, m.goName, c.path, "renamed_from=%s: %s", old, p)
			return
		}
		m.renames = append(m.renames, Rename{Table: m.table.Name, Column: c.column, From: old, Pos: l.position(c.pos)})
	}
}

// checkIdentity reports an identity column that is not the whole primary
// key of its table.
func (l *loader) checkIdentity(m *model) {
	for _, col := range m.table.Columns {
		if col.Identity && !slices.Equal(m.table.PrimaryKey, []string{col.Name}) {
			c := m.known[col.Name]
			l.errorf(c.pos, m.goName, c.path, "identity is only for a single-column primary key: add pk to this field, or remove identity")
		}
	}
}

// checkColumnRenames reports renamed_from hints that name a column that
// still exists, or that two columns share.
func (l *loader) checkColumnRenames(m *model) {
	from := map[string]Rename{}
	for _, r := range m.renames {
		if r.Column == "" {
			continue
		}
		c := m.known[r.Column]
		if m.known[r.From] != nil {
			l.errorf(c.pos, m.goName, c.path, "renamed_from=%s: column %s still exists; remove renamed_from, or rename that one", r.From, r.From)
			continue
		}
		if first, ok := from[r.From]; ok {
			l.errorf(c.pos, m.goName, c.path, "renamed_from=%s: column %s was renamed from it too; one column can take the old name", r.From, first.Column)
			continue
		}
		from[r.From] = r
	}
}

// optionExpression checks that v, the value of option key of field c of
// m, is one SQL expression (see [sqltext.Expression]), and reports whether
// it is.
func (l *loader) optionExpression(m *model, c *column, key, v string) bool {
	p := sqltext.Expression(v)
	if p == nil {
		return true
	}
	l.errorf(c.pos, m.goName, c.path, "%s=%s is not one SQL expression: %s, at byte %d; strata writes it into its own statements", key, v, p.Why, p.At+1)
	return false
}
