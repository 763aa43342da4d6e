package sqlite

import (
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// This file renders the changes to the values of an enum. SQLite has no
// enum types: each column of an enum is TEXT with a CHECK listing the
// values, declared in its CREATE TABLE, which SQLite cannot alter. So an
// AlterEnum or RenameEnumValue rebuilds every table with a column of the
// enum (see [Dialect.Render]), declaring the CHECK with the new values; the
// copy of a RenameEnumValue turns the old value into the new one in each
// such column. A row holding a value the enum loses fails the new CHECK,
// and so the migration.

// enumChange renders ops[i], an AlterEnum or RenameEnumValue, whose schema
// after is next, and moves r.state past it.
func (r *renderer) enumChange(i int, op schema.Operation, next *schema.Schema) ([]dialect.Step, error) {
	enum, rename := "", schema.RenameEnumValue{}
	switch op := op.(type) {
	case schema.AlterEnum:
		enum = op.Name
	case schema.RenameEnumValue:
		enum, rename = op.Enum, op
	}
	var steps []dialect.Step
	for _, t := range next.Tables {
		columns := enumColumns(&t, enum)
		if len(columns) == 0 {
			continue
		}
		old := r.state.Table(t.Name)
		plan := &rebuildPlan{table: t.Name, n: 1, after: next, copy: newCopyPlan(old)}
		if rename.From != "" {
			for _, c := range columns {
				plan.copy.from[c] = "CASE " + quoteIdent(c) + " WHEN " + quoteString(rename.From) +
					" THEN " + quoteString(rename.To) + " ELSE " + quoteIdent(c) + " END"
			}
			plan.converted = columns
		}
		tableSteps, rebuilt, err := r.rebuildSteps(i, plan, old, next.Table(t.Name))
		if err != nil {
			return nil, err
		}
		steps = append(steps, tableSteps...)
		delete(r.lingering, t.Name)
		if rebuilt {
			r.checked[t.Name] = true
			r.checkReferrers(plan, old)
		}
	}
	r.state = next
	return steps, nil
}

// enumColumns returns the columns of t that hold values of enum under a
// CHECK: those of the enum that no custom SQLite type overrides.
func enumColumns(t *schema.Table, enum string) []string {
	var columns []string
	for _, c := range t.Columns {
		if _, custom := c.Type.CustomFor(dialectName); c.Type.Kind == schema.EnumKind && c.Type.Enum == enum && !custom {
			columns = append(columns, c.Name)
		}
	}
	return columns
}

// changesEnumOf reports whether op changes the values of an enum that a
// column of t uses.
func changesEnumOf(op schema.Operation, t *schema.Table) bool {
	switch op := op.(type) {
	case schema.AlterEnum:
		return len(enumColumns(t, op.Name)) > 0
	case schema.RenameEnumValue:
		return len(enumColumns(t, op.Enum)) > 0
	}
	return false
}
