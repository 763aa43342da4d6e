package integration

import (
	"fmt"
	"slices"

	"github.com/strata-go/strata/runtime/schema"
)

// The fidelity test's edits of existing columns, keys and constraints.

// wider lists the types each kind widens to losslessly; Text stands for
// unbounded TEXT.
var wider = map[schema.Kind][]schema.Kind{
	schema.Int16:   {schema.Int32, schema.Int64, schema.Text},
	schema.Int32:   {schema.Int64, schema.Text},
	schema.Int64:   {schema.Text},
	schema.Float32: {schema.Float64, schema.Text},
	schema.Float64: {schema.Text},
}

func (d *fDraw) widenType() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool {
		return c.fk == nil && (len(wider[c.kind]) > 0 || c.kind == schema.Text && c.size > 0)
	})
	if c == nil {
		return false
	}
	before := c.goType()
	if c.kind == schema.Text {
		sizes := []int{0}
		for _, s := range []int{16, 32, 64, 128} {
			if s > c.size {
				sizes = append(sizes, s)
			}
		}
		from := c.size
		c.size = sizes[d.rng.IntN(len(sizes))]
		d.note("widen %s.%s from size %d to %d", t.name, c.name, from, c.size)
		return true
	}
	to := wider[c.kind][d.rng.IntN(len(wider[c.kind]))]
	c.kind = to
	// Every value fits, but PostgreSQL rewrites the table: guarded.
	d.force, d.mustGuard = true, true
	if to == schema.Text {
		// A check c >= 0 compares text with a number: it goes with the
		// change, as a user would remove it.
		c.check = false
		t.checks = slices.DeleteFunc(t.checks, func(k *fCheck) bool { return k.col == c })
	}
	d.note("widen %s.%s from %s to %s", t.name, c.name, before, c.goType())
	return true
}

func (d *fDraw) setNotNull() bool {
	t, c := d.column(func(t *fTable, c *fColumn) bool {
		return c.nullable && c.fk == nil && !t.inUnique(c) && (fidelityBackfillBesideAutoNow || !d.hadAutoNow(t))
	})
	if c == nil {
		return false
	}
	c.nullable = false
	fill := c.def
	if c.def == "" || d.rng.IntN(2) == 0 {
		c.backfill = d.value(c, "b")
		fill = c.backfill
	}
	d.rows.fill(t, c, fValue{text: fill}, func(v fValue) bool { return v.null })
	d.note("make %s.%s NOT NULL (backfill %q, default %q)", t.name, c.name, c.backfill, c.def)
	return true
}

func (d *fDraw) dropNotNull() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool { return !c.nullable })
	if c == nil {
		return false
	}
	c.nullable = true
	d.note("make %s.%s nullable", t.name, c.name)
	return true
}

func (d *fDraw) changeDefault() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool { return c.fk == nil && !c.autoNow })
	if c == nil {
		return false
	}
	old := c.def
	for c.def == old {
		if old != "" && d.rng.IntN(3) == 0 {
			c.def = ""
		} else {
			c.def = d.value(c, "d")
		}
	}
	d.note("default of %s.%s from %q to %q", t.name, c.name, old, c.def)
	return true
}

func (d *fDraw) toggleIndex() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool { return !c.unique })
	if c == nil {
		return false
	}
	c.index = !c.index
	d.note("index on %s.%s: %v", t.name, c.name, c.index)
	return true
}

func (d *fDraw) toggleUnique() bool {
	t, c := d.column(func(t *fTable, c *fColumn) bool {
		return !c.index && keyed(c) && (c.unique || d.rows.distinct(t, c))
	})
	if c == nil {
		return false
	}
	c.unique = !c.unique
	d.note("unique on %s.%s: %v", t.name, c.name, c.unique)
	return true
}

func (d *fDraw) toggleCheck() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool { return c.numeric() && (c.check || !writtenOnMySQL(c)) })
	if c == nil {
		return false
	}
	c.check = !c.check
	d.note("check on %s.%s: %v", t.name, c.name, c.check)
	return true
}

// pairOf picks two distinct columns of t, or nil.
func (d *fDraw) pairOf(t *fTable) []*fColumn {
	if len(t.cols) < 2 {
		return nil
	}
	p := d.rng.Perm(len(t.cols))
	return []*fColumn{t.cols[p[0]], t.cols[p[1]]}
}

