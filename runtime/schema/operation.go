package schema

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Operation is one step of a migration: a change to the schema that a
// dialect renders as SQL, or a hand-written step ([RunSQL], [RunGo]).
//
// The set of operations is closed: dialects know every type that implements
// it. Operations are plain values; a migration file spells them out as Go
// composite literals.
type Operation interface {
	// Apply changes s the way the operation changes a database. It fails,
	// leaving s as it was, when the operation does not fit s (a table that
	// already exists, a column that does not).
	Apply(s *Schema) error
	// String describes the operation in a few words, such as
	// "add column users.bio".
	String() string

	operation()
	// encode writes the operation for AppendEncoding.
	encode(e *encoder)
}

// ErrNotFit is wrapped by the errors of [Operation.Apply] when an operation
// does not fit the schema it is applied to.
var ErrNotFit = errors.New("operation does not fit the schema")

func notFit(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotFit, fmt.Sprintf(format, args...))
}

// CreateTable creates a table with its columns, primary key, indexes and
// constraints.
type CreateTable struct {
	Table Table
}

// DropTable drops a table with everything defined on it.
type DropTable struct {
	Name string
}

// AddColumn adds a column to the end of a table.
type AddColumn struct {
	Table  string
	Column Column
}

// DropColumn drops a column from a table.
type DropColumn struct {
	Table  string
	Column string
}

// CreateIndex creates an index on a table.
type CreateIndex struct {
	Table string
	Index Index
}

// DropIndex drops an index of a table.
type DropIndex struct {
	Table string
	Name  string
}

// AddUnique adds a unique constraint to a table.
type AddUnique struct {
	Table  string
	Unique Unique
}

// DropUnique drops a unique constraint of a table.
type DropUnique struct {
	Table string
	Name  string
}

// AddForeignKey adds a foreign-key constraint to a table.
type AddForeignKey struct {
	Table      string
	ForeignKey ForeignKey
}

// DropForeignKey drops a foreign-key constraint of a table.
type DropForeignKey struct {
	Table string
	Name  string
}

// CreateEnum creates an enum type. Dialects without enum types (SQLite)
// enforce the values with a CHECK on each column of the type instead.
type CreateEnum struct {
	Enum Enum
}

// DropEnum drops an enum type that no column uses any more.
type DropEnum struct {
	Name string
}

// RunSQL is a hand-written SQL step. The dialect runs its own field when it
// is set and SQL otherwise; a step with no text for a dialect does nothing
// on it. Put the statements that undo it in a RunSQL of the migration's
// Down.
//
// When the SQL changes the schema, Declares lists the operations it stands
// for, such as the [AddColumn] of a column the SQL adds: strata never runs
// them, but applies them to its model of the schema wherever it replays
// migrations (the generator's snapshot, the runtime's replay that plans
// SQLite's table rebuilds), so that the model stays true. Declares holds
// schema operations only, not RunSQL or RunGo.
type RunSQL struct {
	SQL      string
	Postgres string
	SQLite   string
	MySQL    string // MySQL and MariaDB
	Declares []Operation
}

// For returns the text the step runs on the named dialect ("postgres",
// "sqlite", "mysql"), which may be empty.
func (op RunSQL) For(dialect string) string {
	var own string
	switch dialect {
	case "postgres":
		own = op.Postgres
	case "sqlite":
		own = op.SQLite
	case "mysql":
		own = op.MySQL
	}
	if own != "" {
		return own
	}
	return op.SQL
}

// RunGo is a hand-written step in Go. Func runs inside the migration's
// transaction; an error from it rolls the migration back.
type RunGo struct {
	Func func(ctx context.Context, tx *sql.Tx) error
}

func (CreateTable) operation()    {}
func (DropTable) operation()      {}
func (AddColumn) operation()      {}
func (DropColumn) operation()     {}
func (CreateIndex) operation()    {}
func (DropIndex) operation()      {}
func (AddUnique) operation()      {}
func (DropUnique) operation()     {}
func (AddForeignKey) operation()  {}
func (DropForeignKey) operation() {}
func (CreateEnum) operation()     {}
func (DropEnum) operation()       {}
func (RunSQL) operation()         {}
func (RunGo) operation()          {}

