package diff

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"

	"github.com/strata-go/strata/runtime/schema"
)

// catalog is the pool that random schemas are drawn from, so that two of
// them share tables, columns and keys. Most things have two variants, of
// which a schema takes the second often: an enum's values, a column's
// definition or name, a table's name, an index's definition, the action of
// a foreign key, a check. A table's primary key is id, or now and then
// (id, code) or code.
type catalog struct {
	tables []catTable
	enums  [][2]schema.Enum
}

type catTable struct {
	names    [2]string          // the table's name, and the name it may be renamed to
	columns  []catColumn        // besides id and the reference columns
	keys     [][2]catKey        // over the logical names of columns
	onDelete [][2]schema.Action // per referenced table
	check    *[2]string         // the expression of the table's check
}

// catColumn is a column with two definitions and two names.
type catColumn struct {
	logical string // the name keys refer to it by
	names   [2]string
	defs    [2]schema.Column // Name is not set
}

// catKey is an index, or a unique constraint when constraint is set, whose
// Name is the suffix of its name after the table's.
type catKey struct {
	index      schema.Index
	constraint bool
}

const catTables = 5

// drawn is a schema drawn from a catalog, and the names it gave the
// catalog's tables and columns.
type drawn struct {
	s      *schema.Schema
	tables map[int]string            // catalog index -> table name
	cols   map[int]map[string]string // catalog index -> logical column -> name
}

func newCatalog(rng *rand.Rand) *catalog {
	c := &catalog{enums: [][2]schema.Enum{
		{enum("e0", "a", "b"), enum("e0", "a", "b", "c")},
		{enum("e1", "x", "y"), enum("e1", "y", "x")},
	}}
	for i := range catTables {
		t := catTable{names: [2]string{fmt.Sprintf("t%d", i), fmt.Sprintf("t%dx", i)}}
		for j := range 4 {
			logical := fmt.Sprintf("c%d", j)
			t.columns = append(t.columns, catColumn{logical: logical, names: [2]string{logical, logical + "x"}, defs: randomColumn(rng, "")})
		}
		t.columns = append(t.columns, catColumn{logical: "code", names: [2]string{"code", "label"}, defs: randomColumn(rng, Text)})
		for k := range 3 {
			name := fmt.Sprintf("k%d", k)
			t.keys = append(t.keys, [2]catKey{randomKey(rng, name), randomKey(rng, name)})
		}
		for range catTables {
			t.onDelete = append(t.onDelete, [2]schema.Action{randomAction(rng), randomAction(rng)})
		}
		if rng.IntN(3) > 0 {
			t.check = &[2]string{"id > 0", "id >= 0"}
		}
		c.tables = append(c.tables, t)
	}
	return c
}

var randomKinds = []schema.Kind{schema.Bool, schema.Int16, schema.Int32, Int64, schema.Float32, Text, schema.Timestamp, schema.JSON, schema.EnumKind}

// validDefaults holds two defaults, by enum type name and kind, that the
// databases accept for a column of that type.
var validDefaults = map[string][2]string{
	string(schema.Bool):            {"true", "false"},
	string(schema.Int16):           {"0", "1"},
	string(schema.Int32):           {"0", "1"},
	string(Int64):                  {"0", "1"},
	string(schema.Float32):         {"0", "1.5"},
	string(schema.Float64):         {"0", "1.5"},
	string(Text):                   {"''", "'x'"},
	string(schema.Timestamp):       {"CURRENT_TIMESTAMP", ""},
	string(schema.JSON):            {"'{}'", "'[]'"},
	"e0" + string(schema.EnumKind): {"'a'", "'b'"},
	"e1" + string(schema.EnumKind): {"'x'", "'y'"},
}

// randomColumn returns a column definition, of kind unless that is "", and
// a variant of it that differs in one way: nullability, default, auto_now,
// a lossless type change or a narrowing one.
func randomColumn(rng *rand.Rand, kind schema.Kind) [2]schema.Column {
	if kind == "" {
		kind = randomKinds[rng.IntN(len(randomKinds))]
	}
	c := schema.Column{Type: schema.Type{Kind: kind}}
	if c.Type.Kind == schema.EnumKind {
		c.Type.Enum = fmt.Sprintf("e%d", rng.IntN(2))
	}
	c.Nullable = rng.IntN(2) == 0
	defaults := validDefaults[c.Type.Enum+string(kind)]
	if rng.IntN(3) == 0 {
		c.Default = defaults[0]
	}
	v := c
	switch rng.IntN(5) {
	case 0:
		v.Nullable = !v.Nullable
	case 1:
		v.Default = defaults[1]
	case 2:
		v.Type, v.Default = schema.Type{Kind: Text, Size: 10}, ""
	case 3:
		if kind == schema.Timestamp {
			v.AutoNow = !v.AutoNow
			break
		}
		v.Type, v.Default = schema.Type{Kind: Text}, ""
	default:
		switch kind {
		case schema.Int16, schema.Int32:
			v.Type.Kind = Int64
		case schema.Float32:
			v.Type.Kind = schema.Float64
		default:
			v.Type, v.Default = schema.Type{Kind: Text}, ""
		}
	}
	return [2]schema.Column{c, v}
}

