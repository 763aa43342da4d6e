package modelgen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime/schema"
)

// tableModel is the struct of one table.
type tableModel struct {
	t      *schema.Table
	goName string
	fields []*field
}

// field is one column's field: its Go type and its strata options, in the
// order the docs list them.
type field struct {
	col                                  *schema.Column
	name                                 string
	goType                               string
	typ                                  schema.Type // the column type the loader reads from goType and the options
	pk, identity, unique, index, autoNow bool
	custom                               []string // type=, type.postgres=, type.sqlite=
	size                                 int
	def                                  string
	fk                                   *schema.ForeignKey
	check                                string
}

// tag returns the field's struct tag.
func (f *field) tag() string {
	var opts []string
	add := func(ok bool, opt string) {
		if ok {
			opts = append(opts, opt)
		}
	}
	add(f.pk, "pk")
	add(f.identity, "identity")
	opts = append(opts, f.custom...)
	add(f.size > 0, "size="+strconv.Itoa(f.size))
	add(f.unique, "unique")
	add(f.index, "index")
	add(f.def != "", "default="+f.def)
	add(f.autoNow, "auto_now")
	if f.fk != nil {
		opts = append(opts, "fk="+f.fk.RefTable+"."+f.fk.RefColumns[0])
		add(f.fk.OnDelete != schema.NoAction, "on_delete="+string(f.fk.OnDelete))
		add(f.fk.OnUpdate != schema.NoAction, "on_update="+string(f.fk.OnUpdate))
	}
	add(f.check != "", "check="+f.check)
	tag := fmt.Sprintf("db:%q", f.col.Name)
	if len(opts) > 0 {
		tag += " strata:" + strconv.Quote(strings.Join(opts, ","))
	}
	return "`" + tag + "`"
}

// writeTable writes the struct of tm.
func (g *gen) writeTable(b *strings.Builder, tm *tableModel) {
	t := tm.t
	directives := []string{"//strata:table " + t.Name}
	directives = append(directives, g.keys(tm)...)
	uniques := g.uniques(tm) // before indexes: a unique column needs no index option
	directives = append(directives, g.indexes(tm)...)
	directives = append(directives, uniques...)
	g.foreignKeys(tm)
	directives = append(directives, g.checks(tm)...)

	fmt.Fprintf(b, "// %s is a row of the table %s.\n//\n", tm.goName, t.Name)
	for _, d := range directives {
		b.WriteString(d + "\n")
	}
	fmt.Fprintf(b, "type %s struct {\n", tm.goName)
	for _, f := range tm.fields {
		fmt.Fprintf(b, "\t%s %s %s\n", f.name, f.goType, f.tag())
	}
	b.WriteString("}\n\n")
}

// planFields works out the field of each column of tm.
func (g *gen) planFields(tm *tableModel) {
	names := newNamer()
	for i := range tm.t.Columns {
		if f := g.column(tm.t, &tm.t.Columns[i]); f != nil {
			f.name = names.take(goName(f.col.Name), "Col")
			tm.fields = append(tm.fields, f)
		}
	}
}

// fieldOf returns the field of the column named name, or nil.
func (tm *tableModel) fieldOf(name string) *field {
	for _, f := range tm.fields {
		if f.col.Name == name {
			return f
		}
	}
	return nil
}

// hasColumns reports whether every name is a column of tm's fields.
func (tm *tableModel) hasColumns(names []string) bool {
	for _, n := range names {
		if tm.fieldOf(n) == nil {
			return false
		}
	}
	return len(names) > 0
}

// keys sets the pk option of a one-column primary key, and returns the
// //strata:pk directive of a longer one.
func (g *gen) keys(tm *tableModel) []string {
	pk := tm.t.PrimaryKey
	switch {
	case len(pk) == 0:
		return nil
	case !tm.hasColumns(pk):
		g.skip("table %s: its primary key (%s) is on columns left out; the models have none", tm.t.Name, strings.Join(pk, ", "))
		return nil
	case len(pk) == 1:
		tm.fieldOf(pk[0]).pk = true
		return nil
	}
	return []string{"//strata:pk (" + strings.Join(pk, ", ") + ")"}
}

// onePK reports whether name is the whole primary key of t.
func onePK(t *schema.Table, name string) bool {
	return len(t.PrimaryKey) == 1 && t.PrimaryKey[0] == name
}