func (op CreateTable) String() string { return "create table " + op.Table.Name }
func (op DropTable) String() string   { return "drop table " + op.Name }
func (op AddColumn) String() string   { return "add column " + op.Table + "." + op.Column.Name }
func (op DropColumn) String() string  { return "drop column " + op.Table + "." + op.Column }
func (op CreateIndex) String() string { return "create index " + op.Index.Name + " on " + op.Table }
func (op DropIndex) String() string   { return "drop index " + op.Name + " on " + op.Table }
func (op AddUnique) String() string   { return "add unique " + op.Unique.Name + " on " + op.Table }
func (op DropUnique) String() string  { return "drop unique " + op.Name + " on " + op.Table }
func (op AddForeignKey) String() string {
	return "add foreign key " + op.ForeignKey.Name + " on " + op.Table
}
func (op DropForeignKey) String() string { return "drop foreign key " + op.Name + " on " + op.Table }
func (op CreateEnum) String() string     { return "create enum " + op.Enum.Name }
func (op DropEnum) String() string       { return "drop enum " + op.Name }
func (op RunSQL) String() string {
	if len(op.Declares) == 0 {
		return "run SQL"
	}
	parts := make([]string, len(op.Declares))
	for i, d := range op.Declares {
		parts[i] = fmt.Sprint(d)
	}
	return "run SQL (declares: " + strings.Join(parts, "; ") + ")"
}
func (op RunGo) String() string { return "run Go" }

// Apply adds the table to s.
func (op CreateTable) Apply(s *Schema) error {
	if s.Table(op.Table.Name) != nil {
		return notFit("table %s exists already", op.Table.Name)
	}
	t := op.Table.Clone()
	t.normalize()
	s.Tables = insertSorted(s.Tables, t, func(t Table) string { return t.Name })
	return nil
}

// Apply removes the table from s.
func (op DropTable) Apply(s *Schema) error {
	i := slices.IndexFunc(s.Tables, func(t Table) bool { return t.Name == op.Name })
	if i < 0 {
		return notFit("no table %s to drop", op.Name)
	}
	s.Tables = slices.Delete(s.Tables, i, i+1)
	return nil
}

// Apply appends the column to its table.
func (op AddColumn) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	if t.Column(op.Column.Name) != nil {
		return notFit("column %s.%s exists already", op.Table, op.Column.Name)
	}
	c := op.Column
	c.Type.Custom = slices.Clone(c.Type.Custom)
	t.Columns = append(t.Columns, c)
	return nil
}

// Apply removes the column from its table. It refuses while an index or
// constraint still uses the column: a migration drops those first.
func (op DropColumn) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == op.Column })
	if i < 0 {
		return notFit("no column %s.%s to drop", op.Table, op.Column)
	}
	if user := t.userOf(op.Column); user != "" {
		return notFit("column %s.%s is still used by %s", op.Table, op.Column, user)
	}
	t.Columns = slices.Delete(t.Columns, i, i+1)
	return nil
}

// userOf names an index or constraint of t that uses column, or returns "".
func (t *Table) userOf(column string) string {
	if slices.Contains(t.PrimaryKey, column) {
		return "the primary key"
	}
	for _, ix := range t.Indexes {
		if slices.Contains(ix.Columns, column) {
			return "index " + ix.Name
		}
	}
	for _, u := range t.Uniques {
		if slices.Contains(u.Columns, column) {
			return "unique constraint " + u.Name
		}
	}
	for _, fk := range t.ForeignKeys {
		if slices.Contains(fk.Columns, column) {
			return "foreign key " + fk.Name
		}
	}
	return ""
}

// Apply adds the index to its table.
func (op CreateIndex) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	if err := s.nameFree(op.Index.Name); err != nil {
		return err
	}
	if err := t.hasColumns(op.Index.Columns); err != nil {
		return err
	}
	ix := op.Index
	ix.Columns = slices.Clone(ix.Columns)
	t.Indexes = insertSorted(t.Indexes, ix, func(ix Index) string { return ix.Name })
	return nil
}

// Apply removes the index from its table.
func (op DropIndex) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Indexes, func(ix Index) bool { return ix.Name == op.Name })
	if i < 0 {
		return notFit("no index %s on %s to drop", op.Name, op.Table)
	}
	t.Indexes = slices.Delete(t.Indexes, i, i+1)
	return nil
}

// Apply adds the unique constraint to its table.
func (op AddUnique) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	if err := s.nameFree(op.Unique.Name); err != nil {
		return err
	}
	if err := t.hasColumns(op.Unique.Columns); err != nil {
		return err
	}
	u := op.Unique
	u.Columns = slices.Clone(u.Columns)
	t.Uniques = insertSorted(t.Uniques, u, func(u Unique) string { return u.Name })
	return nil
}

// Apply removes the unique constraint from its table.
func (op DropUnique) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Uniques, func(u Unique) bool { return u.Name == op.Name })
	if i < 0 {
		return notFit("no unique constraint %s on %s to drop", op.Name, op.Table)
	}
	t.Uniques = slices.Delete(t.Uniques, i, i+1)
	return nil
}

