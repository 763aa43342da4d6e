package diff

import (
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/strata-go/strata/runtime/schema"
)

// Small builders that keep the test schemas readable.

// col is a NOT NULL column without a default.
func col(name string, kind schema.Kind) schema.Column {
	return schema.Column{Name: name, Type: schema.Type{Kind: kind}}
}

// idCol is an identity int64 column named id.
func idCol() schema.Column {
	return schema.Column{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true}
}

func null(c schema.Column) schema.Column {
	c.Nullable = true
	return c
}

func withDefault(c schema.Column, def string) schema.Column {
	c.Default = def
	return c
}

func enumCol(name, enum string) schema.Column {
	return schema.Column{Name: name, Type: schema.Type{Kind: schema.EnumKind, Enum: enum}}
}

// tb builds a table.
type tb struct{ t schema.Table }

// table starts a table with the given columns, keyed on id when it has a
// column of that name.
func table(name string, cols ...schema.Column) *tb {
	t := schema.Table{Name: name, Columns: cols}
	for _, c := range cols {
		if c.Name == "id" {
			t.PrimaryKey = []string{"id"}
		}
	}
	return &tb{t: t}
}

func (b *tb) index(name string, cols ...string) *tb {
	b.t.Indexes = append(b.t.Indexes, schema.Index{Name: name, Columns: cols})
	return b
}

func (b *tb) uniqueIndex(name, where string, cols ...string) *tb {
	b.t.Indexes = append(b.t.Indexes, schema.Index{Name: name, Columns: cols, Unique: true, Where: where})
	return b
}

func (b *tb) unique(name string, cols ...string) *tb {
	b.t.Uniques = append(b.t.Uniques, schema.Unique{Name: name, Columns: cols})
	return b
}

// fk adds a foreign key from column to refTable.id.
func (b *tb) fk(name, column, refTable string, onDelete schema.Action) *tb {
	b.t.ForeignKeys = append(b.t.ForeignKeys, schema.ForeignKey{
		Name: name, Columns: []string{column}, RefTable: refTable, RefColumns: []string{"id"}, OnDelete: onDelete,
	})
	return b
}

// fkTo adds a foreign key from column to refTable.refColumn.
func (b *tb) fkTo(name, column, refTable, refColumn string) *tb {
	b.t.ForeignKeys = append(b.t.ForeignKeys, schema.ForeignKey{
		Name: name, Columns: []string{column}, RefTable: refTable, RefColumns: []string{refColumn},
	})
	return b
}

func (b *tb) check(name, expr string) *tb {
	b.t.Checks = append(b.t.Checks, schema.Check{Name: name, Expr: expr})
	return b
}

func (b *tb) pk(cols ...string) *tb {
	b.t.PrimaryKey = cols
	return b
}

// T returns a copy of the table built so far.
func (b *tb) T() schema.Table { return b.t.Clone() }

// db is a schema holding tables and the enums given.
func db(enums []schema.Enum, tables ...*tb) *schema.Schema {
	s := &schema.Schema{Enums: enums}
	for _, t := range tables {
		s.Tables = append(s.Tables, t.T())
	}
	s.Normalize()
	return s
}

func enum(name string, values ...string) schema.Enum {
	return schema.Enum{Name: name, Values: values}
}

func enums(e ...schema.Enum) []schema.Enum { return e }

// Operation shorthands.

func createTable(b *tb) schema.Operation { return schema.CreateTable{Table: b.T()} }
func dropTable(name string) schema.Operation {
	return schema.DropTable{Name: name}
}

// cmpOpts compares plans without caring for nil against empty slices.
var cmpOpts = []cmp.Option{cmpopts.EquateEmpty()}

// guarded is a change the guard stops for reason.
func guarded(op schema.Operation, reason string) Change {
	return Change{Op: op, Destructive: reason}
}

// changes concatenates changes and groups of changes.
func changes(parts ...any) []Change {
	var cs []Change
	for _, p := range parts {
		switch p := p.(type) {
		case Change:
			cs = append(cs, p)
		case []Change:
			cs = append(cs, p...)
		case schema.Operation:
			cs = append(cs, Change{Op: p})
		default:
			panic("changes: unexpected part")
		}
	}
	return cs
}

func ops(o ...schema.Operation) []schema.Operation { return o }
