// Package diff is the generator's planning stage: it compares the schema of
// the snapshot with the schema of the model structs and plans the migration
// between them.
//
// It sits between loading and emitting in strata makemigrations:
//
//	load -> schema.Schema (models) --+
//	                                 +--> diff.Compare -> Plan -> emit
//	snapshot -> schema.Schema (old) -+
//
// [Compare] returns a [Plan]: the operations that take a database from the
// old schema to the new one, in an order every engine can run, their
// inverses for the migration's Down, the destructive guard's findings and
// warnings for the user. The package is pure: it does no I/O, and the same
// schemas always give the same plan.
//
// Tables, columns, indexes and constraints are matched by name. The
// [Hints] say what the schemas cannot: a table or column renamed with
// renamed_from, or a table whose model struct keeps its name (see
// [Models]), is renamed, never dropped and added again, and so are the
// indexes and constraints of a renamed table, or over a renamed column,
// whose names change with it while their definitions stay. On other
// tables, an index or unique constraint whose name alone changes is
// renamed when the match is unambiguous: it is the only one of its
// definition that the table loses by name, and the one that takes its
// place the only one of that definition the table gains by name. A column whose
// definition changes is altered in place; an index or constraint whose
// definition changes under its name is dropped, then created again. An
// enum type whose values change keeps its name: a value renamed with a hint
// is renamed (RenameEnumValue), values gained are inserted where the model
// lists them, and values lost or reordered take an AlterEnum to the new
// list, guarded when values are lost. A primary key that changes is moved
// in place (AlterPrimaryKey), keeping the rows; the guard stops it when
// existing rows may share a value of the new key (see [Plan.Guarded]). The
// foreign keys that reference the old key are dropped before it moves and
// added back after.
//
// The Up runs in these steps, each sorted by table and name:
//
//  1. DropForeignKey, DropIndex, DropUnique, DropCheck of kept tables for
//     what goes away or changes, and for foreign keys that may depend on a
//     key that goes away. They come before the renames, and name tables by
//     their old names: a check or a partial index is SQL text that may name
//     a column being renamed, and the Down must create it again only once
//     the rename is undone.
//  2. RenameTable, then RenameColumn, then RenameIndex and
//     RenameConstraint for the indexes and constraints whose names follow
//     the renamed tables and columns, then those of the indexes and unique
//     constraints of other tables whose names alone change.
//  3. CreateEnum for the enum types new and altered columns need; then,
//     for kept enum types, RenameEnumValue for the renamed values and an
//     AlterEnum that inserts the values gained, so that the columns and
//     defaults below find them.
//  4. DropTable, referencing tables first; a cycle among them loses one
//     foreign key first.
//  5. CreateTable, referenced tables first; a foreign key that closes a
//     cycle is added once all are created.
//  6. DropColumn, then AddColumn (in the model's order), then AlterColumn;
//     then AlterPrimaryKey, once the columns of the new key exist and are
//     NOT NULL, followed by what must wait for the old key to go: the
//     alterations that make a column of it NULL-able or give a column an
//     identity, and the drops of its columns; then the AlterEnum that
//     takes a kept enum type to its new list when it loses values or
//     changes their order, once no default names a value it loses.
//  7. CreateIndex, AddUnique, AddCheck, AddForeignKey on kept tables, and
//     the foreign keys of new tables that reference a key step 6 or 7
//     makes.
//  8. DropEnum for the enum types no column uses any more.
//
// The Down is the inverse of each Up operation, computed from the schema
// just before it, in reverse order: a rename renamed back, a column
// altered back to its old definition.
package diff

import (
	"fmt"

	"github.com/strata-go/strata/runtime/schema"
)

// Plan is a migration computed by [Compare].
type Plan struct {
	// Up takes the database from the old schema to the new one.
	Up []Change
	// Down undoes Up, in order: it takes the new schema back to the old.
	Down []schema.Operation
	// Warnings are things the user should know before accepting the plan,
	// such as a dropped column that looks like a renamed one. They are
	// sorted.
	Warnings []string

	initial bool     // the old schema was empty
	names   []string // name fragments of the changes that stand for the plan
}

// Change is one operation of a [Plan]'s Up with the guard's finding on it.
type Change struct {
	Op schema.Operation
	// Destructive says why Op can lose data or fail on existing rows, or is "".
	Destructive string
	// Rewrites names the tables, separated by ", ", that Op rewrites on
	// PostgreSQL, row by row, under a lock that blocks their reads and
	// writes until it is done (a change of a column's type that
	// PostgreSQL cannot make in place, or of an enum type's values other
	// than an insertion), or is "".
	Rewrites string
}

// Hints tell [Compare] what two schemas alone cannot: which tables and
// columns were renamed, and how to treat the existing rows of a column
// whose definition changes. The generator takes them from the models'
// renamed_from, backfill= and using= options.
type Hints struct {
	// Renames are the renamed_from hints. A hint is stale, and ignored,
	// unless the old schema has the old name and not the new one, and the
	// new schema the new name and not the old one.
	Renames []Rename
	// Backfill holds, by "table.column" (the new names), the SQL
	// expression that fills the existing NULLs of a column that becomes NOT
	// NULL. Without one, the column's default does.
	Backfill map[string]string
	// Using holds, by "table.column" (the new names), the SQL expression
	// that converts the existing values of a column whose type changes
	// outside the lossless whitelist.
	Using map[string]string
	// EnumRenames are the renamed_from hints of enum values.
	EnumRenames []EnumRename
	// Models name the model struct behind each table, before and now: a
	// table whose struct keeps its name while the table's changes is
	// renamed as a renamed_from hint would rename it (see [Models]).
	Models Models
}

