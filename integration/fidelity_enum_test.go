package integration

import (
	"slices"

	"github.com/strata-go/strata/runtime/schema"
)

// The fidelity test's enum edits. Two or three enum types are declared at
// any time; a type no column uses is not in the schema, so every edit of
// values picks a type that a column uses, or the step could change
// nothing. The values of an enum keep between two and six entries.
//
// A value is removed only when no row holds it and no default or backfill
// names it. The guard cannot see rows: it refuses every removal without
// --force, which the test passes, so drawing the removal of a held value
// would only test that the forced migration fails on both engines and
// leaves the databases as they were; the run would then have to take
// back the migration files it generated, which it does not model. The
// catalogue's enum entries cover the guard's message.

// The bounds on the number of enum types and of their values.
const (
	fMinEnums  = 2
	fMaxEnums  = 3
	fMinValues = 2
	fMaxValues = 6
)

// newEnum declares a new enum type with two to four values.
func (d *fDraw) newEnum() *fEnum {
	_, n := d.m.fresh("E")
	e := &fEnum{n: n}
	for range 2 + d.rng.IntN(3) {
		e.values = append(e.values, d.newEnumValue())
	}
	d.touched[e] = true
	d.m.enums = append(d.m.enums, e)
	d.note("declare enum E%d %v", e.n, e.names())
	return e
}

func (d *fDraw) newEnumValue() *fEnumValue {
	name, n := d.m.fresh("e")
	return &fEnumValue{n: n, name: name}
}

// users returns the columns of enum type e, with their tables.
func (d *fDraw) users(e *fEnum) (tables []*fTable, cols []*fColumn) {
	for _, t := range d.m.tables {
		for _, c := range t.cols {
			if c.enum == e {
				tables, cols = append(tables, t), append(cols, c)
			}
		}
	}
	return tables, cols
}

// enum picks an untouched enum type that some column uses and that ok
// accepts, and marks it touched; or it returns nil.
func (d *fDraw) enum(ok func(*fEnum) bool) *fEnum {
	var fit []*fEnum
	for _, e := range d.m.enums {
		if _, cols := d.users(e); !d.touched[e] && len(cols) > 0 && ok(e) {
			fit = append(fit, e)
		}
	}
	if len(fit) == 0 {
		return nil
	}
	e := fit[d.rng.IntN(len(fit))]
	d.touched[e] = true
	return e
}

func (d *fDraw) addEnumType() bool {
	if len(d.m.enums) >= fMaxEnums {
		return false
	}
	e := d.newEnum()
	e.lib = d.m.sets && d.rng.IntN(2) == 0
	return d.addColumnOf(e)
}

// dropEnumType drops an enum type with every column that uses it.
func (d *fDraw) dropEnumType() bool {
	if len(d.m.enums) <= fMinEnums {
		return false
	}
	e := d.enum(func(e *fEnum) bool {
		_, cols := d.users(e)
		return !slices.ContainsFunc(cols, func(c *fColumn) bool { return d.touched[c] })
	})
	if e == nil {
		return false
	}
	tables, cols := d.users(e)
	for i, t := range tables {
		t.forget(cols[i])
		t.cols = slices.DeleteFunc(t.cols, func(o *fColumn) bool { return o == cols[i] })
		d.touched[cols[i]] = true
		d.note("drop column %s.%s", t.name, cols[i].name)
	}
	d.m.enums = slices.DeleteFunc(d.m.enums, func(o *fEnum) bool { return o == e })
	d.force, d.mustGuard = true, true
	d.note("drop enum E%d", e.n)
	return true
}

func (d *fDraw) addEnumColumn() bool {
	return d.addColumnOf(d.m.enums[d.rng.IntN(len(d.m.enums))])
}

