package integration

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/strata-go/strata/runtime/schema"
)

// fDraw draws the edits of one step on the models m, whose tables hold
// rows. Each object is edited at most once per step: two renames of one
// column in one step would name, in renamed_from, a column that never
// existed.
type fDraw struct {
	rng  *rand.Rand
	m    *fModels
	rows *fRows
	// touched holds the tables and columns edited in this step.
	touched map[any]bool
	// prepare holds SQL the test runs on every database before the step's
	// migration: data fixes a user makes before adding a foreign key.
	prepare []string
	// autoNow holds the columns as the step began, each mapped to whether
	// it was auto_now: whether its trigger is live when prepare runs.
	autoNow map[*fColumn]bool
	// force is set by edits the guard refuses without --force; mustGuard by
	// those it must refuse (drops), so a step without a guarded change fails.
	force, mustGuard bool
	notes            []string // what this step edits, for failure messages
}

// fChange is one kind of model edit the fidelity test draws. apply edits
// the models and reports false when nothing in them fits the edit.
type fChange struct {
	name  string
	on    bool // the switch: a kind blocked by a known bug can be turned off
	apply func(d *fDraw) bool
}

// fidelityChanges are the edits the fidelity test draws from, the change
// catalogue of issue 3. Enum columns and time.Time columns (auto_now or
// not) are also drawn by "add a table" and "add a column", and go through
// every edit above that fits their type.
var fidelityChanges = []fChange{
	{"add a table", true, (*fDraw).addTable},
	{"drop a table", true, (*fDraw).dropTable},
	{"rename a table", true, (*fDraw).renameTable},
	{"add a column", true, (*fDraw).addColumn},
	{"drop a column", true, (*fDraw).dropColumn},
	{"rename a column", true, (*fDraw).renameColumn},
	{"widen a column's type", true, (*fDraw).widenType},
	{"make a column NOT NULL with a backfill", true, (*fDraw).setNotNull},
	{"make a column nullable", true, (*fDraw).dropNotNull},
	{"add, change or drop a default", true, (*fDraw).changeDefault},
	{"add or drop a column index", true, (*fDraw).toggleIndex},
	{"add or drop a column unique", true, (*fDraw).toggleUnique},
	{"add or drop a column check", true, (*fDraw).toggleCheck},
	{"add or drop a table index", true, (*fDraw).toggleTableIndex},
	{"add or drop a table unique", true, (*fDraw).toggleTableUnique},
	{"add or drop a table check", true, (*fDraw).toggleTableCheck},
	{"add a foreign key to an existing column", true, (*fDraw).addForeignKey},
	{"change a foreign key's actions", true, (*fDraw).changeActions},
	{"drop a foreign key", true, (*fDraw).dropForeignKey},
	{"add an enum type with a column", true, (*fDraw).addEnumType},
	{"drop an enum type with its columns", true, (*fDraw).dropEnumType},
	{"add an enum column", true, (*fDraw).addEnumColumn},
	{"append an enum value", true, (*fDraw).appendEnumValue},
	{"insert an enum value", true, (*fDraw).insertEnumValue},
	{"rename an enum value", true, (*fDraw).renameEnumValue},
	{"remove an enum value no row holds", true, (*fDraw).removeEnumValue},
	{"reorder an enum's values", true, (*fDraw).reorderEnumValues},
	{"add an auto_now column", true, (*fDraw).addAutoNowColumn},
	{"turn auto_now on or off", true, (*fDraw).toggleAutoNow},
	{"rename a table with an auto_now column", true, (*fDraw).renameAutoNowTable},
	{"rename an auto_now column", true, (*fDraw).renameAutoNowColumn},
}

// fidelityBackfillBesideAutoNow draws NOT NULL with a backfill on tables
// that have an auto_now column. It found (seed 9, step 95) that PostgreSQL's
// backfill UPDATE fired the auto_now trigger while SQLite's rebuild copied
// the rows untouched; the trigger now leaves a backfill alone on both.
const fidelityBackfillBesideAutoNow = true

// fidelityChecksOnFloats draws checks (c >= 0) on float columns. It found
// that PostgreSQL reads them back as c >= (0)::double precision, which the
// inspector now normalizes; it stays a switch so that a bug found the same
// way can be shown, and turned off, one kind of edit at a time.
const fidelityChecksOnFloats = true

// The bounds on the number of tables alive.
const (
	fMinTables = 10
	fMaxTables = 14
	// fMinSetTables is the fewest tables each package keeps when the
	// models are split in two sets.
	fMinSetTables = 3
)

func (d *fDraw) note(format string, args ...any) {
	d.notes = append(d.notes, fmt.Sprintf(format, args...))
}

func (d *fDraw) hasRows(t *fTable) bool { return len(d.rows.byTable[t]) > 0 }

