package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// tableDiff is how a table present in both schemas changes. Indexes and
// constraints are matched by name: one whose definition changed is both
// dropped and added.
type tableDiff struct {
	old, new *schema.Table

	dropColumns  []schema.Column // in the old table's order
	addColumns   []schema.Column // in the new table's order
	alterColumns []columnChange  // in the new table's order

	dropForeignKeys []schema.ForeignKey
	dropIndexes     []schema.Index
	dropUniques     []schema.Unique
	dropChecks      []schema.Check

	addIndexes     []schema.Index
	addUniques     []schema.Unique
	addChecks      []schema.Check
	addForeignKeys []schema.ForeignKey

	// keyChanges is set when the table's primary key changes, by its
	// columns or their order.
	keyChanges bool
}

// columnChange is a column whose definition changes under its name.
type columnChange struct {
	old, new schema.Column
}

// compareTable compares the two versions of a table. It records possible
// renames in p.warnings.
func (p *planner) compareTable(o, n *schema.Table) tableDiff {
	d := tableDiff{old: o, new: n, keyChanges: !slices.Equal(o.PrimaryKey, n.PrimaryKey)}
	for _, oc := range o.Columns {
		if n.Column(oc.Name) == nil {
			d.dropColumns = append(d.dropColumns, oc)
		}
	}
	for _, nc := range n.Columns {
		switch oc := o.Column(nc.Name); {
		case oc == nil:
			d.addColumns = append(d.addColumns, nc)
		case !sameColumn(*oc, nc):
			d.alterColumns = append(d.alterColumns, columnChange{old: *oc, new: nc})
		}
	}
	p.warnRenamedColumns(d)

	for _, fk := range o.ForeignKeys {
		if other := n.ForeignKey(fk.Name); other == nil || !sameForeignKey(fk, *other) {
			d.dropForeignKeys = append(d.dropForeignKeys, fk)
		}
	}
	for _, fk := range n.ForeignKeys {
		if other := o.ForeignKey(fk.Name); other == nil || !sameForeignKey(fk, *other) {
			d.addForeignKeys = append(d.addForeignKeys, fk)
		}
	}
	for _, ix := range o.Indexes {
		if other := n.Index(ix.Name); other == nil || !sameIndex(ix, *other) {
			d.dropIndexes = append(d.dropIndexes, ix)
		}
	}
	for _, ix := range n.Indexes {
		if other := o.Index(ix.Name); other == nil || !sameIndex(ix, *other) {
			d.addIndexes = append(d.addIndexes, ix)
		}
	}
	for _, u := range o.Uniques {
		if other := n.Unique(u.Name); other == nil || !slices.Equal(u.Columns, other.Columns) {
			d.dropUniques = append(d.dropUniques, u)
		}
	}
	for _, u := range n.Uniques {
		if other := o.Unique(u.Name); other == nil || !slices.Equal(u.Columns, other.Columns) {
			d.addUniques = append(d.addUniques, u)
		}
	}
	for _, c := range o.Checks {
		if other := n.Check(c.Name); other == nil || other.Expr != c.Expr {
			d.dropChecks = append(d.dropChecks, c)
		}
	}
	for _, c := range n.Checks {
		if other := o.Check(c.Name); other == nil || other.Expr != c.Expr {
			d.addChecks = append(d.addChecks, c)
		}
	}
	return d
}

// warnRenamedColumns warns about each dropped column of d that has the
// same definition as an added one: the user may have meant a rename.
func (p *planner) warnRenamedColumns(d tableDiff) {
	for _, dc := range d.dropColumns {
		for _, ac := range d.addColumns {
			if !sameColumn(dc, ac) {
				continue
			}
			t := d.old.Name
			p.warnings = append(p.warnings, fmt.Sprintf(
				"column %s.%s looks like %s.%s renamed (same definition): this plan drops %s.%s and its data "+
					"and adds %s.%s empty; if it is a rename, give the field strata:\"renamed_from=%s\"",
				t, ac.Name, t, dc.Name, t, dc.Name, t, ac.Name, dc.Name))
		}
	}
}

// warnRenamedTables warns about each dropped table whose columns are those
// of a created one: the user may have meant a rename.
func (p *planner) warnRenamedTables() {
	for _, dn := range p.dropped {
		for _, cn := range p.created {
			if !sameColumnSet(p.oldTable(dn).Columns, p.newTable(cn).Columns) {
				continue
			}
			p.warnings = append(p.warnings, fmt.Sprintf(
				"table %s looks like table %s renamed (same columns): this plan drops %s and its rows "+
					"and creates %s empty; if it is a rename, write //strata:table %s renamed_from=%s",
				cn, dn, dn, cn, cn, dn))
		}
	}
}

// typeText spells a type the way messages show it: text, varchar(320),
// enum status, int64 (type=numeric(20,0)).
func typeText(t schema.Type) string {
	var s string
	switch {
	case t.Kind == schema.Text && t.Size > 0:
		s = fmt.Sprintf("varchar(%d)", t.Size)
	case t.Kind == schema.EnumKind:
		s = "enum " + t.Enum
	default:
		s = string(t.Kind)
	}
	if len(t.Custom) == 0 {
		return s
	}
	var custom []string
	for _, c := range t.Custom {
		if c.Dialect == "" {
			custom = append(custom, c.SQL)
		} else {
			custom = append(custom, c.Dialect+":"+c.SQL)
		}
	}
	return s + " (type=" + strings.Join(custom, ", ") + ")"
}

func nullText(nullable bool) string {
	if nullable {
		return "NULL"
	}
	return "NOT NULL"
}

// columnList spells names as (a, b), or (none).
func columnList(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// sameColumn reports whether two columns have the same definition, whatever
// their names.
func sameColumn(a, b schema.Column) bool {
	return sameType(a.Type, b.Type) && a.Nullable == b.Nullable && a.Default == b.Default &&
		a.Identity == b.Identity && a.AutoNow == b.AutoNow
}

func sameType(a, b schema.Type) bool {
	return a.Kind == b.Kind && a.Size == b.Size && a.Enum == b.Enum && slices.Equal(a.Custom, b.Custom)
}

// sameColumnSet reports whether two tables have the same columns, by name
// and definition, in any order.
func sameColumnSet(a, b []schema.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for _, ca := range a {
		i := slices.IndexFunc(b, func(cb schema.Column) bool { return cb.Name == ca.Name })
		if i < 0 || !sameColumn(ca, b[i]) {
			return false
		}
	}
	return true
}

func sameIndex(a, b schema.Index) bool {
	return slices.Equal(a.Columns, b.Columns) && a.Unique == b.Unique && a.Where == b.Where
}

func sameForeignKey(a, b schema.ForeignKey) bool {
	return slices.Equal(a.Columns, b.Columns) && a.RefTable == b.RefTable &&
		slices.Equal(a.RefColumns, b.RefColumns) && a.OnDelete == b.OnDelete && a.OnUpdate == b.OnUpdate
}

// TypeText spells a column type the way strata's messages and summaries
// show it: text, varchar(320), enum status, int64 (type=numeric(20,0)).
func TypeText(t schema.Type) string { return typeText(t) }