// pick returns the position of a random one of n objects that ok accepts,
// or -1.
func (d *fDraw) pick(n int, ok func(int) bool) int {
	var fit []int
	for i := range n {
		if ok(i) {
			fit = append(fit, i)
		}
	}
	if len(fit) == 0 {
		return -1
	}
	return fit[d.rng.IntN(len(fit))]
}

// keyed reports whether the rows the test inserts hold distinct values in
// c, so that c can carry a unique constraint: not a boolean, an enum or a
// time, and not a foreign key (which reuses the ids of another table).
func keyed(c *fColumn) bool {
	switch c.kind {
	case schema.Bool, schema.EnumKind, schema.Timestamp:
		return false
	}
	return c.fk == nil
}

// keyedPair reports whether a unique constraint over cols holds for every
// row the test inserts: one of them is keyed.
func keyedPair(cols []*fColumn) bool { return slices.ContainsFunc(cols, keyed) }

func (d *fDraw) toggleTableIndex() bool {
	t := d.m.tables[d.rng.IntN(len(d.m.tables))]
	if i := d.pick(len(t.indexes), func(i int) bool { return !d.touched[t.indexes[i]] }); i >= 0 && d.rng.IntN(2) == 0 {
		d.note("drop index %s of %s", t.indexes[i].name, t.name)
		t.indexes = slices.Delete(t.indexes, i, i+1)
		return true
	}
	return d.addTableIndex(t)
}

func (d *fDraw) addTableIndex(t *fTable) bool {
	cols := d.pairOf(t)
	if cols == nil {
		return false
	}
	// A project that targets MySQL declares no partial index: the generator
	// refuses one, naming the engine (a test of the generator proves it).
	// The draw is made all the same, so that a seed draws the same history
	// on every set of engines but for the where clauses; a run with
	// -engines=sqlite,postgres draws partial indexes.
	ix := &fIndex{cols: cols, partial: d.rng.IntN(3) == 0 && !targetsMySQL()}
	ix.unique = d.rng.IntN(3) == 0 && keyedPair(cols) && d.rows.distinct(t, cols...)
	ix.name, _ = d.m.fresh("ix")
	d.touched[ix] = true
	t.indexes = append(t.indexes, ix)
	d.note("add index %s on %s (%s) unique=%v partial=%v", ix.name, t.name, columnNames(cols), ix.unique, ix.partial)
	return true
}

func (d *fDraw) toggleTableUnique() bool {
	t := d.m.tables[d.rng.IntN(len(d.m.tables))]
	if i := d.pick(len(t.uniques), func(i int) bool { return !d.touched[t.uniques[i]] }); i >= 0 && d.rng.IntN(2) == 0 {
		d.note("drop unique %s of %s", t.uniques[i].name, t.name)
		t.uniques = slices.Delete(t.uniques, i, i+1)
		return true
	}
	return d.addTableUnique(t)
}

func (d *fDraw) addTableUnique(t *fTable) bool {
	cols := d.pairOf(t)
	if cols == nil || !keyedPair(cols) || !d.rows.distinct(t, cols...) {
		return false
	}
	for _, u := range t.uniques {
		if slices.Equal(u.cols, cols) {
			return false
		}
	}
	u := &fUnique{cols: cols}
	u.name, _ = d.m.fresh("uq")
	d.touched[u] = true
	t.uniques = append(t.uniques, u)
	d.note("add unique %s on %s (%s)", u.name, t.name, columnNames(cols))
	return true
}

func (d *fDraw) toggleTableCheck() bool {
	t := d.m.tables[d.rng.IntN(len(d.m.tables))]
	if i := d.pick(len(t.checks), func(i int) bool { return !d.touched[t.checks[i]] }); i >= 0 && d.rng.IntN(2) == 0 {
		d.note("drop check %s of %s", t.checks[i].name, t.name)
		t.checks = slices.Delete(t.checks, i, i+1)
		return true
	}
	return d.addTableCheck(t)
}

func (d *fDraw) addTableCheck(t *fTable) bool {
	var numeric []*fColumn
	for _, c := range t.cols {
		if c.numeric() && !writtenOnMySQL(c) {
			numeric = append(numeric, c)
		}
	}
	if len(numeric) == 0 {
		return false
	}
	k := &fCheck{col: numeric[d.rng.IntN(len(numeric))]}
	k.name, _ = d.m.fresh("ck")
	d.touched[k] = true
	t.checks = append(t.checks, k)
	d.note("add check %s on %s (%s >= 0)", k.name, t.name, k.col.name)
	return true
}