// addColumnOf adds a column of enum type e to an existing table.
func (d *fDraw) addColumnOf(e *fEnum) bool {
	fit := slices.DeleteFunc(slices.Clone(d.m.tables), func(t *fTable) bool { return !d.m.enumFits(t, e) })
	if len(fit) == 0 {
		return false
	}
	t := fit[d.rng.IntN(len(fit))]
	c := d.freshColumn(schema.EnumKind)
	c.enum = e
	d.shapeColumn(t, c, false)
	d.attach(t, c)
	return true
}

func (d *fDraw) appendEnumValue() bool {
	e := d.enum(func(e *fEnum) bool { return len(e.values) < fMaxValues })
	if e == nil {
		return false
	}
	e.values = append(e.values, d.newEnumValue())
	d.note("append to enum E%d: %v", e.n, e.names())
	return true
}

func (d *fDraw) insertEnumValue() bool {
	e := d.enum(func(e *fEnum) bool { return len(e.values) < fMaxValues })
	if e == nil {
		return false
	}
	e.values = slices.Insert(e.values, d.rng.IntN(len(e.values)), d.newEnumValue())
	d.note("insert into enum E%d: %v", e.n, e.names())
	return true
}

// renameEnumValue gives a value a new name, with //strata:renamed_from on
// its constant; the rows, defaults and backfills naming it follow.
func (d *fDraw) renameEnumValue() bool {
	e := d.enum(func(*fEnum) bool { return true })
	if e == nil {
		return false
	}
	v := e.values[d.rng.IntN(len(e.values))]
	old := v.name
	v.name, _ = d.m.fresh("e")
	v.from = old
	tables, cols := d.users(e)
	for i, c := range cols {
		d.rows.fill(tables[i], c, fValue{text: v.name}, func(h fValue) bool { return !h.null && h.text == old })
		if c.def == old {
			c.def = v.name
		}
		if c.backfill == old {
			c.backfill = v.name
		}
	}
	d.note("rename value %s of enum E%d to %s: %v", old, e.n, v.name, e.names())
	return true
}

// removeEnumValue removes a value that no row holds and that no default or
// backfill names (see the top of this file).
func (d *fDraw) removeEnumValue() bool {
	free := func(e *fEnum) []int {
		var free []int
		for i, v := range e.values {
			if !d.named(e, v.name) {
				free = append(free, i)
			}
		}
		return free
	}
	e := d.enum(func(e *fEnum) bool { return len(e.values) > fMinValues && len(free(e)) > 0 })
	if e == nil {
		return false
	}
	f := free(e)
	i := f[d.rng.IntN(len(f))]
	old := e.values[i].name
	e.values = slices.Delete(e.values, i, i+1)
	d.force = true
	// The guard flags the removal when the enum is in the schema before
	// the step: a column that already existed uses it.
	_, cols := d.users(e)
	d.mustGuard = d.mustGuard || slices.ContainsFunc(cols, func(c *fColumn) bool { _, ok := d.autoNow[c]; return ok })
	d.note("remove value %s of enum E%d: %v", old, e.n, e.names())
	return true
}

// named reports whether a row, default or backfill of a column of enum e
// holds or names the value v.
func (d *fDraw) named(e *fEnum, v string) bool {
	tables, cols := d.users(e)
	for i, c := range cols {
		if c.def == v || c.backfill == v {
			return true
		}
		for _, row := range d.rows.byTable[tables[i]] {
			if h := row.value(c); !h.null && h.text == v {
				return true
			}
		}
	}
	return false
}

func (d *fDraw) reorderEnumValues() bool {
	e := d.enum(func(*fEnum) bool { return true })
	if e == nil {
		return false
	}
	before := e.names()
	for slices.Equal(e.names(), before) {
		d.rng.Shuffle(len(e.values), func(i, j int) { e.values[i], e.values[j] = e.values[j], e.values[i] })
	}
	d.force = true // the type swap rewrites the tables that use it on PostgreSQL
	d.note("reorder enum E%d from %v to %v", e.n, before, e.names())
	return true
}
