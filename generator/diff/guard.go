package diff

import (
	"fmt"
	"slices"
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

// keyChangeReason is the reason to guard moving the primary key of the
// kept table d to columns whose values existing rows may share: columns
// that hold neither the old key nor the columns of a unique constraint or
// full unique index of the old table over NOT NULL columns (which the
// models drop when it is over the new key's columns alone). A key that
// grows, or that goes away, meets no two rows of one value.
func (p *planner) keyChangeReason(d tableDiff) string {
	o, n := d.old, d.new
	key := n.PrimaryKey
	if len(key) == 0 || covers(key, o.PrimaryKey) {
		return ""
	}
	unique := func(columns []string) bool {
		return covers(key, columns) && !slices.ContainsFunc(columns, func(c string) bool { return o.Column(c).Nullable })
	}
	for _, u := range o.Uniques {
		if unique(u.Columns) {
			return ""
		}
	}
	for _, ix := range o.Indexes {
		if ix.Unique && ix.Where == "" && unique(ix.Columns) {
			return ""
		}
	}
	columns := make([]string, len(key))
	for i, c := range key {
		columns[i] = sqlName(c)
	}
	list := strings.Join(columns, ", ")
	return fmt.Sprintf("the primary key of %s changes from %s to %s, and two rows that share a value of %s fail the migration: "+
		"find them with SELECT %s, count(*) FROM %s GROUP BY %s HAVING count(*) > 1, or use --force if there are none",
		o.Name, columnList(o.PrimaryKey), columnList(key), columnList(key), list, sqlName(o.Name), list)
}

// covers reports whether key holds every one of columns, and there are
// some.
func covers(key, columns []string) bool {
	return len(columns) > 0 && !slices.ContainsFunc(columns, func(c string) bool { return !slices.Contains(key, c) })
}

// sqlName spells name as an SQL query in a message names it: as it is
// when it is a plain lower-case identifier, and in double quotes
// otherwise.
func sqlName(name string) string {
	plain := name != ""
	for i, r := range name {
		lower := r == '_' || r >= 'a' && r <= 'z'
		digit := i > 0 && r >= '0' && r <= '9'
		plain = plain && (lower || digit)
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
