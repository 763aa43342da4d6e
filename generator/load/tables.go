package load

import (
	"fmt"
	"go/token"
	"maps"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// checkTables checks what spans models: one model per table name, foreign
// keys, table renames and the names of indexes and constraints.
func (l *loader) checkTables() {
	tables := map[string]*model{}
	extended := map[string]*model{}
	for _, m := range l.models {
		if m.extends {
			l.checkExtension(m, extended)
			continue
		}
		if ext, ok := l.external[m.table.Name]; ok {
			l.errorf(m.tableDir, m.goName, "", "table %s is a table of set %s, whose migrations make it: give the model's table another name", m.table.Name, ext.Set)
			continue
		}
		if first := tables[m.table.Name]; first != nil {
			l.errorf(m.tableDir, m.goName, "", "table %s is the table of %s already (%s): give one of them another name",
				m.table.Name, first.goName, l.position(first.pos))
			continue
		}
		tables[m.table.Name] = m
	}
	for _, m := range l.models {
		if tables[m.table.Name] != m && extended[m.table.Name] != m {
			continue
		}
		for _, ref := range m.fks {
			l.resolveFK(m, ref, tables)
		}
	}
	l.checkTableRenames(tables)
	l.checkNames(tables)
	for _, m := range l.models {
		l.checkUniqueKeys(m)
	}
}

// checkExtension checks m, a struct marked //strata:extend, and records
// it in extended: it extends a table of a set the app includes, once, and
// adds no column that table has.
func (l *loader) checkExtension(m *model, extended map[string]*model) {
	ext, ok := l.external[m.table.Name]
	if !ok {
		l.errorf(m.tableDir, m.goName, "", "//strata:extend %s: no set the migrations include makes table %s: pass the set's migrations package with --include, "+
			"or declare the table with //strata:table", m.table.Name, m.table.Name)
		return
	}
	if first := extended[m.table.Name]; first != nil {
		l.errorf(m.tableDir, m.goName, "", "table %s is extended by %s already (%s): put the columns in one struct", m.table.Name, first.goName, l.position(first.pos))
		return
	}
	extended[m.table.Name] = m
	if len(m.table.PrimaryKey) > 0 {
		l.errorf(m.tableDir, m.goName, "", "//strata:extend %s: an extension adds columns, and table %s of set %s has its primary key already", m.table.Name, m.table.Name, ext.Set)
	}
	for _, c := range m.table.Columns {
		if ext.Table.Column(c.Name) == nil {
			continue
		}
		pos, field := m.pos, ""
		if k := m.known[c.Name]; k != nil {
			pos, field = k.pos, k.path
		}
		l.errorf(pos, m.goName, field, "column %s.%s: table %s of set %s has a column %s already: give the extension's column another name (db tag)",
			m.table.Name, c.Name, m.table.Name, ext.Set, c.Name)
	}
}

// checkUniqueKeys refuses two unique constraints, or a unique constraint
// and the primary key, over the same columns: PostgreSQL keeps only one of
// them, so the model and the database would disagree.
func (l *loader) checkUniqueKeys(m *model) {
	seen := map[string]string{}
	if len(m.table.PrimaryKey) > 0 {
		seen[strings.Join(m.table.PrimaryKey, ",")] = "the primary key"
	}
	for _, u := range m.table.Uniques {
		key := strings.Join(u.Columns, ",")
		first, dup := seen[key]
		if !dup {
			seen[key] = "unique constraint " + u.Name
			continue
		}
		pos, field := m.pos, ""
		for _, n := range m.names {
			if n.name == u.Name {
				pos, field = n.pos, n.field
				break
			}
		}
		l.errorf(pos, m.goName, field, "unique constraint %s is over the same columns (%s) as %s: keep one of them",
			u.Name, strings.Join(u.Columns, ", "), first)
	}
}

// resolveFK checks that ref names a key column of a model with the type of
// the referencing column, and adds the foreign key to m's table.
func (l *loader) resolveFK(m *model, ref fkRef, tables map[string]*model) {
	c := ref.col
	target := tables[ref.table]
	if ext, ok := l.external[ref.table]; ok && target == nil {
		l.resolveExternalFK(m, ref, ext)
		return
	}
	if target == nil {
		l.errorf(c.pos, m.goName, c.path, "fk=%s.%s: no model has table %q%s", ref.table, ref.column, ref.table,
			didYouMean(ref.table, slices.Sorted(maps.Keys(tables))))
		return
	}
	to := target.table.Column(ref.column)
	if to == nil {
		if target.known[ref.column] == nil { // else the column has a problem of its own
			l.errorf(c.pos, m.goName, c.path, "fk=%s.%s: table %s has no column %q%s", ref.table, ref.column, ref.table, ref.column,
				target.columnHint(ref.column))
		}
		return
	}
	from := m.table.Column(c.column)
	if !sameType(from.Type, to.Type) {
		l.errorf(c.pos, m.goName, c.path, "fk=%s.%s: the column types differ: %s is %s and %s.%s is %s; give the field the type of %s.%s",
			ref.table, ref.column, c.column, describeType(from.Type), ref.table, ref.column, describeType(to.Type), target.goName, target.known[ref.column].path)
		return
	}
	if !isKey(&target.table, ref.column) {
		l.errorf(c.pos, m.goName, c.path, "fk=%s.%s: %s is neither the primary key of %s nor unique, and a foreign key must reference a key: reference one, or make it unique",
			ref.table, ref.column, ref.column, ref.table)
		return
	}
	l.addFK(m, ref)
}

// resolveExternalFK is [loader.resolveFK] for a reference to ext, a table
// of another set.
func (l *loader) resolveExternalFK(m *model, ref fkRef, ext ExternalTable) {
	c := ref.col
	to := ext.Table.Column(ref.column)
	if to == nil {
		var names []string
		for _, col := range ext.Table.Columns {
			names = append(names, col.Name)
		}
		l.errorf(c.pos, m.goName, c.path, "fk=%s.%s: table %s of set %s has no column %q%s", ref.table, ref.column, ref.table, ext.Set, ref.column,
			didYouMean(ref.column, names))
		return
	}
	from := m.table.Column(c.column)
	if !sameType(from.Type, to.Type) {
		l.errorf(c.pos, m.goName, c.path, "fk=%s.%s: the column types differ: %s is %s and %s.%s, of set %s, is %s; give the field the type of %s.%s",
			ref.table, ref.column, c.column, describeType(from.Type), ref.table, ref.column, ext.Set, describeType(to.Type), ref.table, ref.column)
		return
	}
	if !isKey(&ext.Table, ref.column) {
		l.errorf(c.pos, m.goName, c.path, "fk=%s.%s: %s is neither the primary key of %s (of set %s) nor unique, and a foreign key must reference a key",
			ref.table, ref.column, ref.column, ref.table, ext.Set)
		return
	}
	l.addFK(m, ref)
}

// addFK adds to m's table the foreign key of ref, checked.
func (l *loader) addFK(m *model, ref fkRef) {
	c := ref.col
	name := ConstraintName(m.table.Name, []string{c.column}, "fkey")
	m.table.ForeignKeys = append(m.table.ForeignKeys, schema.ForeignKey{
		Name: name, Columns: []string{c.column}, RefTable: ref.table, RefColumns: []string{ref.column},
		OnDelete: ref.onDelete, OnUpdate: ref.onUpdate,
	})
	m.names = append(m.names, namedObject{name: name, what: "foreign key", pos: c.pos, field: c.path})
}

// sameType reports whether a foreign key may join columns of types a and
// b: the same kind, size and enum, and on each engine the same SQL type
// spelt out with type=, or none.
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

// describeType prints a column type for messages.
func describeType(t schema.Type) string {
	switch {
	case t.Kind == schema.EnumKind:
		return "enum " + t.Enum
	case t.Size > 0:
		return fmt.Sprintf("%s(size=%d)", t.Kind, t.Size)
	case len(t.Custom) > 0:
		var sqls []string
		for _, c := range t.Custom {
			key := "type"
			if c.Dialect != "" {
				key += "." + c.Dialect
			}
			sqls = append(sqls, key+"="+c.SQL)
		}
		return fmt.Sprintf("%s (%s)", t.Kind, strings.Join(sqls, ", "))
	}
	return string(t.Kind)
}

// isKey reports whether column alone is the primary key of t, or unique.
func isKey(t *schema.Table, column string) bool {
	key := []string{column}
	if slices.Equal(t.PrimaryKey, key) {
		return true
	}
	for _, u := range t.Uniques {
		if slices.Equal(u.Columns, key) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if ix.Unique && ix.Where == "" && slices.Equal(ix.Columns, key) {
			return true
		}
	}
	return false
}

// checkTableRenames reports table renamed_from hints that name a table that
// still exists, or that two tables share.
func (l *loader) checkTableRenames(tables map[string]*model) {
	from := map[string]string{}
	for _, m := range l.models {
		for _, r := range m.renames {
			if r.Column != "" {
				continue
			}
			if other := tables[r.From]; other != nil {
				l.errorAt(r.Pos, m.goName, "", "renamed_from=%s: table %s still exists (the table of %s); remove renamed_from, or rename that one",
					r.From, r.From, other.goName)
				continue
			}
			if first, ok := from[r.From]; ok {
				l.errorAt(r.Pos, m.goName, "", "renamed_from=%s: table %s was renamed from it too; one table can take the old name", r.From, first)
				continue
			}
			from[r.From] = r.Table
		}
	}
}

// checkNames reports indexes and constraints whose names clash. PostgreSQL
// keeps tables, types, indexes and the constraints backed by an index in
// one namespace, and every constraint of a table in another.
func (l *loader) checkNames(tables map[string]*model) {
	type place struct {
		what string
		pos  token.Pos
	}
	global := map[string]place{}
	for _, m := range l.models {
		if _, ok := global[m.table.Name]; !ok {
			global[m.table.Name] = place{"table", m.tableDir}
		}
	}
	// PostgreSQL names the sequence of an identity column
	// {table}_{column}_seq, in the namespace of tables.
	for _, m := range l.models {
		for _, c := range m.table.Columns {
			if !c.Identity {
				continue
			}
			seq := schema.DerivedName(m.table.Name, []string{c.Name}, "seq")
			if first, ok := global[seq]; ok {
				l.errorf(m.tableDir, m.goName, "", "PostgreSQL names the sequence of the identity column %s.%s %s, which is the name of the %s at %s: rename that %s",
					m.table.Name, c.Name, seq, first.what, l.position(first.pos), first.what)
				continue
			}
			global[seq] = place{"identity sequence of " + m.table.Name + "." + c.Name, m.tableDir}
		}
	}
	used := l.usedEnums()
	for _, key := range slices.Sorted(maps.Keys(l.enums)) {
		e := l.enums[key]
		if first, ok := global[e.name]; ok && used[e.name] {
			l.errorf(e.pos, e.goName, "", "enum name %s is the name of the %s at %s too, and PostgreSQL keeps types and tables in one namespace: name the enum with //strata:enum NAME",
				e.name, first.what, l.position(first.pos))
		}
	}
	for _, m := range l.models {
		if tables[m.table.Name] != m {
			continue // claims the table of another model; reported already
		}
		local := map[string]place{}
		for _, n := range m.names {
			first, clash := local[n.name]
			if !clash && n.global {
				first, clash = global[n.name]
			}
			if clash {
				l.errorf(n.pos, m.goName, n.field, "the %s name %s is taken by the %s at %s: choose another name", n.what, n.name, first.what, l.position(first.pos))
				continue
			}
			local[n.name] = place{n.what, n.pos}
			if n.global {
				global[n.name] = local[n.name]
			}
		}
	}
}

// usedEnums returns the names of the enums that some column has as type.
func (l *loader) usedEnums() map[string]bool {
	used := map[string]bool{}
	for _, m := range l.models {
		for _, c := range m.table.Columns {
			if c.Type.Kind == schema.EnumKind {
				used[c.Type.Enum] = true
			}
		}
	}
	return used
}