func randomKey(rng *rand.Rand, name string) catKey {
	pool := []string{"c0", "c1", "c2", "c3", "code"}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	k := catKey{index: schema.Index{Name: name, Columns: pool[:1+rng.IntN(2)]}}
	switch rng.IntN(4) {
	case 0:
		k.constraint = true
	case 1:
		k.index.Unique = true
	case 2:
		k.index.Where = k.index.Columns[0] + " IS NOT NULL"
	}
	return k
}

func randomAction(rng *rand.Rand) schema.Action {
	return []schema.Action{schema.NoAction, schema.Cascade, schema.SetNull}[rng.IntN(3)]
}

// pick returns 1 with probability p, else 0: which variant to take.
func pick(rng *rand.Rand, p float64) int {
	if rng.Float64() < p {
		return 1
	}
	return 0
}

// draw draws a schema from the catalog.
func (c *catalog) draw(rng *rand.Rand) drawn {
	d := drawn{s: &schema.Schema{}, tables: map[int]string{}, cols: map[int]map[string]string{}}
	var picked []int
	for i := range c.tables {
		if rng.Float64() < 0.6 {
			picked = append(picked, i)
			t, cols := c.tables[i].build(rng)
			d.s.Tables = append(d.s.Tables, t)
			d.tables[i], d.cols[i] = t.Name, cols
		}
	}
	for n, i := range picked {
		c.addForeignKeys(rng, d, i, &d.s.Tables[n])
	}
	variants := []int{pick(rng, 0.3), pick(rng, 0.3)}
	for i, e := range c.enums {
		if usesEnum(d.s, e[0].Name) {
			d.s.Enums = append(d.s.Enums, e[variants[i]])
		}
	}
	d.s.Normalize()
	return d
}

// build draws a table, and the names it gives the catalog's columns.
func (ct *catTable) build(rng *rand.Rand) (schema.Table, map[string]string) {
	name := ct.names[pick(rng, 0.25)]
	t := schema.Table{Name: name, PrimaryKey: []string{"id"}}
	id := idCol()
	id.Identity = pick(rng, 0.05) == 0
	t.Columns = append(t.Columns, id)
	names := map[string]string{}
	for _, cc := range ct.columns {
		if rng.Float64() < 0.6 {
			c := cc.defs[pick(rng, 0.3)]
			c.Name = cc.names[pick(rng, 0.2)]
			names[cc.logical] = c.Name
			t.Columns = append(t.Columns, c)
		}
	}
	for j := range catTables {
		if rng.Float64() < 0.3 {
			t.Columns = append(t.Columns, null(col(fmt.Sprintf("r%d", j), Int64)))
		}
		if rng.Float64() < 0.2 {
			t.Columns = append(t.Columns, null(col(fmt.Sprintf("s%d", j), Text)))
		}
	}
	rng.Shuffle(len(t.Columns), func(i, j int) { t.Columns[i], t.Columns[j] = t.Columns[j], t.Columns[i] })
	physical := func(logical []string) ([]string, bool) {
		var cols []string
		for _, l := range logical {
			n, ok := names[l]
			if !ok {
				return nil, false
			}
			cols = append(cols, n)
		}
		return cols, true
	}
	if code, ok := names["code"]; ok {
		cols := []string{code}
		switch rng.IntN(4) {
		case 0:
			t.Uniques = append(t.Uniques, schema.Unique{Name: name + "_" + code + "_key", Columns: cols})
		case 1:
			t.Uniques = append(t.Uniques, schema.Unique{Name: name + "_" + code + "_uniq", Columns: cols})
		case 2:
			t.Indexes = append(t.Indexes, schema.Index{Name: name + "_" + code + "_uidx", Columns: cols, Unique: true})
		}
		if !t.Column(code).Nullable {
			switch r := rng.Float64(); {
			case r < 0.1:
				t.PrimaryKey = []string{"id", code}
			case r < 0.2:
				t.PrimaryKey = []string{code}
			}
		}
	}
	for _, k := range ct.keys {
		v := k[rng.IntN(2)]
		cols, ok := physical(v.index.Columns)
		if rng.IntN(2) == 0 || !ok {
			continue
		}
		ix := v.index
		ix.Name, ix.Columns = name+"_"+ix.Name, cols
		if ix.Where != "" {
			ix.Where = cols[0] + " IS NOT NULL"
		}
		if v.constraint {
			// PostgreSQL keeps one of two unique constraints over the same
			// columns, and so do the models.
			if !slices.ContainsFunc(t.Uniques, func(u schema.Unique) bool { return slices.Equal(u.Columns, cols) }) {
				t.Uniques = append(t.Uniques, schema.Unique{Name: ix.Name, Columns: cols})
			}
		} else {
			t.Indexes = append(t.Indexes, ix)
		}
	}
	if ct.check != nil && rng.Float64() < 0.7 {
		t.Checks = append(t.Checks, schema.Check{Name: name + "_chk", Expr: ct.check[pick(rng, 0.3)]})
	}
	// PostgreSQL keeps one of a primary key and a unique constraint over
	// the same columns, and so do the models.
	t.Uniques = slices.DeleteFunc(t.Uniques, func(u schema.Unique) bool { return slices.Equal(u.Columns, t.PrimaryKey) })
	return t.Clone(), names
}