// addForeignKey makes an existing nullable int64 column a foreign key.
// Values that reference no row are set to NULL first, as a user fixes the
// data before adding the constraint; the tables keep their names in this
// step, so that the fix, run before the migration, names them.
func (d *fDraw) addForeignKey() bool {
	t, c := d.column(func(t *fTable, c *fColumn) bool {
		return c.kind == schema.Int64 && c.nullable && c.fk == nil && !t.inUnique(c) && !d.touched[t] && d.hasRows(t)
	})
	if c == nil {
		return false
	}
	d.touched[t] = true
	target := t
	// With two sets, half the app's keys reference the library's tables.
	crossing := d.m.sets && !t.lib && d.rng.IntN(2) == 0
	if other := d.table(func(o *fTable) bool { return d.m.canReference(t, o) && (!crossing || o.lib) }); other != nil && d.rng.IntN(4) > 0 {
		target = other
	}
	d.touched[target] = true
	c.fk = &fRef{to: target}
	d.drawActions(c.fk, false)
	keepChecksOnMySQL(t, c)
	ids := d.rows.ids(target)
	dangling := func(v fValue) bool {
		return !v.null && !slices.ContainsFunc(ids, func(id int64) bool { return fmt.Sprint(id) == v.text })
	}
	for _, row := range d.rows.byTable[t] {
		if !dangling(row.value(c)) {
			continue
		}
		// The fix is an UPDATE: the auto_now triggers live before the
		// step set the time of the rows it changes.
		for _, o := range t.cols {
			if d.autoNow[o] {
				row.vals[o] = fValue{text: aTime}
			}
		}
	}
	d.rows.fill(t, c, null, dangling)
	d.prepare = append(d.prepare, fmt.Sprintf("UPDATE %s SET %s = NULL WHERE %s IS NOT NULL AND %s NOT IN (SELECT id FROM %s)", t.name, c.name, c.name, c.name, target.name))
	d.note("add foreign key %s.%s -> %s.id on_delete=%q on_update=%q", t.name, c.name, target.name, c.fk.onDelete, c.fk.onUpdate)
	return true
}

func (d *fDraw) changeActions() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool { return c.fk != nil })
	if c == nil {
		return false
	}
	old := *c.fk
	for sameActions(*c.fk, old) {
		d.drawActions(c.fk, false)
		keepChecksOnMySQL(t, c)
	}
	d.force = true // the foreign key is dropped and added again
	d.note("actions of %s.%s from %q/%q to %q/%q", t.name, c.name, old.onDelete, old.onUpdate, c.fk.onDelete, c.fk.onUpdate)
	return true
}

// writtenOnMySQL reports whether a project that targets MySQL has a
// foreign-key action that writes c (ON DELETE SET NULL, ON UPDATE CASCADE
// or SET NULL): MySQL refuses a check on such a column, and the generator
// refuses the pair, so the draws never make it.
func writtenOnMySQL(c *fColumn) bool {
	if !targetsMySQL() || c.fk == nil {
		return false
	}
	return c.fk.onDelete == "set_null" || c.fk.onUpdate == "cascade" || c.fk.onUpdate == "set_null"
}

// keepChecksOnMySQL takes out of the actions just drawn for the foreign
// key of c those that would write c while a check names it, in a project
// that targets MySQL (see writtenOnMySQL).
func keepChecksOnMySQL(t *fTable, c *fColumn) {
	checked := c.check || slices.ContainsFunc(t.checks, func(k *fCheck) bool { return k.col == c })
	if !checked || !writtenOnMySQL(c) {
		return
	}
	if c.fk.onDelete == "set_null" {
		c.fk.onDelete = ""
	}
	if c.fk.onUpdate == "cascade" || c.fk.onUpdate == "set_null" {
		c.fk.onUpdate = ""
	}
}

// sameActions reports whether a and b act alike: no_action is the default.
func sameActions(a, b fRef) bool {
	norm := func(action string) string {
		if action == "no_action" {
			return ""
		}
		return action
	}
	return norm(a.onDelete) == norm(b.onDelete) && norm(a.onUpdate) == norm(b.onUpdate)
}

func (d *fDraw) dropForeignKey() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool { return c.fk != nil })
	if c == nil {
		return false
	}
	c.fk = nil
	d.force, d.mustGuard = true, true
	d.note("drop foreign key of %s.%s", t.name, c.name)
	return true
}

// hadAutoNow reports whether t had an auto_now column as the step began,
// or has one now.
func (d *fDraw) hadAutoNow(t *fTable) bool {
	return slices.ContainsFunc(t.cols, func(c *fColumn) bool { return d.autoNow[c] || c.autoNow })
}
