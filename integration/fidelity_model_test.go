package integration

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// The fidelity test evolves a set of models one step at a time. These types
// are that set as the test knows it: the source of truth from which each
// step's Go source is written, and against which rows are tracked. Tables
// and columns are pointers, so that renames keep their identity; names come
// from one counter and are never reused, so a stale renamed_from hint never
// names a live object.

// fModels is the model set of one step.
type fModels struct {
	tables []*fTable // in creation order
	enums  []*fEnum  // the //strata:enum types, in creation order
	serial int       // the last number given to a name
	// sets splits the models in two packages: a library's, whose
	// migrations are the set "lib", and an app's, which includes it. A
	// table or enum type of the library has lib set. The library's tables
	// reference only its own; the app's reference either.
	sets bool
}

// canReference reports whether table from may have a foreign key to to.
func (m *fModels) canReference(from, to *fTable) bool { return !m.sets || !from.lib || to.lib }

// enumFits reports whether a column of table t may be of enum type e: one
// of t's own package.
func (m *fModels) enumFits(t *fTable, e *fEnum) bool { return !m.sets || t.lib == e.lib }

// referencedByApp reports whether a table of the app references t.
func (m *fModels) referencedByApp(t *fTable) bool {
	for _, o := range m.tables {
		for _, c := range o.cols {
			if !o.lib && o != t && c.fk != nil && c.fk.to == t {
				return true
			}
		}
	}
	return false
}

// libTables returns the library's tables.
func (m *fModels) libTables() []*fTable {
	var lib []*fTable
	for _, t := range m.tables {
		if t.lib {
			lib = append(lib, t)
		}
	}
	return lib
}

// crossReferences returns how many columns of the app's tables are foreign
// keys to the library's.
func (m *fModels) crossReferences() int {
	n := 0
	for _, t := range m.tables {
		for _, c := range t.cols {
			if !t.lib && c.fk != nil && c.fk.to.lib {
				n++
			}
		}
	}
	return n
}

// count returns how many tables of the library (lib) or of the app there
// are.
func (m *fModels) count(lib bool) int {
	n := 0
	for _, t := range m.tables {
		if t.lib == lib {
			n++
		}
	}
	return n
}

// fTable is one model struct: table id int64 plus columns, and table-level
// directives.
type fTable struct {
	lib      bool   // of the library's package (see fModels.sets)
	n        int    // its Go type is T{n}
	name     string // the table
	from     string // renamed_from, or ""
	identity bool   // id is an identity column
	cols     []*fColumn
	indexes  []*fIndex
	uniques  []*fUnique
	checks   []*fCheck
}

// fColumn is one field of a model.
type fColumn struct {
	n        int // its Go field is F{n}
	name     string
	from     string // renamed_from, or ""
	kind     schema.Kind
	size     int // VARCHAR(size) when kind is Text; 0 for TEXT
	nullable bool
	def      string // the default as a value (7, d7, true, 2.5), or ""
	backfill string // the backfill= value of this step, or ""
	unique   bool
	index    bool
	check    bool // check=NAME >= 0, on numeric columns
	fk       *fRef
	enum     *fEnum // the enum type of an EnumKind column
	autoNow  bool   // auto_now, on Timestamp columns
}

// fEnum is a //strata:enum type E{n}, whose values are its constants.
type fEnum struct {
	lib    bool // of the library's package (see fModels.sets)
	n      int
	values []*fEnumValue // in declaration order
}

// fEnumValue is one constant K{n} of an enum: the value it spells and the
// //strata:renamed_from hint on it.
type fEnumValue struct {
	n    int
	name string
	from string // renamed_from, or ""
}

// names returns the values of e, in order.
func (e *fEnum) names() []string {
	names := make([]string, len(e.values))
	for i, v := range e.values {
		names[i] = v.name
	}
	return names
}

// fRef is the fk= option of a column: always to the id of a table.
type fRef struct {
	to                 *fTable
	onDelete, onUpdate string // on_delete= and on_update= values, or ""
}

// fIndex is a //strata:index directive over two columns, or over one with
// a where clause.
type fIndex struct {
	name    string
	cols    []*fColumn
	unique  bool
	partial bool // where "first IS NOT NULL"
}

// fUnique is a //strata:unique directive over two columns.
type fUnique struct {
	name string
	cols []*fColumn
}

// fCheck is a //strata:check directive over one numeric column.
type fCheck struct {
	name string
	col  *fColumn
}

// fresh returns a new name: prefix and the next number of the counter.
func (m *fModels) fresh(prefix string) (string, int) {
	m.serial++
	return fmt.Sprintf("%s%d", prefix, m.serial), m.serial
}

// source returns the models as the body of package models.
func (m *fModels) source() string { return m.sourceOfWhere(func(bool) bool { return true }) }

// sourceOf returns the models of the library's package (lib) or of the
// app's, when the models are split in two sets.
func (m *fModels) sourceOf(lib bool) string {
	return m.sourceOfWhere(func(l bool) bool { return l == lib })
}

// sourceOfWhere returns, as the body of package models, the tables and enum
// types whose lib flag in accepts.
func (m *fModels) sourceOfWhere(in func(lib bool) bool) string {
	var b strings.Builder
	b.WriteString("package models\n")
	if m.usesTime(in) {
		b.WriteString("\nimport \"time\"\n")
	}
	for _, e := range m.enums {
		if !in(e.lib) {
			continue
		}
		fmt.Fprintf(&b, "\n//strata:enum\ntype E%d string\n\nconst (\n", e.n)
		for _, v := range e.values {
			fmt.Fprintf(&b, "\tK%d E%d = %q", v.n, e.n, v.name)
			if v.from != "" {
				fmt.Fprintf(&b, " //strata:renamed_from %s", v.from)
			}
			b.WriteString("\n")
		}
		b.WriteString(")\n")
	}
	for _, t := range m.tables {
		if !in(t.lib) {
			continue
		}
		b.WriteString("\n")
		t.writeSource(&b)
	}
	return b.String()
}