// objectName returns the name a directive gives the index or constraint
// name of table, or the conventional one, with a note, when name cannot
// be one: SQLite's own names for the UNIQUE of a CREATE TABLE
// (sqlite_autoindex_...) and names that are not identifiers.
func (g *gen) objectName(table, what, name string, columns []string, suffix string) string {
	if nameProblem(name) == "" && !strings.HasPrefix(name, "sqlite_") {
		return name
	}
	derived := schema.DerivedName(table, columns, suffix)
	g.skip("%s %s on %s: the models name it %s", what, name, table, derived)
	return derived
}

// indexes sets the index option of one-column indexes named by strata's
// convention, and returns the //strata:index directives of the others.
func (g *gen) indexes(tm *tableModel) []string {
	t := tm.t
	var out []string
	for _, ix := range t.Indexes {
		if !tm.hasColumns(ix.Columns) {
			g.skip("index %s on %s: its key (%s) is an expression or a column left out", ix.Name, t.Name, strings.Join(ix.Columns, ", "))
			continue
		}
		if ix.Where != "" && sqltext.Expression(ix.Where) != nil {
			g.skip("index %s on %s: its predicate %q is not one SQL expression strata can write", ix.Name, t.Name, ix.Where)
			continue
		}
		if len(ix.Columns) == 1 && !ix.Unique && ix.Where == "" && ix.Name == schema.DerivedName(t.Name, ix.Columns, "idx") {
			if f := tm.fieldOf(ix.Columns[0]); !f.pk && !f.index && !f.unique {
				f.index = true
				continue
			}
		}
		d := fmt.Sprintf("//strata:index %s (%s)", g.objectName(t.Name, "index", ix.Name, ix.Columns, "idx"), strings.Join(ix.Columns, ", "))
		if ix.Unique {
			d += " unique"
		}
		if ix.Where != "" {
			d += " where " + strconv.Quote(ix.Where)
		}
		out = append(out, d)
	}
	return out
}

// uniques sets the unique option of one-column unique constraints named
// by strata's convention, and returns the //strata:unique directives of
// the others.
func (g *gen) uniques(tm *tableModel) []string {
	t := tm.t
	var out []string
	for _, u := range t.Uniques {
		if !tm.hasColumns(u.Columns) {
			g.skip("unique constraint %s on %s: its columns (%s) are left out", u.Name, t.Name, strings.Join(u.Columns, ", "))
			continue
		}
		if len(u.Columns) == 1 && !onePK(t, u.Columns[0]) {
			derived := schema.DerivedName(t.Name, u.Columns, "key")
			f := tm.fieldOf(u.Columns[0])
			if !f.unique && (u.Name == derived || strings.HasPrefix(u.Name, "sqlite_autoindex_")) {
				if u.Name != derived {
					g.skip("unique constraint %s on %s: the models name it %s", u.Name, t.Name, derived)
				}
				f.unique = true
				continue
			}
		}
		out = append(out, fmt.Sprintf("//strata:unique %s (%s)", g.objectName(t.Name, "unique constraint", u.Name, u.Columns, "key"), strings.Join(u.Columns, ", ")))
	}
	return out
}

// foreignKeys sets the fk options of the fields of tm.
func (g *gen) foreignKeys(tm *tableModel) {
	t := tm.t
	for i := range t.ForeignKeys {
		fk := &t.ForeignKeys[i]
		if why := g.fkProblem(tm, fk); why != "" {
			g.skip("foreign key %s on %s (%s) -> %s (%s): %s; it is left out", fk.Name, t.Name,
				strings.Join(fk.Columns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", "), why)
			continue
		}
		if derived := schema.DerivedName(t.Name, fk.Columns, "fkey"); fk.Name != derived {
			g.skip("foreign key %s on %s: the models name it %s", fk.Name, t.Name, derived)
		}
		tm.fieldOf(fk.Columns[0]).fk = fk
	}
}

