package mysql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// This file renders the operations that change what exists in place,
// keeping its rows, and that need the schema as it was before them:
// column alterations, enum changes and constraint renames. Each applies
// its operation to s itself.

// alterColumn applies op to s and renders it: the backfill of the
// column's NULLs when it becomes NOT NULL and op has one, in the
// migration's transaction, then one MODIFY COLUMN with the column's whole
// new definition, when it differs from the old one.
func alterColumn(s *schema.Schema, op schema.AlterColumn) ([]dialect.Step, error) {
	var (
		was      schema.Column
		autoNows []string
	)
	t := s.Table(op.Table)
	if t == nil || t.Column(op.Column.Name) == nil {
		return nil, op.Apply(s) // which says what is missing
	}
	was = *t.Column(op.Column.Name)
	autoNows = autoNowColumns(t)
	oldDef, err := columnDefinition(s, was)
	if err != nil {
		return nil, fmt.Errorf("column %s as it was: %w", was.Name, err)
	}
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	t = s.Table(op.Table)
	if err := checkAlterColumn(s, t, op.Column); err != nil {
		return nil, err
	}
	newDef, err := columnDefinition(s, op.Column)
	if err != nil {
		return nil, err
	}
	from, _ := columnType(s, was.Type)
	to, _ := columnType(s, op.Column.Type)
	if canonicalType(from) != canonicalType(to) {
		if op.Using != "" {
			return nil, fmt.Errorf("column %s.%s: MySQL's ALTER TABLE has no USING to convert the values from %s to %s by an expression: convert them in a RunSQL, or leave using= out for MySQL's own conversion",
				op.Table, op.Column.Name, from, to)
		}
		if fk := foreignKeyOn(s, op.Table, op.Column.Name); fk != "" {
			return nil, fmt.Errorf("column %s.%s is used by foreign key %s, and MySQL refuses to change the type of such a column: drop the foreign key before the change and add it back after",
				op.Table, op.Column.Name, fk)
		}
	}
	var steps []dialect.Step
	if was.Nullable && !op.Column.Nullable && op.Backfill != "" {
		set := []string{quote(op.Column.Name) + " = " + op.Backfill}
		set = append(set, keepTimes(autoNows, op.Column.Name)...)
		steps = append(steps, dialect.Step{SQL: "UPDATE " + quote(op.Table) + " SET " + strings.Join(set, ", ") +
			" WHERE " + quote(op.Column.Name) + " IS NULL"})
	}
	if newDef != oldDef {
		change := "MODIFY COLUMN " + newDef
		if isLong(from) != isLong(to) {
			change = withIndexesRebuilt(s, t, op.Column.Name, change)
		}
		modify, _ := ddl(nil, alterTable(op.Table, change))
		steps = append(steps, modify...)
	}
	return steps, nil
}

// withIndexesRebuilt returns change, an ALTER TABLE clause that makes
// column of t a TEXT, BLOB or JSON column or makes it no longer one, with
// the indexes and unique constraints over the column dropped before it and
// added after, in the same statement: MySQL indexes a long column by a
// prefix only (a unique one by a hash), so the index must be declared
// anew, and one statement keeps the change whole.
func withIndexesRebuilt(s *schema.Schema, t *schema.Table, column, change string) string {
	var drops, adds []string
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, column) {
			drops = append(drops, "DROP INDEX "+quote(ix.Name))
			adds = append(adds, "ADD "+indexDefinition(s, t, ix))
		}
	}
	for _, u := range t.Uniques {
		if slices.Contains(u.Columns, column) {
			drops = append(drops, "DROP INDEX "+quote(u.Name))
			adds = append(adds, "ADD "+uniqueConstraint(t, u))
		}
	}
	return strings.Join(append(append(drops, change), adds...), ", ")
}

// autoNowColumns returns the names of the auto_now columns of t.
func autoNowColumns(t *schema.Table) []string {
	var names []string
	for _, c := range t.Columns {
		if c.AutoNow {
			names = append(names, c.Name)
		}
	}
	return names
}

// keepTimes returns the assignments that keep each auto_now column of
// columns, but for except, as it is through an UPDATE: MySQL moves such a
// column (ON UPDATE CURRENT_TIMESTAMP) unless the UPDATE sets it, and a
// migration's own UPDATE does not count as an update of the rows, as on
// the other engines.
func keepTimes(columns []string, except string) []string {
	var set []string
	for _, c := range columns {
		if c != except {
			set = append(set, quote(c)+" = "+quote(c))
		}
	}
	return set
}

