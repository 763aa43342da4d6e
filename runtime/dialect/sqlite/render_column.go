package sqlite

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// addsInPlace reports whether SQLite's ADD COLUMN can add c to a table that
// has rows: c must be NULL-able or have a non-NULL default, and that
// default must be a constant. Any other column is added by a rebuild.
func addsInPlace(c schema.Column) bool {
	switch defaultKind(c.Default) {
	case currentDefault, exprDefault:
		return false
	case nullDefault:
		return c.Nullable
	}
	return true
}

// checkAddColumn reports what keeps c from being added to t at all, in
// place or by a rebuild: a column named like another but for case, an
// identity column.
func checkAddColumn(t *schema.Table, c schema.Column) error {
	for _, other := range t.Columns {
		if strings.EqualFold(other.Name, c.Name) {
			return fmt.Errorf("table %s has a column %s already, and SQLite's names ignore case", t.Name, other.Name)
		}
	}
	if c.Identity {
		return fmt.Errorf("cannot add identity column %s: SQLite adds no primary-key column to an existing table", c.Name)
	}
	return nil
}

// addColumn renders an AddColumn that SQLite's ADD COLUMN can do; s is the
// schema before it.
func addColumn(s *schema.Schema, op schema.AddColumn) ([]string, error) {
	def, err := columnDef(s, op.Column, false)
	if err != nil {
		return nil, err
	}
	return []string{"ALTER TABLE " + quoteIdent(op.Table) + " ADD COLUMN " + def}, nil
}

// checkDropColumn reports what keeps op from dropping its column at all, in
// place or by a rebuild, in s, the schema before it: the column is the
// table's last, or a CHECK, the WHERE of a partial index or a foreign key
// of another table still uses it. The schema keeps a CHECK and a WHERE as
// SQL text, so the table rebuilt without the column would carry them
// naming a column it lacks.
func (r *renderer) checkDropColumn(s *schema.Schema, op schema.DropColumn) error {
	t := s.Table(op.Table)
	if len(t.Columns) == 1 {
		return fmt.Errorf("cannot drop %s, the only column of table %s", op.Column, op.Table)
	}
	for _, ck := range t.Checks {
		if mentions(ck.Expr, op.Column) {
			return fmt.Errorf("column %s is used by check %s: drop the check first", op.Column, ck.Name)
		}
	}
	for _, ix := range t.Indexes {
		if ix.Where != "" && mentions(ix.Where, op.Column) {
			return fmt.Errorf("column %s is used by the WHERE of index %s: drop the index first", op.Column, ix.Name)
		}
	}
	if by := referrer(s, op.Table, op.Column); by != "" {
		return fmt.Errorf("column %s is referenced by %s: drop that first", op.Column, by)
	}
	return nil
}

// lingeringUser names a foreign key of table that the database still has
// although the schema no longer does (see renderer.lingering), and that
// uses column, or returns "". pending are more such foreign keys. SQLite's
// DROP COLUMN refuses such a column; a rebuild drops the foreign key too.
func (r *renderer) lingeringUser(table, column string, pending []schema.ForeignKey) string {
	for _, fk := range append(slices.Clone(r.lingering[table]), pending...) {
		if slices.Contains(fk.Columns, column) {
			return fk.Name
		}
	}
	return ""
}

// dropColumn renders a DropColumn that SQLite's DROP COLUMN can do.
func dropColumn(op schema.DropColumn) []string {
	return []string{"ALTER TABLE " + quoteIdent(op.Table) + " DROP COLUMN " + quoteIdent(op.Column)}
}

// referrer names a foreign key, of any table of s, that references column
// of table, or returns "". The foreign keys whose drop waits for their
// table's (see renderer.lingering) do not count: that table goes before the
// migration ends, and SQLite drops a column other tables reference.
func referrer(s *schema.Schema, table, column string) string {
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == table && slices.Contains(fk.RefColumns, column) {
				return "foreign key " + fk.Name + " of table " + t.Name
			}
		}
	}
	return ""
}

// checkPrimaryKeyReferrers refuses to move the primary key of a table
// while a foreign key of another table references the old key's columns
// and they would be no key any more, neither the new primary key nor
// unique: SQLite would find the foreign key mismatched on the next write
// to either table. s is the schema before op.
func checkPrimaryKeyReferrers(s *schema.Schema, op schema.AlterPrimaryKey) error {
	t := s.Table(op.Table)
	after := t.Clone()
	after.PrimaryKey = op.New
	for _, other := range s.Tables {
		for _, fk := range other.ForeignKeys {
			if fk.RefTable == op.Table && !after.IsKey(fk.RefColumns) {
				return fmt.Errorf("foreign key %s of table %s references %s (%s), which would be neither its primary key nor unique: drop it first",
					fk.Name, other.Name, op.Table, strings.Join(fk.RefColumns, ", "))
			}
		}
	}
	return nil
}
