package sqlite

import (
	"fmt"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// checkRenameTable refuses a new name that SQLite, whose names ignore case,
// takes for another table's; s is the schema before op.
func checkRenameTable(s *schema.Schema, op schema.RenameTable) error {
	for _, t := range s.Tables {
		if t.Name != op.From && strings.EqualFold(t.Name, op.To) {
			return fmt.Errorf("table %s exists already, and SQLite's names ignore case", t.Name)
		}
	}
	return nil
}

// renameTable renders a RenameTable. With PRAGMA legacy_alter_table off, as
// [Dialect.Lock] leaves it, SQLite points the foreign keys of other tables,
// and triggers and views, at the new name.
func (r *renderer) renameTable(op schema.RenameTable) []string {
	if fks, ok := r.lingering[op.From]; ok {
		delete(r.lingering, op.From)
		r.lingering[op.To] = fks
	}
	if r.checked[op.From] {
		delete(r.checked, op.From)
		r.checked[op.To] = true
	}
	return []string{"ALTER TABLE " + quoteIdent(op.From) + " RENAME TO " + quoteIdent(op.To)}
}

// checkRenameColumn refuses a new name that SQLite, whose names ignore
// case, takes for another column's; s is the schema before op.
func checkRenameColumn(s *schema.Schema, op schema.RenameColumn) error {
	for _, c := range s.Table(op.Table).Columns {
		if c.Name != op.From && strings.EqualFold(c.Name, op.To) {
			return fmt.Errorf("table %s has a column %s already, and SQLite's names ignore case", op.Table, c.Name)
		}
	}
	return nil
}

// renameColumn renders a RenameColumn. SQLite renames the column wherever
// the database names it: in the table's indexes, constraints and CHECK
// expressions, and in other tables' foreign keys.
func renameColumn(op schema.RenameColumn) []string {
	return []string{"ALTER TABLE " + quoteIdent(op.Table) + " RENAME COLUMN " + quoteIdent(op.From) + " TO " + quoteIdent(op.To)}
}

// renameIndex renders a RenameIndex: SQLite cannot rename an index, so it
// drops the index and creates it again, as next (the schema after op) has
// it.
func renameIndex(op schema.RenameIndex, next *schema.Schema) []string {
	ix := next.Table(op.Table).Index(op.To)
	return []string{"DROP INDEX " + quoteIdent(op.From), createIndex(op.Table, *ix)}
}

// renameUnique renders a RenameConstraint of a unique constraint, which is
// an index on SQLite: it drops the index and creates it again, as next (the
// schema after op) has it.
func renameUnique(op schema.RenameConstraint, next *schema.Schema) []string {
	u := next.Table(op.Table).Unique(op.To)
	return []string{"DROP INDEX " + quoteIdent(op.From), createUnique(op.Table, *u)}
}