// fkProblem says why fk, a foreign key of tm, cannot be a field's fk
// option, or returns "".
func (g *gen) fkProblem(tm *tableModel, fk *schema.ForeignKey) string {
	if len(fk.Columns) != 1 || len(fk.RefColumns) != 1 {
		return "a foreign key of several columns is not in the model language"
	}
	f := tm.fieldOf(fk.Columns[0])
	ref := g.byName[fk.RefTable]
	var rf *field
	if ref != nil {
		rf = ref.fieldOf(fk.RefColumns[0])
	}
	switch {
	case f == nil:
		return "its column is left out"
	case f.fk != nil:
		return "its column has a foreign key already, and a field holds one"
	case ref == nil || rf == nil:
		return "the table or column it references is not in the models"
	case !sameType(f.typ, rf.typ) && g.integerLike(tm, f, rf, fk.RefTable):
		return ""
	case !sameType(f.typ, rf.typ):
		return "the two columns' types differ, which strata refuses"
	case (fk.OnDelete == schema.SetNull || fk.OnUpdate == schema.SetNull) && !f.col.Nullable:
		return "set_null on a NOT NULL column, which strata refuses"
	case (fk.OnDelete == schema.SetDefault || fk.OnUpdate == schema.SetDefault) && f.def == "":
		return "set_default on a column without a default, which strata refuses"
	}
	return ""
}

// integerLike gives f, an integer column of a type strata has no kind
// for (SQLite's INTEGER, as a hand-written schema declares the columns
// that reference an INTEGER PRIMARY KEY), the type of rf, the key it
// references, and says so: the loader refuses a foreign key between
// columns of different types. It reports whether it did.
func (g *gen) integerLike(tm *tableModel, f, rf *field, refTable string) bool {
	integer := func(k schema.Kind) bool { return k == schema.Int16 || k == schema.Int32 || k == schema.Int64 }
	if len(f.typ.Custom) == 0 || len(rf.typ.Custom) > 0 || !integer(f.typ.Kind) || !integer(rf.typ.Kind) || f.typ.Size != 0 {
		return false
	}
	base := kindGoTypes[rf.typ.Kind]
	g.skip("column %s.%s: declared %s, the models make it %s, the type of %s.%s, which its foreign key references",
		tm.t.Name, f.col.Name, f.typ.Custom[0].SQL, base, refTable, rf.col.Name)
	f.typ.Kind, f.typ.Custom, f.custom = rf.typ.Kind, nil, nil
	if strings.HasPrefix(f.goType, "*") {
		base = "*" + base
	}
	f.goType = base
	return true
}

// sameType reports whether the loader lets a foreign key join columns of
// types a and b.
func sameType(a, b schema.Type) bool {
	if a.Kind != b.Kind || a.Size != b.Size || a.Enum != b.Enum {
		return false
	}
	for _, d := range []string{"postgres", "sqlite"} {
		sa, oka := a.CustomFor(d)
		sb, okb := b.CustomFor(d)
		if oka != okb || !strings.EqualFold(strings.Join(strings.Fields(sa), " "), strings.Join(strings.Fields(sb), " ")) {
			return false
		}
	}
	return true
}

// checks sets the check option of fields whose check is named by strata's
// convention for a column, and returns the //strata:check directives of
// the others.
func (g *gen) checks(tm *tableModel) []string {
	t := tm.t
	var out []string
	for n, ck := range t.Checks {
		if p := sqltext.Expression(ck.Expr); p != nil {
			g.skip("check %s on %s: %q is not one SQL expression strata can write (%s); it is left out", ck.Name, t.Name, ck.Expr, p.Why)
			continue
		}
		if f := g.columnCheck(tm, ck.Name); f != nil {
			f.check = ck.Expr
			continue
		}
		name, ok := strings.CutPrefix(ck.Name, t.Name+"_")
		name, ok2 := strings.CutSuffix(name, "_check")
		if !ok || !ok2 || nameProblem(name) != "" || schema.DerivedName(t.Name, []string{name}, "check") != ck.Name {
			name = fmt.Sprintf("check%d", n+1)
			if ck.Name != "" && nameProblem(ck.Name) == "" {
				name = ck.Name
			}
			what := "check " + ck.Name
			if ck.Name == "" {
				what = "unnamed check (" + ck.Expr + ")"
			}
			g.skip("%s on %s: the models name it %s", what, t.Name, schema.DerivedName(t.Name, []string{name}, "check"))
		}
		out = append(out, fmt.Sprintf("//strata:check %s %s", name, strconv.Quote(ck.Expr)))
	}
	return out
}

// columnCheck returns the field whose check= option names a check name,
// {table}_{column}_check, when it has none yet.
func (g *gen) columnCheck(tm *tableModel, name string) *field {
	for _, f := range tm.fields {
		if f.check == "" && name == schema.DerivedName(tm.t.Name, []string{f.col.Name}, "check") {
			return f
		}
	}
	return nil
}

// inKey reports whether column is in the primary key of t.
func inKey(t *schema.Table, column string) bool { return slices.Contains(t.PrimaryKey, column) }