// foreignKeyOn names a foreign key of s that uses column of table, on
// either side, or returns "".
func foreignKeyOn(s *schema.Schema, table, column string) string {
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			if t.Name == table && slices.Contains(fk.Columns, column) || fk.RefTable == table && slices.Contains(fk.RefColumns, column) {
				return fk.Name
			}
		}
	}
	return ""
}

// enumColumns calls f with each table and column of s whose type, on
// MySQL, is enum: those of kind EnumKind and no custom type for MySQL.
func enumColumns(s *schema.Schema, enum string, f func(t *schema.Table, c schema.Column) error) error {
	for i := range s.Tables {
		t := &s.Tables[i]
		for _, c := range t.Columns {
			if _, custom := c.Type.CustomFor(name); c.Type.Kind == schema.EnumKind && c.Type.Enum == enum && !custom {
				if err := f(t, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// alterEnum applies op to s and renders it: MySQL's enums are types of
// columns, not named types, so each column of the enum is modified to
// list the new values. MySQL keeps each row's value by its text; under
// the strict SQL mode [Dialect.Lock] sets, a row holding a value the new
// list lacks fails the statement, which changes nothing of its table.
func alterEnum(s *schema.Schema, op schema.AlterEnum) ([]dialect.Step, error) {
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	if err := checkEnum(*s.Enum(op.Name)); err != nil {
		return nil, err
	}
	var steps []dialect.Step
	err := enumColumns(s, op.Name, func(t *schema.Table, c schema.Column) error {
		def, err := columnDefinition(s, c)
		if err != nil {
			return err
		}
		modify, _ := ddl(nil, alterTable(t.Name, "MODIFY COLUMN "+def))
		steps = append(steps, modify...)
		return nil
	})
	return steps, err
}

// renameEnumValue applies op to s and renders it, for each column of the
// enum: a MODIFY that lists the new name after the old one, an UPDATE of
// the rows holding the old name, in a transaction, and a MODIFY that
// lists the values without the old name.
func renameEnumValue(s *schema.Schema, op schema.RenameEnumValue) ([]dialect.Step, error) {
	var was []string
	if e := s.Enum(op.Enum); e != nil {
		was = slices.Clone(e.Values)
	}
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	if err := checkEnum(*s.Enum(op.Enum)); err != nil {
		return nil, err
	}
	both := slices.Insert(slices.Clone(was), slices.Index(was, op.From)+1, op.To)
	middle := s.Fork()
	middle.Enum(op.Enum).Values = both
	var steps []dialect.Step
	err := enumColumns(s, op.Enum, func(t *schema.Table, c schema.Column) error {
		wide, err := columnDefinition(middle, c)
		if err != nil {
			return err
		}
		def, err := columnDefinition(s, c)
		if err != nil {
			return err
		}
		set := append([]string{quote(c.Name) + " = " + quoteLiteral(op.To)}, keepTimes(autoNowColumns(t), c.Name)...)
		steps = append(steps,
			dialect.Step{SQL: alterTable(t.Name, "MODIFY COLUMN "+wide), Outside: true},
			dialect.Step{SQL: "UPDATE " + quote(t.Name) + " SET " + strings.Join(set, ", ") + " WHERE " + quote(c.Name) + " = " + quoteLiteral(op.From)},
			dialect.Step{SQL: alterTable(t.Name, "MODIFY COLUMN "+def), Outside: true})
		return nil
	})
	return steps, err
}

// renameConstraint applies op to s and renders it. MySQL renames no
// constraint: a unique constraint is renamed as the index it is; a
// foreign key or a check is dropped and added again under its new name,
// in one statement, which checks the rows again.
func renameConstraint(s *schema.Schema, op schema.RenameConstraint) ([]dialect.Step, error) {
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	t := s.Table(op.Table)
	if err := checkConstraintName(t, op.To); err != nil {
		return nil, err
	}
	switch {
	case t.Unique(op.To) != nil:
		return ddl(nil, alterTable(op.Table, "RENAME INDEX "+quote(op.From)+" TO "+quote(op.To)))
	case t.ForeignKey(op.To) != nil:
		if err := checkForeignKey(s, t, *t.ForeignKey(op.To)); err != nil {
			return nil, err
		}
		return ddl(nil, alterTable(op.Table, dropForeignKey(op.From)+", ADD "+foreignKeyConstraint(*t.ForeignKey(op.To))))
	default:
		return ddl(nil, alterTable(op.Table, "DROP CONSTRAINT "+quote(op.From)+", ADD "+checkConstraint(*t.Check(op.To))))
	}
}
