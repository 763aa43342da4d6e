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
	change := Change{Op: op, Destructive: strings.Join(reasons, "; ")}
	if !sameType(o.Type, n.Type) && !inPlaceType(o.Type, n.Type) {
		change.Rewrites = table
	}
	return change
}

// inPlaceType reports whether PostgreSQL changes a column of type a to
// type b without reading or rewriting the table: a VARCHAR that grows or
// becomes unbounded text. Every other change of type rewrites the table,
// the widening of an integer included. (SQLite rebuilds the table for any
// change of a column, which its single writer does not notice.)
func inPlaceType(a, b schema.Type) bool {
	if a.Kind != schema.Text || b.Kind != schema.Text || len(a.Custom) > 0 || len(b.Custom) > 0 {
		return false
	}
	return b.Size == 0 || (a.Size > 0 && b.Size >= a.Size)
}

// RewritesReason says what a change that rewrites tables, named as
// [Change.Rewrites] names them, costs, for the note above it and the
// guard's refusal.
func RewritesReason(tables string) string {
	what := "table "
	if strings.Contains(tables, ", ") {
		what = "tables "
	}
	return "rewrites " + what + tables + " on PostgreSQL, holding a lock that blocks its reads and writes until every row is rewritten"
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
