package schema

import (
	"fmt"
	"slices"
)

// ReplaceTable returns ops as they run where table is replaced by another
// table, by: the operations that make or change table are left out, and
// every foreign key that references table references by instead. It is
// how an app that includes a set of migrations puts a table of its own in
// the place of one of the set's (a user table of its own, say). A
// renaming of table is an error, and so is a [RunSQL] that declares a
// change of it; the text of a RunSQL is not read.
func ReplaceTable(ops []Operation, table, by string) ([]Operation, error) {
	out := make([]Operation, 0, len(ops))
	for _, op := range ops {
		switch op := op.(type) {
		case CreateTable:
			if op.Table.Name == table {
				continue
			}
			op.Table.ForeignKeys = retarget(op.Table.ForeignKeys, table, by)
			out = append(out, op)
		case AddForeignKey:
			if op.Table == table {
				continue
			}
			if op.ForeignKey.RefTable == table {
				op.ForeignKey.RefTable = by
			}
			out = append(out, op)
		case RenameTable:
			if op.From == table || op.To == table {
				return nil, fmt.Errorf("schema: %s: the table is replaced by %s, so it cannot be renamed", op, by)
			}
			out = append(out, op)
		case RunSQL:
			declares, err := ReplaceTable(op.Declares, table, by)
			if err != nil {
				return nil, err
			}
			if len(declares) != len(op.Declares) {
				return nil, fmt.Errorf("schema: %s declares a change of table %s, which is replaced by %s", op, table, by)
			}
			op.Declares = declares
			out = append(out, op)
		default:
			if tableOfOp(op) == table {
				continue
			}
			out = append(out, op)
		}
	}
	return out, nil
}

// ReplaceTableIn returns s with table left out and the foreign keys that
// reference it referencing by instead (see [ReplaceTable]).
func ReplaceTableIn(s *Schema, table, by string) *Schema {
	out := s.Clone()
	out.Tables = slices.DeleteFunc(out.Tables, func(t Table) bool { return t.Name == table })
	for i := range out.Tables {
		out.Tables[i].ForeignKeys = retarget(out.Tables[i].ForeignKeys, table, by)
	}
	return out
}

// retarget returns fks with those that reference table referencing by.
func retarget(fks []ForeignKey, table, by string) []ForeignKey {
	if !slices.ContainsFunc(fks, func(fk ForeignKey) bool { return fk.RefTable == table }) {
		return fks
	}
	fks = slices.Clone(fks)
	for i := range fks {
		if fks[i].RefTable == table {
			fks[i].RefTable = by
		}
	}
	return fks
}

// tableOfOp returns the table op changes, or "" for an operation that
// changes no one table (an enum type's, or hand-written steps).
func tableOfOp(op Operation) string {
	switch op := op.(type) {
	case DropTable:
		return op.Name
	case AddColumn:
		return op.Table
	case DropColumn:
		return op.Table
	case CreateIndex:
		return op.Table
	case DropIndex:
		return op.Table
	case AddUnique:
		return op.Table
	case DropUnique:
		return op.Table
	case DropForeignKey:
		return op.Table
	case RenameColumn:
		return op.Table
	case AlterColumn:
		return op.Table
	case RenameIndex:
		return op.Table
	case RenameConstraint:
		return op.Table
	case AddCheck:
		return op.Table
	case DropCheck:
		return op.Table
	case AlterPrimaryKey:
		return op.Table
	}
	return ""
}

// References reports whether an operation of ops makes a foreign key that
// references table.
func References(ops []Operation, table string) bool {
	for _, op := range ops {
		switch op := op.(type) {
		case CreateTable:
			if slices.ContainsFunc(op.Table.ForeignKeys, func(fk ForeignKey) bool { return fk.RefTable == table }) {
				return true
			}
		case AddForeignKey:
			if op.ForeignKey.RefTable == table {
				return true
			}
		case RunSQL:
			if References(op.Declares, table) {
				return true
			}
		}
	}
	return false
}

// Creates reports whether an operation of ops makes table: creates it, or
// renames another to it.
func Creates(ops []Operation, table string) bool {
	for _, op := range ops {
		switch op := op.(type) {
		case CreateTable:
			if op.Table.Name == table {
				return true
			}
		case RenameTable:
			if op.To == table {
				return true
			}
		case RunSQL:
			if Creates(op.Declares, table) {
				return true
			}
		}
	}
	return false
}