// table picks an untouched table that ok accepts, or nil.
func (d *fDraw) table(ok func(*fTable) bool) *fTable {
	var fit []*fTable
	for _, t := range d.m.tables {
		if !d.touched[t] && ok(t) {
			fit = append(fit, t)
		}
	}
	if len(fit) == 0 {
		return nil
	}
	return fit[d.rng.IntN(len(fit))]
}

// column picks an untouched column that ok accepts, of a table not
// dropped, or nil.
func (d *fDraw) column(ok func(*fTable, *fColumn) bool) (*fTable, *fColumn) {
	type pair struct {
		t *fTable
		c *fColumn
	}
	var fit []pair
	for _, t := range d.m.tables {
		for _, c := range t.cols {
			if !d.touched[c] && ok(t, c) {
				fit = append(fit, pair{t, c})
			}
		}
	}
	if len(fit) == 0 {
		return nil, nil
	}
	p := fit[d.rng.IntN(len(fit))]
	d.touched[p.c] = true
	return p.t, p.c
}

// drawKinds are the column kinds the test draws.
var drawKinds = []schema.Kind{schema.Bool, schema.Int16, schema.Int32, schema.Int64, schema.Float32, schema.Float64, schema.Text}

// value returns a constant of c's type for defaults and backfills, as
// canonical text: distinct from the counter's values (which are above 100);
// a value of its enum; now for a time.
func (d *fDraw) value(c *fColumn, prefix string) string {
	n := 1 + d.rng.IntN(9)
	switch c.kind {
	case schema.EnumKind:
		return c.enum.values[d.rng.IntN(len(c.enum.values))].name
	case schema.Timestamp:
		return aTime
	case schema.Bool:
		return strconv.FormatBool(n%2 == 0)
	case schema.Float32, schema.Float64:
		return strconv.Itoa(n) + ".5"
	case schema.Text:
		return prefix + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// newColumn draws a column for table t; fresh is true when t is created in
// this step, so it has no rows and takes any column.
// One column in ten is of an enum type, and one in ten a time, auto_now
// or not.
func (d *fDraw) newColumn(t *fTable, fresh bool) *fColumn {
	c := d.freshColumn(drawKinds[d.rng.IntN(len(drawKinds))])
	enums := slices.DeleteFunc(slices.Clone(d.m.enums), func(e *fEnum) bool { return !d.m.enumFits(t, e) })
	switch d.rng.IntN(10) {
	case 0:
		if len(enums) > 0 {
			c.kind, c.enum = schema.EnumKind, enums[d.rng.IntN(len(enums))]
		}
	case 1:
		c.kind, c.autoNow = schema.Timestamp, d.rng.IntN(2) == 0
	}
	d.shapeColumn(t, c, fresh)
	return c
}

// freshColumn returns a new column of kind, touched.
func (d *fDraw) freshColumn(kind schema.Kind) *fColumn {
	name, n := d.m.fresh("c")
	c := &fColumn{n: n, name: name, kind: kind}
	d.touched[c] = true
	return c
}

// shapeColumn draws the nullability, default, keys and checks of the new
// column c of table t, whose kind (and enum) is set.
func (d *fDraw) shapeColumn(t *fTable, c *fColumn, fresh bool) {
	if c.autoNow {
		if d.rng.IntN(3) == 0 {
			c.def = aTime // default=now says again what auto_now implies
		}
		return
	}
	if d.rng.IntN(5) == 0 && len(d.m.tables) > 0 && c.kind != schema.EnumKind && c.kind != schema.Timestamp {
		c.kind, c.nullable = schema.Int64, true
		d.setReference(t, c, fresh)
		return
	}
	if c.kind == schema.Text && d.rng.IntN(2) == 0 {
		c.size = []int{8, 16, 32}[d.rng.IntN(3)]
	}
	switch d.rng.IntN(4) {
	case 0: // nullable, no default
		c.nullable = true
	case 1: // nullable with a default
		c.nullable, c.def = true, d.value(c, "d")
	case 2: // NOT NULL with a default
		c.def = d.value(c, "d")
	default: // NOT NULL without a default: only on a new table
		if !fresh {
			c.def = d.value(c, "d")
		}
	}
	distinct := fresh || len(d.rows.byTable[t]) < 2 || (c.nullable && c.def == "")
	switch r := d.rng.IntN(6); {
	case r == 0 && keyed(c) && distinct:
		c.unique = true
	case r == 1:
		c.index = true
	}
	c.check = c.numeric() && d.rng.IntN(4) == 0
}

// setReference makes c a foreign key to a table of the models (t itself
// included), with random actions.
func (d *fDraw) setReference(t *fTable, c *fColumn, fresh bool) {
	targets := append(slices.DeleteFunc(slices.Clone(d.m.tables), func(o *fTable) bool { return !d.m.canReference(t, o) }), t)
	if lib := d.m.libTables(); d.m.sets && !t.lib && len(lib) > 0 && d.rng.IntN(2) == 0 {
		targets = lib // half the app's keys reference the library's tables
	}
	c.fk = &fRef{to: targets[d.rng.IntN(len(targets))]}
	d.drawActions(c.fk, fresh)
	if d.rng.IntN(3) == 0 {
		c.index = true
	}
}

// fActions are the on_delete and on_update values drawn; set_default is
// left out, as the key columns have no default.
var fActions = []string{"", "cascade", "restrict", "set_null", "no_action"}

func (d *fDraw) drawActions(r *fRef, fresh bool) {
	r.onDelete = fActions[d.rng.IntN(len(fActions))]
	r.onUpdate = fActions[d.rng.IntN(len(fActions))]
	if r.onDelete == "cascade" && !fresh {
		d.force = true // adding ON DELETE CASCADE to an existing table is guarded
	}
}

func (d *fDraw) addTable() bool {
	if len(d.m.tables) >= fMaxTables {
		return false
	}
	name, n := d.m.fresh("tab")
	t := &fTable{n: n, name: name, identity: d.rng.IntN(3) == 0}
	if d.m.sets {
		// A third of the tables are the library's, and each package
		// keeps a few.
		t.lib = d.m.count(true) < fMinSetTables || d.m.count(false) >= fMinSetTables && d.rng.IntN(3) == 0
	}
	d.touched[t] = true
	for range 1 + d.rng.IntN(4) {
		t.cols = append(t.cols, d.newColumn(t, true))
	}
	d.m.tables = append(d.m.tables, t)
	for _, add := range []func(*fTable) bool{d.addTableIndex, d.addTableUnique, d.addTableCheck} {
		if d.rng.IntN(4) == 0 {
			add(t)
		}
	}
	d.note("add table %s", name)
	return true
}

func (d *fDraw) dropTable() bool {
	if len(d.m.tables) <= fMinTables {
		return false
	}
	// A library's table the app references goes once the app drops its
	// keys to it, in a release of its own; and each package keeps a few.
	t := d.table(func(t *fTable) bool {
		return !d.m.sets || (!t.lib || !d.m.referencedByApp(t)) && d.m.count(t.lib) > fMinSetTables
	})
	if t == nil {
		return false
	}
	d.touched[t] = true
	for _, o := range d.m.tables {
		for _, c := range o.cols {
			if c.fk != nil && c.fk.to == t && o != t {
				c.fk = nil
				d.touched[c] = true
			}
		}
	}
	d.m.tables = slices.DeleteFunc(d.m.tables, func(o *fTable) bool { return o == t })
	delete(d.rows.byTable, t)
	d.force, d.mustGuard = true, true
	d.note("drop table %s", t.name)
	return true
}

func (d *fDraw) renameTable() bool { return d.renameTableWhere(func(*fTable) bool { return true }) }

// renameTableWhere renames a table that ok accepts.
func (d *fDraw) renameTableWhere(ok func(*fTable) bool) bool {
	t := d.table(ok)
	if t == nil {
		return false
	}
	d.touched[t] = true
	old := t.name
	t.name, _ = d.m.fresh("tab")
	t.from = old
	d.note("rename table %s to %s", old, t.name)
	return true
}

func (d *fDraw) addColumn() bool {
	t := d.m.tables[d.rng.IntN(len(d.m.tables))]
	d.attach(t, d.newColumn(t, false))
	return true
}

// attach adds the new column c to the existing table t, whose rows take
// its default: auto_now's is the current time.
func (d *fDraw) attach(t *fTable, c *fColumn) {
	if c.fk != nil && c.fk.onDelete == "cascade" {
		d.force = true
	}
	t.cols = append(t.cols, c)
	switch {
	case c.def != "":
		d.rows.fill(t, c, fValue{text: c.def}, func(fValue) bool { return true })
	case c.autoNow:
		d.rows.fill(t, c, fValue{text: aTime}, func(fValue) bool { return true })
	}
	d.note("add column %s.%s %s %v", t.name, c.name, c.goType(), c.options())
}

func (d *fDraw) dropColumn() bool {
	t, c := d.column(func(t *fTable, _ *fColumn) bool { return len(t.cols) > 1 })
	if c == nil {
		return false
	}
	t.forget(c)
	t.cols = slices.DeleteFunc(t.cols, func(o *fColumn) bool { return o == c })
	d.force, d.mustGuard = true, true
	d.note("drop column %s.%s", t.name, c.name)
	return true
}

func (d *fDraw) renameColumn() bool {
	return d.renameColumnWhere(func(*fTable, *fColumn) bool { return true })
}

// renameColumnWhere renames a column that ok accepts.
func (d *fDraw) renameColumnWhere(ok func(*fTable, *fColumn) bool) bool {
	t, c := d.column(ok)
	if c == nil {
		return false
	}
	old := c.name
	c.name, _ = d.m.fresh("c")
	c.from = old
	d.note("rename column %s.%s to %s", t.name, old, c.name)
	return true
}
