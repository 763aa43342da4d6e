package sqlite

import (
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// Comparable returns a copy of s in the form in which a schema and what
// [Inspect] reads back from a database holding it are equal. Tests compare
// Comparable(want) with Comparable(got); s itself is left as it is.
//
// It normalises, the same way on both sides, what SQLite cannot tell back:
//
//   - Each column's type becomes the type Inspect reads back from the SQL
//     type [Dialect.ColumnType] declares for it: JSON and UUID fold into
//     Text, a type= override that names a built-in type becomes that type,
//     any other custom type is kept for "sqlite" with its SQL lowercased.
//   - An identity column is an Int64 that is not NULL-able, and so is a
//     lone primary-key column declared INTEGER (SQLite's rowid alias,
//     whatever the model says).
//   - Each enum column gets an enum of its own named "table.column" holding
//     the values of the enum it had, and Enums lists exactly those.
//   - Empty lists are nil.
//
// The result is canonical (see [schema.Schema.Normalize]).
func Comparable(s *schema.Schema) *schema.Schema {
	c := s.Clone()
	var enums []schema.Enum
	for ti := range c.Tables {
		t := &c.Tables[ti]
		for ci := range t.Columns {
			col := &t.Columns[ci]
			if e, ok := comparableEnum(s, t.Name, col); ok {
				enums = append(enums, e)
				continue
			}
			comparableType(t, col)
		}
	}
	c.Enums = enums
	c.Normalize()
	emptyToNil(c)
	return c
}

// emptyToNil makes every empty slice of s nil: a database holds no
// difference between the two.
func emptyToNil(s *schema.Schema) {
	s.Enums, s.Tables = orNil(s.Enums), orNil(s.Tables)
	for i := range s.Enums {
		s.Enums[i].Values = orNil(s.Enums[i].Values)
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		t.Columns, t.PrimaryKey = orNil(t.Columns), orNil(t.PrimaryKey)
		t.Indexes, t.Uniques = orNil(t.Indexes), orNil(t.Uniques)
		t.ForeignKeys, t.Checks = orNil(t.ForeignKeys), orNil(t.Checks)
		for k := range t.Columns {
			t.Columns[k].Type.Custom = orNil(t.Columns[k].Type.Custom)
		}
		for k := range t.Indexes {
			t.Indexes[k].Columns = orNil(t.Indexes[k].Columns)
		}
		for k := range t.Uniques {
			t.Uniques[k].Columns = orNil(t.Uniques[k].Columns)
		}
		for k := range t.ForeignKeys {
			fk := &t.ForeignKeys[k]
			fk.Columns, fk.RefColumns = orNil(fk.Columns), orNil(fk.RefColumns)
		}
	}
}

func orNil[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

// comparableEnum gives the enum column col of table its own enum, which it
// returns; it reports false, changing nothing, for a column of another
// type, or one whose type= override makes it something else on SQLite.
func comparableEnum(s *schema.Schema, table string, col *schema.Column) (schema.Enum, bool) {
	if _, custom := col.Type.CustomFor(dialectName); col.Type.Kind != schema.EnumKind || custom {
		return schema.Enum{}, false
	}
	e := schema.Enum{Name: enumName(table, col.Name)}
	if old := s.Enum(col.Type.Enum); old != nil {
		e.Values = slices.Clone(old.Values)
	}
	col.Type = schema.Type{Kind: schema.EnumKind, Enum: e.Name}
	return e, true
}

// comparableType sets the type of col, a column of t, to the one Inspect
// reads back for it.
func comparableType(t *schema.Table, col *schema.Column) {
	if col.Identity {
		col.Type, col.Nullable = schema.Type{Kind: schema.Int64}, false
		return
	}
	decl, err := Dialect{}.ColumnType(col.Type)
	if err != nil {
		return // Render refuses it; leave it for the comparison to show
	}
	rowid := len(t.PrimaryKey) == 1 && t.PrimaryKey[0] == col.Name
	typ, identity := declaredType(decl, rowid)
	for i := range typ.Custom {
		typ.Custom[i].SQL = strings.ToLower(strings.TrimSpace(typ.Custom[i].SQL))
	}
	col.Type = typ
	if identity {
		col.Identity, col.Nullable = true, false
	}
}
