package sqlite

import (
	"errors"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// copyPlan says how a table rebuild fills the columns of the new table from
// the rows of the old one.
type copyPlan struct {
	// from maps each column of the table, as the operations of the rebuild
	// leave it so far, to the SQL expression over the old table's columns
	// that fills it. A column it lacks is left to its default.
	from map[string]string
}

// newCopyPlan returns the plan that copies every column of old as it is.
func newCopyPlan(old *schema.Table) *copyPlan {
	cp := &copyPlan{from: map[string]string{}}
	for _, c := range old.Columns {
		cp.from[c.Name] = quoteIdent(c.Name)
	}
	return cp
}

// plain reports whether column is filled from the old table's column of
// the same name, unchanged.
func (cp *copyPlan) plain(column string) bool {
	e, ok := cp.from[column]
	return ok && e == quoteIdent(column)
}

// accepts reports whether op can join the rebuild whose table is t so far.
// An AlterColumn can only when the column it changes and every column its
// Using and Backfill name are still plain: their SQL names columns of the
// old table, which the copy reads.
func (cp *copyPlan) accepts(op schema.Operation, t *schema.Table) bool {
	alter, ok := op.(schema.AlterColumn)
	if !ok {
		return true
	}
	if !cp.plain(alter.Column.Name) {
		return false
	}
	for _, c := range t.Columns {
		if (mentions(alter.Using, c.Name) || mentions(alter.Backfill, c.Name)) && !cp.plain(c.Name) {
			return false
		}
	}
	return true
}

// apply moves the plan past op, which took the table from before to after.
func (cp *copyPlan) apply(op schema.Operation, before, after *schema.Table) {
	switch op := op.(type) {
	case schema.AddColumn:
		// A new column, even one named like a column dropped earlier in
		// the rebuild: its default fills it.
		delete(cp.from, op.Column.Name)
	case schema.DropColumn:
		delete(cp.from, op.Column)
	case schema.AlterColumn:
		name := op.Column.Name
		cp.from[name] = converted(cp.from[name], op, declared(before, name), declared(after, name),
			before.Column(name).Nullable && !after.Column(name).Nullable)
	}
}

// converted returns the expression that fills a column altered by op from
// expr, its value so far: op.Using when it is set, else a CAST to the new
// declared type when that changes how SQLite stores values (see
// castsTo), and then, when the column becomes NOT NULL and op has a
// Backfill, the Backfill in place of NULL.
func converted(expr string, op schema.AlterColumn, oldDecl, newDecl string, becomesNotNull bool) string {
	switch {
	case op.Using != "":
		expr = op.Using
	case castsTo(oldDecl, newDecl):
		expr = "CAST(" + expr + " AS " + newDecl + ")"
	}
	if becomesNotNull && op.Backfill != "" {
		expr = "COALESCE(" + expr + ", " + op.Backfill + ")"
	}
	return expr
}

// castsTo reports whether the copy converts values with a CAST when a
// column's declared type changes from oldDecl to newDecl: when the type
// affinity changes to INTEGER, REAL, TEXT or BLOB, so that every value is
// stored as the new type says. A change within one affinity needs no CAST,
// and NUMERIC is left to the column's affinity, which converts only what
// it can without loss: CAST(x AS NUMERIC) would turn '2024-05-01 10:00'
// into 2024.
func castsTo(oldDecl, newDecl string) bool {
	to := affinity(newDecl)
	return strings.TrimSpace(newDecl) != "" && to != affinity(oldDecl) && to != "NUMERIC"
}

// affinity returns the type affinity SQLite gives a column declared decl,
// by the rules of its documentation (Datatypes In SQLite, 3.1).
func affinity(decl string) string {
	d := strings.ToUpper(decl)
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(d, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("INT"):
		return "INTEGER"
	case has("CHAR", "CLOB", "TEXT"):
		return "TEXT"
	case has("BLOB") || strings.TrimSpace(d) == "":
		return "BLOB"
	case has("REAL", "FLOA", "DOUB"): //nolint:misspell // SQLite matches this prefix of DOUBLE
		return "REAL"
	}
	return "NUMERIC"
}

// declared returns the type column of t is declared with: INTEGER for the
// rowid alias, else the one [Dialect.ColumnType] gives (or "" for a kind it
// does not know, which rendering refuses anyway).
func declared(t *schema.Table, column string) string {
	if rowid, _ := rowidColumn(t); rowid == column {
		return rowidType
	}
	decl, _ := Dialect{}.ColumnType(t.Column(column).Type)
	return decl
}

// unchanged reports whether the plan copies every column of t from the
// column of the same name, as it is.
func (cp *copyPlan) unchanged(t *schema.Table) bool {
	if len(cp.from) != len(t.Columns) {
		return false
	}
	for _, c := range t.Columns {
		if !cp.plain(c.Name) {
			return false
		}
	}
	return true
}

// errNoRowsToCopy is returned for a rebuild that has no column nor row id
// left by which to copy the old table's rows.
var errNoRowsToCopy = errors.New("no column of the old table is left to copy its rows by, and its row id has no free name")

// insert returns the INSERT that copies the rows of old into the table
// named into, which is t under a temporary name. Unless t has a rowid
// alias (an identity column, whose values it copies), it copies the row
// ids too, under the first of SQLite's names for them that no column of
// old or t takes: rowid, _rowid_, oid.
func (cp *copyPlan) insert(into string, old, t *schema.Table) (string, error) {
	var cols, exprs []string
	if alias := rowidAlias(old, t); alias != "" {
		cols, exprs = append(cols, alias), append(exprs, alias)
	}
	for _, c := range t.Columns {
		if e, ok := cp.from[c.Name]; ok {
			cols, exprs = append(cols, quoteIdent(c.Name)), append(exprs, e)
		}
	}
	if len(cols) == 0 {
		return "", errNoRowsToCopy
	}
	return "INSERT INTO " + quoteIdent(into) + " (" + strings.Join(cols, ", ") + ")\n" +
		"SELECT " + strings.Join(exprs, ", ") + " FROM " + quoteIdent(old.Name), nil
}

// rowidAlias returns the name under which the copy from old to t carries
// the row ids over, or "" when it need not (t's identity column is its row
// id) or cannot.
func rowidAlias(old, t *schema.Table) string {
	if rowid, _ := rowidColumn(t); rowid != "" {
		return ""
	}
	taken := func(name string) bool {
		for _, tb := range []*schema.Table{old, t} {
			for _, c := range tb.Columns {
				if strings.EqualFold(c.Name, name) {
					return true
				}
			}
		}
		return false
	}
	for _, name := range []string{"rowid", "_rowid_", "oid"} {
		if !taken(name) {
			return name
		}
	}
	return ""
}