// Models name the model struct behind each table, by table name, as
// "package/path.Type": Old as the snapshot records them for the old
// schema, New as the models declare them for the new one.
//
// A table of the new schema whose struct declared, in Old, another table
// is that table renamed when the old table is gone from the new schema and
// the new table is not in the old one, each struct names one table on each
// side, and no renamed_from hint names either table (an explicit hint
// wins). A struct renamed, or moved to another package, together with its
// table is another struct: its table is dropped and created, and
// [Plan.Warnings] suggest the renamed_from hint.
type Models struct {
	Old, New map[string]string
}

// Rename says that table Table was called From or, when Column is set,
// that column Column of table Table was called From. Table is the table's
// new name in both cases.
type Rename struct {
	Table, Column, From string
}

// Compare returns the plan that takes a database from old to new, with the
// hints the models give. Both schemas are left unchanged.
//
// A nil schema is an empty one. Compare returns an error when either
// schema is inconsistent (an index on a missing column, a foreign key to a
// missing table or to columns that are not a key of it). It checks its own result: the plan's Up
// must turn old into new and its Down must turn that back into old, up to
// the order of columns; an error saying otherwise is a bug in strata.
func Compare(old, new *schema.Schema, hints Hints) (*Plan, error) {
	from, to := canonicalInput(old), canonicalInput(new)
	if err := validate(from); err != nil {
		return nil, fmt.Errorf("diff: old schema: %w", err)
	}
	if err := validate(to); err != nil {
		return nil, fmt.Errorf("diff: new schema: %w", err)
	}
	p, err := newPlanner(from, to, hints)
	if err != nil {
		return nil, fmt.Errorf("diff: the renames do not apply to the old schema (a strata bug): %w", err)
	}
	steps := p.plan()
	plan := &Plan{
		Warnings: p.warnings,
		initial:  len(from.Tables) == 0 && len(from.Enums) == 0,
	}
	var renames []string // named first: they are step 2 only to let step 1 go first
	for _, s := range steps {
		plan.Up = append(plan.Up, s.Change)
		switch s.Op.(type) {
		case schema.RenameTable, schema.RenameColumn:
			renames = append(renames, fragment(s.Op))
		default:
			if !s.implied {
				plan.names = append(plan.names, fragment(s.Op))
			}
		}
	}
	plan.names = append(renames, plan.names...)
	down, after, err := reverse(from, plan.Ops())
	if err != nil {
		return nil, fmt.Errorf("diff: the plan does not apply to the old schema (a strata bug): %w", err)
	}
	plan.Down = down
	if !sameSchema(after, to) {
		return nil, fmt.Errorf("diff: the plan does not produce the new schema (a strata bug)")
	}
	if err := after.ApplyAll(down); err != nil {
		return nil, fmt.Errorf("diff: the plan's Down does not apply to the new schema (a strata bug): %w", err)
	}
	if !sameSchema(after, from) {
		return nil, fmt.Errorf("diff: the plan's Down does not restore the old schema (a strata bug)")
	}
	return plan, nil
}

// canonicalInput returns a normalized copy of s, or an empty schema for nil.
// The copy of a schema in canonical form already, as the generator's are,
// is a fork: the plan changes it through Apply only, which copies what it
// changes, and the copy of every table would cost as much as the rest of
// the comparison.
func canonicalInput(s *schema.Schema) *schema.Schema {
	if s == nil {
		return &schema.Schema{}
	}
	if canonical(s) {
		return s.Fork()
	}
	c := s.Clone()
	c.Normalize()
	return c
}

// canonical reports whether s is in the order [schema.Schema.Normalize]
// puts it in, with no two enum types or tables, and no two indexes or
// constraints of a table, of one name.
func canonical(s *schema.Schema) bool {
	if !strictlySorted(s.Enums, func(e schema.Enum) string { return e.Name }) ||
		!strictlySorted(s.Tables, func(t schema.Table) string { return t.Name }) {
		return false
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		if !strictlySorted(t.Indexes, func(ix schema.Index) string { return ix.Name }) ||
			!strictlySorted(t.Uniques, func(u schema.Unique) string { return u.Name }) ||
			!strictlySorted(t.ForeignKeys, func(fk schema.ForeignKey) string { return fk.Name }) ||
			!strictlySorted(t.Checks, func(c schema.Check) string { return c.Name }) {
			return false
		}
		for _, c := range t.Columns {
			if !strictlySorted(c.Type.Custom, func(ct schema.CustomType) string { return ct.Dialect }) {
				return false
			}
		}
	}
	return true
}

// strictlySorted reports whether the names of list rise strictly: sorted,
// none twice, so that no sort would move an element.
func strictlySorted[T any](list []T, name func(T) string) bool {
	for i := 1; i < len(list); i++ {
		if name(list[i-1]) >= name(list[i]) {
			return false
		}
	}
	return true
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Up) == 0 }

// Ops returns the operations of the plan's Up, in order.
func (p *Plan) Ops() []schema.Operation {
	var ops []schema.Operation
	for _, c := range p.Up {
		ops = append(ops, c.Op)
	}
	return ops
}

// Guarded returns the changes of the plan's Up that the destructive guard
// stops unless the user forces them: those whose Destructive or Rewrites
// is set.
func (p *Plan) Guarded() []Change {
	var guarded []Change
	for _, c := range p.Up {
		if c.Destructive != "" || c.Rewrites != "" {
			guarded = append(guarded, c)
		}
	}
	return guarded
}
