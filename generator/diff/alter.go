package diff

import (
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// alterColumn returns the change that turns column o of table into n in
// place, with the guard's finding. A type change outside the lossless
// whitelist (see [losslessType]) converts the values with the column's
// using= hint, and is guarded when it has none: with the hint, the user
// has said how existing values convert, as a backfill= hint says how NULLs
// are filled. A column that becomes NOT NULL is filled with its backfill=
// hint or, without one, its default, and is guarded when it has neither.
func alterColumn(table string, o, n schema.Column, hints Hints) Change {
	op := schema.AlterColumn{Table: table, Column: n}
	op.Column.Type.Custom = slices.Clone(n.Type.Custom)
	key := table + "." + n.Name
	var reasons []string
	if !sameType(o.Type, n.Type) && !losslessType(o.Type, n.Type) {
		op.Using = hints.Using[key]
		if op.Using == "" {
			reasons = append(reasons, typeChangeReason(table, o, n))
		}
	}
	if o.Nullable && !n.Nullable {
		op.Backfill = hints.Backfill[key]
		if op.Backfill == "" {
			op.Backfill = n.Default
		}
		if op.Backfill == "" {
			reasons = append(reasons, notNullReason(table, n))
		}
	}
	return Change{Op: op, Destructive: strings.Join(reasons, "; ")}
}

// losslessType reports whether every value of type a converts to type b
// unchanged: b is unbounded text (written from any type), a longer or
// unbounded VARCHAR than a, or a wider integer or float of the same family.
// A type spelt out with type= converts losslessly only to unbounded text.
func losslessType(a, b schema.Type) bool {
	switch {
	case b.Kind == schema.Text && b.Size == 0 && len(b.Custom) == 0:
		return true
	case len(a.Custom) > 0 || len(b.Custom) > 0:
		return false
	case a.Kind == schema.Text && b.Kind == schema.Text:
		return a.Size > 0 && b.Size >= a.Size
	}
	return slices.Contains(widerKinds[a.Kind], b.Kind)
}

// widerKinds lists, for each kind, the kinds that hold all its values.
var widerKinds = map[schema.Kind][]schema.Kind{
	schema.Int16:   {schema.Int32, schema.Int64},
	schema.Int32:   {schema.Int64},
	schema.Float32: {schema.Float64},
}
