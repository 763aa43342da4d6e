package diff

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// reverse replays ops on a copy of old and returns the operations that undo
// them, in the order that undoes them, with the schema ops lead to. Each
// inverse comes from the schema just before its operation: the inverse of
// DropTable creates the table as it was at that point.
func reverse(old *schema.Schema, ops []schema.Operation) (down []schema.Operation, after *schema.Schema, err error) {
	// A fork: the operations go through Apply, which copies what it
	// changes, and the tables they leave as they were stay old's own,
	// which sameSchema finds the same at once.
	s := old.Fork()
	for i, op := range ops {
		inv, err := inverse(s, op)
		if err != nil {
			return nil, nil, fmt.Errorf("operation %d (%s): %w", i+1, op, err)
		}
		if add, ok := inv.(schema.AddColumn); ok {
			// down is reversed below: the column comes back, then loses
			// the placeholder default.
			if fill, ok := placeholder(s, add.Column); ok {
				down = append(down, schema.AlterColumn{Table: add.Table, Column: add.Column})
				add.Column.Default = fill
				inv = add
			}
		}
		if err := op.Apply(s); err != nil {
			return nil, nil, fmt.Errorf("operation %d (%s): %w", i+1, op, err)
		}
		down = append(down, inv)
	}
	slices.Reverse(down)
	return down, s, nil
}

// placeholder returns the value that re-adds c to a table holding rows,
// when c is NOT NULL without a default: the data of a dropped column is
// gone, and no database adds such a column to rows without a value for it.
// The value is the zero value of c's Go type (0, ”, false, the first value
// of an enum, ...), and only for the rows that existed when the column
// came back; the Down that re-adds the column drops it as its default.
// ok is false when c needs no placeholder or has no obvious one (a custom
// SQL type).
func placeholder(s *schema.Schema, c schema.Column) (fill string, ok bool) {
	if c.Nullable || c.Default != "" || c.Identity || len(c.Type.Custom) > 0 {
		return "", false
	}
	switch c.Type.Kind {
	case schema.Bool:
		return "false", true
	case schema.Int16, schema.Int32, schema.Int64, schema.Float32, schema.Float64:
		return "0", true
	case schema.Text, schema.Bytes:
		return "''", true
	case schema.Timestamp:
		return "'1970-01-01 00:00:00+00'", true
	case schema.JSON:
		return "'null'", true
	case schema.UUID:
		return "'00000000-0000-0000-0000-000000000000'", true
	case schema.EnumKind:
		if e := s.Enum(c.Type.Enum); e != nil && len(e.Values) > 0 {
			return "'" + strings.ReplaceAll(e.Values[0], "'", "''") + "'", true
		}
	}
	return "", false
}

// inverse returns the operation that undoes op applied to s.
func inverse(s *schema.Schema, op schema.Operation) (schema.Operation, error) {
	switch op := op.(type) {
	case schema.CreateTable:
		return schema.DropTable{Name: op.Table.Name}, nil
	case schema.DropTable:
		if t := s.Table(op.Name); t != nil {
			return schema.CreateTable{Table: t.Clone()}, nil
		}
	case schema.AddColumn:
		return schema.DropColumn{Table: op.Table, Column: op.Column.Name}, nil
	case schema.DropColumn:
		if t := s.Table(op.Table); t != nil && t.Column(op.Column) != nil {
			c := *t.Column(op.Column)
			c.Type.Custom = slices.Clone(c.Type.Custom)
			return schema.AddColumn{Table: op.Table, Column: c}, nil
		}
	case schema.CreateIndex:
		return schema.DropIndex{Table: op.Table, Name: op.Index.Name}, nil
	case schema.DropIndex:
		if t := s.Table(op.Table); t != nil && t.Index(op.Name) != nil {
			ix := *t.Index(op.Name)
			ix.Columns = slices.Clone(ix.Columns)
			return schema.CreateIndex{Table: op.Table, Index: ix}, nil
		}
	case schema.AddUnique:
		return schema.DropUnique{Table: op.Table, Name: op.Unique.Name}, nil
	case schema.DropUnique:
		if t := s.Table(op.Table); t != nil && t.Unique(op.Name) != nil {
			u := *t.Unique(op.Name)
			u.Columns = slices.Clone(u.Columns)
			return schema.AddUnique{Table: op.Table, Unique: u}, nil
		}
	case schema.AddForeignKey:
		return schema.DropForeignKey{Table: op.Table, Name: op.ForeignKey.Name}, nil
	case schema.DropForeignKey:
		if t := s.Table(op.Table); t != nil && t.ForeignKey(op.Name) != nil {
			fk := *t.ForeignKey(op.Name)
			fk.Columns, fk.RefColumns = slices.Clone(fk.Columns), slices.Clone(fk.RefColumns)
			return schema.AddForeignKey{Table: op.Table, ForeignKey: fk}, nil
		}
	case schema.CreateEnum:
		return schema.DropEnum{Name: op.Enum.Name}, nil
	case schema.DropEnum:
		if e := s.Enum(op.Name); e != nil {
			return schema.CreateEnum{Enum: schema.Enum{Name: e.Name, Values: slices.Clone(e.Values)}}, nil
		}
	case schema.RenameTable:
		return schema.RenameTable{From: op.To, To: op.From}, nil
	case schema.RenameColumn:
		return schema.RenameColumn{Table: op.Table, From: op.To, To: op.From}, nil
	case schema.RenameIndex:
		return schema.RenameIndex{Table: op.Table, From: op.To, To: op.From}, nil
	case schema.RenameConstraint:
		return schema.RenameConstraint{Table: op.Table, From: op.To, To: op.From}, nil
	case schema.AlterColumn:
		// Back to the old definition: a column that becomes NULL again
		// needs no backfill, and a narrowing back is left to the
		// database's cast.
		if t := s.Table(op.Table); t != nil && t.Column(op.Column.Name) != nil {
			c := *t.Column(op.Column.Name)
			c.Type.Custom = slices.Clone(c.Type.Custom)
			return schema.AlterColumn{Table: op.Table, Column: c}, nil
		}
	case schema.AlterEnum:
		if e := s.Enum(op.Name); e != nil {
			return schema.AlterEnum{Name: op.Name, Values: slices.Clone(e.Values)}, nil
		}
	case schema.RenameEnumValue:
		return schema.RenameEnumValue{Enum: op.Enum, From: op.To, To: op.From}, nil
	case schema.AddCheck:
		return schema.DropCheck{Table: op.Table, Name: op.Check.Name}, nil
	case schema.DropCheck:
		if t := s.Table(op.Table); t != nil && t.Check(op.Name) != nil {
			return schema.AddCheck{Table: op.Table, Check: *t.Check(op.Name)}, nil
		}
	case schema.AlterPrimaryKey:
		if t := s.Table(op.Table); t != nil {
			return schema.AlterPrimaryKey{Table: op.Table, Old: slices.Clone(op.New), New: slices.Clone(t.PrimaryKey)}, nil
		}
	default:
		return nil, fmt.Errorf("no inverse for %s", op)
	}
	return nil, fmt.Errorf("%w: nothing to %s", schema.ErrNotFit, op)
}