// addForeignKeys gives t, the table of catalog entry i in d, foreign keys
// through its reference columns: rJ to the id of catalog table J, sJ to its
// code when code is a key of it.
func (c *catalog) addForeignKeys(rng *rand.Rand, d drawn, i int, t *schema.Table) {
	ct := &c.tables[i]
	for j := range c.tables {
		name, ok := d.tables[j]
		if !ok {
			continue
		}
		ref := d.s.Table(name)
		r, sc := fmt.Sprintf("r%d", j), fmt.Sprintf("s%d", j)
		if t.Column(r) != nil && ref.IsKey([]string{"id"}) && rng.Float64() < 0.8 {
			t.ForeignKeys = append(t.ForeignKeys, schema.ForeignKey{
				Name: t.Name + "_" + r + "_fkey", Columns: []string{r}, RefTable: name, RefColumns: []string{"id"},
				OnDelete: ct.onDelete[j][pick(rng, 0.3)],
			})
		}
		code, ok := d.cols[j]["code"]
		if t.Column(sc) != nil && ok && ref.IsKey([]string{code}) && rng.Float64() < 0.8 {
			t.ForeignKeys = append(t.ForeignKeys, schema.ForeignKey{
				Name: t.Name + "_" + sc + "_fkey", Columns: []string{sc}, RefTable: name, RefColumns: []string{code},
			})
		}
	}
}

// hintsBetween returns the hints of the models of b, seen from a: a rename
// for each table and column whose name differs, then a few stale renames,
// backfill= hints for some columns that become NOT NULL and using= hints
// for some whose type changes. It returns the renames that are not stale
// apart.
func hintsBetween(rng *rand.Rand, a, b drawn) (Hints, []Rename) {
	var h Hints
	for _, i := range slices.Sorted(maps.Keys(b.tables)) {
		from, ok := a.tables[i]
		if !ok {
			continue
		}
		to := b.tables[i]
		if from != to {
			h.Renames = append(h.Renames, Rename{Table: to, From: from})
		}
		for _, logical := range slices.Sorted(maps.Keys(b.cols[i])) {
			if old, ok := a.cols[i][logical]; ok && old != b.cols[i][logical] {
				h.Renames = append(h.Renames, Rename{Table: to, Column: b.cols[i][logical], From: old})
			}
		}
		h.addValueHints(rng, a.s.Table(from), b.s.Table(to))
	}
	real := slices.Clone(h.Renames)
	if len(b.s.Tables) > 0 && rng.IntN(4) == 0 {
		t := b.s.Tables[rng.IntN(len(b.s.Tables))]
		h.Renames = append(h.Renames, Rename{Table: t.Name, From: "gone"},
			Rename{Table: t.Name, Column: t.Columns[0].Name, From: "gone"})
	}
	rng.Shuffle(len(h.Renames), func(i, j int) { h.Renames[i], h.Renames[j] = h.Renames[j], h.Renames[i] })
	return h, real
}

// addValueHints adds backfill= and using= hints, half the time, for the
// columns of o that become NOT NULL or change type in n.
func (h *Hints) addValueHints(rng *rand.Rand, o, n *schema.Table) {
	for _, nc := range n.Columns {
		oc := o.Column(nc.Name)
		if oc == nil {
			continue
		}
		key := n.Name + "." + nc.Name
		if oc.Nullable && !nc.Nullable && rng.IntN(2) == 0 {
			if v := validDefaults[nc.Type.Enum+string(nc.Type.Kind)][0]; v != "" {
				h.Backfill = setKey(h.Backfill, key, v)
			}
		}
		if !sameType(oc.Type, nc.Type) && nc.Type.Kind == Text && nc.Type.Size > 0 && rng.IntN(2) == 0 {
			h.Using = setKey(h.Using, key, fmt.Sprintf("CAST(%s AS VARCHAR(%d))", nc.Name, nc.Type.Size))
		}
	}
}

func setKey(m map[string]string, key, value string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[key] = value
	return m
}

func usesEnum(s *schema.Schema, name string) bool {
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if c.Type.Kind == schema.EnumKind && c.Type.Enum == name {
				return true
			}
		}
	}
	return false
}
