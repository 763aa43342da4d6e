package mysql

import (
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// renameColumn renders op, which s holds applied already. On a table with
// a unique constraint or unique index over a TEXT, BLOB or JSON column,
// which MariaDB keeps as a hash (USING HASH), MariaDB alters the table by
// copying it, and refuses a copy that renames a column a foreign key uses
// ("ALGORITHM=COPY is not supported. Reason: Columns participating in a
// foreign key are renamed"). There the foreign keys over the column, of
// the table itself and of the tables that reference it, are dropped
// first, in the statement that renames the column for the table's own, and
// added back after, over the new name; their indexes stay.
func renameColumn(s *schema.Schema, op schema.RenameColumn) ([]dialect.Step, error) {
	if err := checkRenameColumn(s, op); err != nil {
		return nil, err
	}
	rename := "RENAME COLUMN " + quote(op.From) + " TO " + quote(op.To)
	t := s.Table(op.Table)
	if !hasHashedUnique(s, t) {
		return ddl(nil, alterTable(op.Table, rename))
	}
	type tableKey struct {
		table string
		fk    schema.ForeignKey
	}
	var own, others []tableKey
	for i := range s.Tables {
		u := &s.Tables[i]
		for _, fk := range u.ForeignKeys {
			child := u.Name == op.Table && slices.Contains(fk.Columns, op.To)
			parent := fk.RefTable == op.Table && slices.Contains(fk.RefColumns, op.To)
			switch {
			case !child && !parent:
			case u.Name == op.Table:
				own = append(own, tableKey{u.Name, fk})
			default:
				others = append(others, tableKey{u.Name, fk})
			}
		}
	}
	if len(own) == 0 && len(others) == 0 {
		return ddl(nil, alterTable(op.Table, rename))
	}
	var sql []string
	for _, k := range others {
		sql = append(sql, alterTable(k.table, "DROP FOREIGN KEY "+quote(k.fk.Name)))
	}
	var changes []string
	for _, k := range own {
		changes = append(changes, "DROP FOREIGN KEY "+quote(k.fk.Name))
	}
	sql = append(sql, alterTable(op.Table, strings.Join(append(changes, rename), ", ")))
	for _, k := range slices.Concat(own, others) {
		sql = append(sql, alterTable(k.table, "ADD "+foreignKeyConstraint(k.fk)))
	}
	return ddl(nil, sql...)
}

// hasHashedUnique reports whether a unique constraint or unique index of t
// covers a TEXT, BLOB or JSON column, which MariaDB indexes by a hash of
// the whole value (see indexColumns).
func hasHashedUnique(s *schema.Schema, t *schema.Table) bool {
	for _, u := range t.Uniques {
		if longColumns(s, t, u.Columns) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if ix.Unique && longColumns(s, t, ix.Columns) {
			return true
		}
	}
	return false
}

// longColumns reports whether one of columns of t is a TEXT, BLOB or JSON
// column: a unique key over it is a hash in MariaDB, which no foreign key
// can use as its index.
func longColumns(s *schema.Schema, t *schema.Table, columns []string) bool {
	for _, n := range columns {
		if c := t.Column(n); c != nil {
			if typ, err := columnType(s, c.Type); err == nil && isLong(typ) {
				return true
			}
		}
	}
	return false
}