// sameSchema reports whether a and b are the same schema up to the order
// of columns, of the lists that canonical form sorts, and nil against empty
// slices: whether their comparable forms are equal. It compares them table
// by table, and copies a table only when it differs from its counterpart
// as it is: most are the same, and tables that an operation and its
// inverse leave alone are shared with the schema they came from.
func sameSchema(a, b *schema.Schema) bool {
	if len(a.Tables) != len(b.Tables) || !reflect.DeepEqual(comparableEnums(a.Enums), comparableEnums(b.Enums)) {
		return false
	}
	ta, tb := tablesByName(a), tablesByName(b)
	for i := range ta {
		if ta[i].Name != tb[i].Name {
			return false
		}
		if !reflect.DeepEqual(ta[i], tb[i]) && !reflect.DeepEqual(comparableTable(*ta[i]), comparableTable(*tb[i])) {
			return false
		}
	}
	return true
}

// tablesByName returns the tables of s sorted by name.
func tablesByName(s *schema.Schema) []*schema.Table {
	tables := make([]*schema.Table, len(s.Tables))
	for i := range s.Tables {
		tables[i] = &s.Tables[i]
	}
	slices.SortStableFunc(tables, func(a, b *schema.Table) int { return strings.Compare(a.Name, b.Name) })
	return tables
}

// comparableForm returns a copy of s in which those differences sameSchema
// ignores are gone: canonical, columns sorted by name, empty slices nil.
func comparableForm(s *schema.Schema) *schema.Schema {
	c := s.Clone()
	c.Normalize()
	c.Enums = comparableEnums(c.Enums)
	c.Tables = orNil(c.Tables)
	for i := range c.Tables {
		c.Tables[i] = comparableTable(c.Tables[i])
	}
	return c
}

// comparableEnums returns a copy of enums in the form [comparableForm]
// gives them.
func comparableEnums(enums []schema.Enum) []schema.Enum {
	c := (&schema.Schema{Enums: enums}).Clone()
	c.Normalize()
	for i := range c.Enums {
		c.Enums[i].Values = orNil(c.Enums[i].Values)
	}
	return orNil(c.Enums)
}

// comparableTable returns a copy of t in the form [comparableForm] gives
// the tables.
func comparableTable(t schema.Table) schema.Table {
	c := &schema.Schema{Tables: []schema.Table{t.Clone()}}
	c.Normalize()
	u := c.Tables[0]
	slices.SortFunc(u.Columns, func(a, b schema.Column) int { return strings.Compare(a.Name, b.Name) })
	u.Columns = orNil(u.Columns)
	for j := range u.Columns {
		u.Columns[j].Type.Custom = orNil(u.Columns[j].Type.Custom)
	}
	u.PrimaryKey = orNil(u.PrimaryKey)
	u.Indexes = orNil(u.Indexes)
	for j := range u.Indexes {
		u.Indexes[j].Columns = orNil(u.Indexes[j].Columns)
	}
	u.Uniques = orNil(u.Uniques)
	for j := range u.Uniques {
		u.Uniques[j].Columns = orNil(u.Uniques[j].Columns)
	}
	u.ForeignKeys = orNil(u.ForeignKeys)
	for j := range u.ForeignKeys {
		fk := &u.ForeignKeys[j]
		fk.Columns, fk.RefColumns = orNil(fk.Columns), orNil(fk.RefColumns)
	}
	u.Checks = orNil(u.Checks)
	return u
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
