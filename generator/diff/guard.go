package diff

import (
	"fmt"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// The destructive guard (DESIGN.md, invariant 5): each function returns
// why its operation can lose data or fail on existing rows, or "". The reasons carry no final period: callers print
// them after the operation.

func dropTableReason(table string) string {
	return "drops table " + table + " and all its rows"
}

func dropColumnReason(table, column string) string {
	return "drops column " + table + "." + column + " and its data"
}

// dropForeignKeyReason is the reason to guard dropping fk from a table that
// stays.
func dropForeignKeyReason(table string, fk schema.ForeignKey) string {
	return fmt.Sprintf("drops foreign key %s: the database stops checking %s against %s",
		fk.Name, qualified(table, fk.Columns), qualified(fk.RefTable, fk.RefColumns))
}

// addForeignKeyReason is the reason to guard adding fk to a table that
// exists already, where old is the foreign key of that name the table had,
// or nil.
func addForeignKeyReason(table string, fk schema.ForeignKey, old *schema.ForeignKey) string {
	if fk.OnDelete != schema.Cascade || (old != nil && old.OnDelete == schema.Cascade) {
		return ""
	}
	return fmt.Sprintf("adds ON DELETE CASCADE to an existing relation: deleting a row of %s will delete the rows of %s that reference it",
		fk.RefTable, table)
}

// addColumnReason is the reason to guard adding c to a table that exists
// already.
func addColumnReason(table string, c schema.Column) string {
	if c.Nullable || c.Default != "" || c.Identity {
		return ""
	}
	return "column " + table + "." + c.Name + " is NOT NULL without a default, so existing rows have no value for it: " +
		`give it a default (strata:"default=..."), make it a pointer, or use --force if the table is empty`
}

// qualified spells columns of table as users.id or users.(a, b).
func qualified(table string, columns []string) string {
	if len(columns) == 1 {
		return table + "." + columns[0]
	}
	return table + ".(" + strings.Join(columns, ", ") + ")"
}

// typeChangeReason is the reason to guard changing the type of column o of
// table to that of n, outside the lossless whitelist and without a using=
// hint.
func typeChangeReason(table string, o, n schema.Column) string {
	return "column " + table + "." + n.Name + " changes type from " + typeText(o.Type) + " to " + typeText(n.Type) +
		", to which existing values may not convert: " +
		`say how to convert them with strata:"using=EXPR" on the field, or use --force to rely on the database's cast`
}

// notNullReason is the reason to guard making column c of table NOT NULL
// when neither a backfill= hint nor a default fills its NULLs.
func notNullReason(table string, c schema.Column) string {
	return "column " + table + "." + c.Name + " becomes NOT NULL, and existing rows may hold NULL in it: " +
		`give the field strata:"backfill=..." (or a default) to fill them, or use --force if no row is NULL`
}