// Apply adds the foreign key to its table. The referenced table and columns
// must exist.
func (op AddForeignKey) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	if t.ForeignKey(op.ForeignKey.Name) != nil {
		return notFit("foreign key %s on %s exists already", op.ForeignKey.Name, op.Table)
	}
	if err := t.hasColumns(op.ForeignKey.Columns); err != nil {
		return err
	}
	ref, err := tableOf(s, op.ForeignKey.RefTable)
	if err != nil {
		return err
	}
	if err := ref.hasColumns(op.ForeignKey.RefColumns); err != nil {
		return err
	}
	fk := op.ForeignKey
	fk.Columns = slices.Clone(fk.Columns)
	fk.RefColumns = slices.Clone(fk.RefColumns)
	t.ForeignKeys = insertSorted(t.ForeignKeys, fk, func(fk ForeignKey) string { return fk.Name })
	return nil
}

// Apply removes the foreign key from its table.
func (op DropForeignKey) Apply(s *Schema) error {
	t, err := editTable(s, op.Table)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.ForeignKeys, func(fk ForeignKey) bool { return fk.Name == op.Name })
	if i < 0 {
		return notFit("no foreign key %s on %s to drop", op.Name, op.Table)
	}
	t.ForeignKeys = slices.Delete(t.ForeignKeys, i, i+1)
	return nil
}

// Apply adds the enum type to s.
func (op CreateEnum) Apply(s *Schema) error {
	if s.Enum(op.Enum.Name) != nil {
		return notFit("enum %s exists already", op.Enum.Name)
	}
	e := Enum{Name: op.Enum.Name, Values: slices.Clone(op.Enum.Values)}
	s.Enums = insertSorted(s.Enums, e, func(e Enum) string { return e.Name })
	return nil
}

// Apply removes the enum type from s. It refuses while a column uses it.
func (op DropEnum) Apply(s *Schema) error {
	i := slices.IndexFunc(s.Enums, func(e Enum) bool { return e.Name == op.Name })
	if i < 0 {
		return notFit("no enum %s to drop", op.Name)
	}
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if c.Type.Kind == EnumKind && c.Type.Enum == op.Name {
				return notFit("enum %s is still used by column %s.%s", op.Name, t.Name, c.Name)
			}
		}
	}
	s.Enums = slices.Delete(s.Enums, i, i+1)
	return nil
}

// Apply applies the operations the step declares (see [RunSQL.Declares]);
// strata cannot know what hand-written SQL changes otherwise.
// On failure s is left as it was.
func (op RunSQL) Apply(s *Schema) error {
	if len(op.Declares) == 0 {
		return nil
	}
	after := s.Fork()
	for i, d := range op.Declares {
		switch d.(type) {
		case nil:
			return fmt.Errorf("%w: declared operation %d is nil", ErrNotFit, i+1)
		case RunSQL, RunGo:
			return fmt.Errorf("%w: declared operation %d is a %T; Declares holds schema operations only", ErrNotFit, i+1, d)
		}
		if err := d.Apply(after); err != nil {
			return fmt.Errorf("declared operation %d (%s): %w", i+1, d, err)
		}
	}
	*s = *after
	return nil
}

// Apply does nothing: strata cannot know what hand-written Go changes.
func (RunGo) Apply(*Schema) error { return nil }

// ApplyAll applies ops to s in order. On failure it returns an error naming
// the operation, and s holds the operations before it.
func (s *Schema) ApplyAll(ops []Operation) error {
	for i, op := range ops {
		if err := op.Apply(s); err != nil {
			return fmt.Errorf("schema: operation %d (%s): %w", i+1, op, err)
		}
	}
	return nil
}

func tableOf(s *Schema, name string) (*Table, error) {
	t := s.Table(name)
	if t == nil {
		return nil, notFit("no table %s", name)
	}
	return t, nil
}

// editTable returns the table named name, for an operation to change: a
// copy of it, put in its place, so that the change cannot reach a
// [Schema.Fork] that shares what the table holds.
func editTable(s *Schema, name string) (*Table, error) {
	t, err := tableOf(s, name)
	if err != nil {
		return nil, err
	}
	*t = t.Clone()
	return t, nil
}

func (t *Table) hasColumns(names []string) error {
	if len(names) == 0 {
		return notFit("no columns given for %s", t.Name)
	}
	var missing []string
	for _, n := range names {
		if t.Column(n) == nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return notFit("table %s has no column %s", t.Name, strings.Join(missing, ", "))
	}
	return nil
}

// nameFree reports an error when an index or unique constraint of any table
// is already called name: both live in one namespace per schema on
// PostgreSQL and SQLite alike.
func (s *Schema) nameFree(name string) error {
	for _, t := range s.Tables {
		if t.Index(name) != nil || t.Unique(name) != nil {
			return notFit("an index or unique constraint named %s exists already on %s", name, t.Name)
		}
	}
	return nil
}

func insertSorted[T any](list []T, v T, key func(T) string) []T {
	i, _ := slices.BinarySearchFunc(list, key(v), func(e T, k string) int { return strings.Compare(key(e), k) })
	return slices.Insert(list, i, v)
}
