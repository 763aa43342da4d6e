package schema

import (
	"slices"
	"strings"
)

// RenameTable renames a table. Its rows, columns, indexes and constraints
// stay, and foreign keys of other tables follow it to its new name.
type RenameTable struct {
	From string
	To   string
}

// RenameColumn renames a column. Its data stays, and the primary key,
// indexes and constraints that use it follow it to its new name. CHECK
// expressions and index predicates are SQL text strata does not rewrite.
type RenameColumn struct {
	Table string
	From  string
	To    string
}

// AlterColumn changes a column's definition in place: its type, size,
// nullability, default, identity or auto_now. Column is the whole new
// definition; its Name names the column, which keeps its place and data.
type AlterColumn struct {
	Table  string
	Column Column
	// Using converts each existing value to the new type: an SQL expression
	// over the column (PostgreSQL's USING). Empty means the engine's own
	// cast.
	Using string
	// Backfill is the SQL expression that fills existing NULLs when the
	// column becomes NOT NULL. Empty means no row may be NULL.
	Backfill string
}

// RenameIndex renames an index.
type RenameIndex struct {
	Table string
	From  string
	To    string
}

// RenameConstraint renames a unique, foreign-key or check constraint.
type RenameConstraint struct {
	Table string
	From  string
	To    string
}

// AddCheck adds a CHECK constraint to a table.
type AddCheck struct {
	Table string
	Check Check
}

// DropCheck drops a CHECK constraint of a table.
type DropCheck struct {
	Table string
	Name  string
}

func (RenameTable) operation()      {}
func (RenameColumn) operation()     {}
func (AlterColumn) operation()      {}
func (RenameIndex) operation()      {}
func (RenameConstraint) operation() {}
func (AddCheck) operation()         {}
func (DropCheck) operation()        {}

func (op RenameTable) String() string { return "rename table " + op.From + " to " + op.To }
func (op RenameColumn) String() string {
	return "rename column " + op.Table + "." + op.From + " to " + op.To
}
func (op AlterColumn) String() string { return "alter column " + op.Table + "." + op.Column.Name }
func (op RenameIndex) String() string {
	return "rename index " + op.From + " to " + op.To + " on " + op.Table
}
func (op RenameConstraint) String() string {
	return "rename constraint " + op.From + " to " + op.To + " on " + op.Table
}
func (op AddCheck) String() string  { return "add check " + op.Check.Name + " on " + op.Table }
func (op DropCheck) String() string { return "drop check " + op.Name + " on " + op.Table }

// Apply renames the table and points other tables' foreign keys at it.
func (op RenameTable) Apply(s *Schema) error {
	t, err := tableOf(s, op.From)
	if err != nil {
		return err
	}
	if s.Table(op.To) != nil {
		return notFit("table %s exists already", op.To)
	}
	renamed := t.Clone()
	renamed.Name = op.To
	if err := (DropTable{Name: op.From}).Apply(s); err != nil {
		return err
	}
	s.Tables = insertSorted(s.Tables, renamed, func(t Table) string { return t.Name })
	for i := range s.Tables {
		if !s.Tables[i].references(op.From) {
			continue
		}
		t := &s.Tables[i]
		*t = t.Clone()
		for j := range t.ForeignKeys {
			if fk := &t.ForeignKeys[j]; fk.RefTable == op.From {
				fk.RefTable = op.To
			}
		}
	}
	return nil
}

// Apply renames the column and the uses of it the database follows.
func (op RenameColumn) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	c := t.Column(op.From)
	if c == nil {
		return notFit("no column %s.%s to rename", op.Table, op.From)
	}
	if t.Column(op.To) != nil {
		return notFit("column %s.%s exists already", op.Table, op.To)
	}
	c.Name = op.To
	rename := func(cols []string) {
		if i := slices.Index(cols, op.From); i >= 0 {
			cols[i] = op.To
		}
	}
	rename(t.PrimaryKey)
	for i := range t.Indexes {
		rename(t.Indexes[i].Columns)
	}
	for i := range t.Uniques {
		rename(t.Uniques[i].Columns)
	}
	for i := range t.ForeignKeys {
		rename(t.ForeignKeys[i].Columns)
	}
	for i := range s.Tables {
		if !s.Tables[i].references(op.Table) {
			continue
		}
		other := &s.Tables[i]
		if other != t {
			*other = other.Clone()
		}
		for j := range other.ForeignKeys {
			if fk := &other.ForeignKeys[j]; fk.RefTable == op.Table {
				rename(fk.RefColumns)
			}
		}
	}
	return nil
}

// Apply replaces the column's definition, keeping its place.
func (op AlterColumn) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	c := t.Column(op.Column.Name)
	if c == nil {
		return notFit("no column %s.%s to alter", op.Table, op.Column.Name)
	}
	if k := op.Column.Type; k.Kind == EnumKind && s.Enum(k.Enum) == nil {
		return notFit("no enum %s for column %s.%s", k.Enum, op.Table, op.Column.Name)
	}
	*c = op.Column
	c.Type.Custom = slices.Clone(op.Column.Type.Custom)
	return nil
}

// Apply renames the index.
func (op RenameIndex) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	ix := t.Index(op.From)
	if ix == nil {
		return notFit("no index %s on %s to rename", op.From, op.Table)
	}
	if err := s.nameFree(op.To); err != nil {
		return err
	}
	ix.Name = op.To
	t.normalize()
	return nil
}

// Apply renames the unique, foreign-key or check constraint.
func (op RenameConstraint) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	if t.ForeignKey(op.To) != nil || t.Check(op.To) != nil {
		return notFit("a constraint named %s exists already on %s", op.To, op.Table)
	}
	switch {
	case t.Unique(op.From) != nil:
		if err := s.nameFree(op.To); err != nil {
			return err
		}
		t.Unique(op.From).Name = op.To
	case t.ForeignKey(op.From) != nil:
		t.ForeignKey(op.From).Name = op.To
	case t.Check(op.From) != nil:
		t.Check(op.From).Name = op.To
	default:
		return notFit("no constraint %s on %s to rename", op.From, op.Table)
	}
	t.normalize()
	return nil
}

// Apply adds the check to its table.
func (op AddCheck) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	if t.Check(op.Check.Name) != nil {
		return notFit("check %s on %s exists already", op.Check.Name, op.Table)
	}
	if strings.TrimSpace(op.Check.Expr) == "" {
		return notFit("check %s on %s has no expression", op.Check.Name, op.Table)
	}
	t.Checks = insertSorted(t.Checks, op.Check, func(c Check) string { return c.Name })
	return nil
}

// Apply removes the check from its table.
func (op DropCheck) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Checks, func(c Check) bool { return c.Name == op.Name })
	if i < 0 {
		return notFit("no check %s on %s to drop", op.Name, op.Table)
	}
	t.Checks = slices.Delete(t.Checks, i, i+1)
	return nil
}

// references reports whether a foreign key of t references table.
func (t *Table) references(table string) bool {
	return slices.ContainsFunc(t.ForeignKeys, func(fk ForeignKey) bool { return fk.RefTable == table })
}