// usesTime reports whether a column of a table whose lib flag in accepts
// is a time.Time.
func (m *fModels) usesTime(in func(lib bool) bool) bool {
	for _, t := range m.tables {
		if !in(t.lib) {
			continue
		}
		for _, c := range t.cols {
			if c.kind == schema.Timestamp {
				return true
			}
		}
	}
	return false
}

func (t *fTable) writeSource(b *strings.Builder) {
	fmt.Fprintf(b, "//strata:table %s", t.name)
	if t.from != "" {
		fmt.Fprintf(b, " renamed_from=%s", t.from)
	}
	b.WriteString("\n")
	for _, ix := range t.indexes {
		fmt.Fprintf(b, "//strata:index %s (%s)", ix.name, columnNames(ix.cols))
		if ix.unique {
			b.WriteString(" unique")
		}
		if ix.partial {
			fmt.Fprintf(b, ` where "%s IS NOT NULL"`, ix.cols[0].name)
		}
		b.WriteString("\n")
	}
	for _, u := range t.uniques {
		fmt.Fprintf(b, "//strata:unique %s (%s)\n", u.name, columnNames(u.cols))
	}
	for _, c := range t.checks {
		fmt.Fprintf(b, "//strata:check %s \"%s >= 0\"\n", c.name, c.col.name)
	}
	fmt.Fprintf(b, "type T%d struct {\n", t.n)
	pk := "pk"
	if t.identity {
		pk = "pk,identity"
	}
	fmt.Fprintf(b, "\tID int64 `db:\"id\" strata:%q`\n", pk)
	for _, c := range t.cols {
		fmt.Fprintf(b, "\tF%d %s `db:%q", c.n, c.goType(), c.name)
		if opts := c.options(); len(opts) > 0 {
			fmt.Fprintf(b, " strata:%q", strings.Join(opts, ","))
		}
		b.WriteString("`\n")
	}
	b.WriteString("}\n")
}

func columnNames(cols []*fColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// goTypes are the Go types of the kinds the test draws.
var goTypes = map[schema.Kind]string{
	schema.Bool: "bool", schema.Int16: "int16", schema.Int32: "int32", schema.Int64: "int64",
	schema.Float32: "float32", schema.Float64: "float64", schema.Text: "string",
	schema.Timestamp: "time.Time",
}

func (c *fColumn) goType() string {
	typ := goTypes[c.kind]
	if c.kind == schema.EnumKind {
		typ = fmt.Sprintf("E%d", c.enum.n)
	}
	if c.nullable {
		return "*" + typ
	}
	return typ
}

// options returns the strata tag options of c, in a fixed order.
func (c *fColumn) options() []string {
	var opts []string
	add := func(cond bool, opt string) {
		if cond {
			opts = append(opts, opt)
		}
	}
	add(c.unique, "unique")
	add(c.index, "index")
	add(c.size > 0, fmt.Sprintf("size=%d", c.size))
	add(c.autoNow, "auto_now")
	add(c.def != "", "default="+c.literal(c.def))
	add(c.backfill != "", "backfill="+c.literal(c.backfill))
	add(c.check, "check="+c.name+" >= 0")
	if c.fk != nil {
		opts = append(opts, "fk="+c.fk.to.name+".id")
		add(c.fk.onDelete != "", "on_delete="+c.fk.onDelete)
		add(c.fk.onUpdate != "", "on_update="+c.fk.onUpdate)
	}
	add(c.from != "", "renamed_from="+c.from)
	return opts
}

// literal spells the value v as SQL for c's type: quoted for text and
// enums; a time's value is now.
func (c *fColumn) literal(v string) string {
	if c.kind == schema.Text || c.kind == schema.EnumKind {
		return "'" + v + "'"
	}
	return v
}

// numeric reports whether c holds numbers, so that a check c >= 0 applies.
func (c *fColumn) numeric() bool {
	switch c.kind {
	case schema.Int16, schema.Int32, schema.Int64:
		return true
	case schema.Float32, schema.Float64:
		return fidelityChecksOnFloats
	}
	return false
}

// inUnique reports whether c is part of a unique constraint or index of t.
func (t *fTable) inUnique(c *fColumn) bool {
	if c.unique {
		return true
	}
	for _, u := range t.uniques {
		if slices.Contains(u.cols, c) {
			return true
		}
	}
	for _, ix := range t.indexes {
		if ix.unique && slices.Contains(ix.cols, c) {
			return true
		}
	}
	return false
}

// forget removes the table-level objects of t that use column c.
func (t *fTable) forget(c *fColumn) {
	t.indexes = slices.DeleteFunc(t.indexes, func(ix *fIndex) bool { return slices.Contains(ix.cols, c) })
	t.uniques = slices.DeleteFunc(t.uniques, func(u *fUnique) bool { return slices.Contains(u.cols, c) })
	t.checks = slices.DeleteFunc(t.checks, func(k *fCheck) bool { return k.col == c })
}

// endStep clears the one-step hints: backfill= always, and renamed_from
// (of tables, columns and enum values) only sometimes, so that stale hints
// stay in the models too (they must emit nothing).
func (m *fModels) endStep(keepStale func() bool) {
	for _, e := range m.enums {
		for _, v := range e.values {
			if !keepStale() {
				v.from = ""
			}
		}
	}
	for _, t := range m.tables {
		if !keepStale() {
			t.from = ""
		}
		for _, c := range t.cols {
			c.backfill = ""
			if !keepStale() {
				c.from = ""
			}
		}
	}
}
