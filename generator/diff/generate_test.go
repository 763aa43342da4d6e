package diff

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/strata-go/strata/runtime/schema"
)

// catalog is the pool that random schemas are drawn from, so that two of
// them share tables, columns and keys. Most things have two variants: a
// schema takes the second rarely where Compare cannot plan the difference
// (a column's definition, an enum's values, a check) and often where it can
// (an index's definition, the action of a foreign key).
type catalog struct {
	tables []catTable
	enums  [][2]schema.Enum
}

type catTable struct {
	name     string
	columns  [][2]schema.Column // besides id and the reference columns
	keys     [][2]catKey
	onDelete [][2]schema.Action // per referenced table
	check    *[2]schema.Check
}

// catKey is an index, or a unique constraint when constraint is set.
type catKey struct {
	index      schema.Index
	constraint bool
}

const catTables = 5

func newCatalog(rng *rand.Rand) *catalog {
	c := &catalog{enums: [][2]schema.Enum{
		{enum("e0", "a", "b"), enum("e0", "a", "b", "c")},
		{enum("e1", "x", "y"), enum("e1", "y", "x")},
	}}
	for i := range catTables {
		t := catTable{name: fmt.Sprintf("t%d", i)}
		for j := range 4 {
			t.columns = append(t.columns, randomColumn(rng, fmt.Sprintf("c%d", j), ""))
		}
		t.columns = append(t.columns, randomColumn(rng, "code", Text))
		for k := range 3 {
			name := fmt.Sprintf("%s_k%d", t.name, k)
			t.keys = append(t.keys, [2]catKey{randomKey(rng, name), randomKey(rng, name)})
		}
		for range catTables {
			t.onDelete = append(t.onDelete, [2]schema.Action{randomAction(rng), randomAction(rng)})
		}
		if rng.IntN(2) == 0 {
			t.check = &[2]schema.Check{{Name: t.name + "_chk", Expr: "id > 0"}, {Name: t.name + "_chk", Expr: "id >= 0"}}
		}
		c.tables = append(c.tables, t)
	}
	return c
}

var randomKinds = []schema.Kind{schema.Bool, schema.Int32, Int64, Text, schema.Timestamp, schema.JSON, schema.EnumKind}

// validDefaults holds two defaults, by enum type name and kind, that the
// databases accept for a column of that type.
var validDefaults = map[string][2]string{
	string(schema.Bool):            {"true", "false"},
	string(schema.Int32):           {"0", "1"},
	string(Int64):                  {"0", "1"},
	string(Text):                   {"''", "'x'"},
	string(schema.Timestamp):       {"CURRENT_TIMESTAMP", ""},
	string(schema.JSON):            {"'{}'", "'[]'"},
	"e0" + string(schema.EnumKind): {"'a'", "'b'"},
	"e1" + string(schema.EnumKind): {"'x'", "'y'"},
}

// randomColumn returns a column, of kind unless that is "", and a variant
// of it that differs in one way.
func randomColumn(rng *rand.Rand, name string, kind schema.Kind) [2]schema.Column {
	if kind == "" {
		kind = randomKinds[rng.IntN(len(randomKinds))]
	}
	c := schema.Column{Name: name, Type: schema.Type{Kind: kind}}
	if c.Type.Kind == schema.EnumKind {
		c.Type.Enum = fmt.Sprintf("e%d", rng.IntN(2))
	}
	c.Nullable = rng.IntN(2) == 0
	defaults := validDefaults[c.Type.Enum+string(kind)]
	if rng.IntN(3) == 0 {
		c.Default = defaults[0]
	}
	v := c
	switch rng.IntN(4) {
	case 0:
		v.Nullable = !v.Nullable
	case 1:
		v.Default = defaults[1]
	case 2:
		v.Type, v.Default = schema.Type{Kind: Text, Size: 10}, ""
	default:
		v.AutoNow = !v.AutoNow
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

// schema draws a schema from the catalog.
func (c *catalog) schema(rng *rand.Rand) *schema.Schema {
	s := &schema.Schema{}
	for i := range c.tables {
		if rng.Float64() < 0.6 {
			s.Tables = append(s.Tables, c.tables[i].build(rng))
		}
	}
	for i := range s.Tables {
		c.addForeignKeys(rng, s, &s.Tables[i])
	}
	variants := []int{pick(rng, 0.03), pick(rng, 0.03)}
	for i, e := range c.enums {
		if usesEnum(s, e[0].Name) {
			s.Enums = append(s.Enums, e[variants[i]])
		}
	}
	s.Normalize()
	return s
}

func (ct *catTable) build(rng *rand.Rand) schema.Table {
	t := schema.Table{Name: ct.name, PrimaryKey: []string{"id"}}
	id := idCol()
	id.Identity = pick(rng, 0.01) == 0
	t.Columns = append(t.Columns, id)
	for _, v := range ct.columns {
		if rng.Float64() < 0.6 {
			t.Columns = append(t.Columns, v[pick(rng, 0.015)])
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
	has := func(cols []string) bool {
		for _, c := range cols {
			if t.Column(c) == nil {
				return false
			}
		}
		return true
	}
	if has([]string{"code"}) {
		code := []string{"code"}
		switch rng.IntN(4) {
		case 0:
			t.Uniques = append(t.Uniques, schema.Unique{Name: ct.name + "_code_key", Columns: code})
		case 1:
			t.Uniques = append(t.Uniques, schema.Unique{Name: ct.name + "_code_uniq", Columns: code})
		case 2:
			t.Indexes = append(t.Indexes, schema.Index{Name: ct.name + "_code_uidx", Columns: code, Unique: true})
		}
		if rng.Float64() < 0.01 && !t.Column("code").Nullable {
			t.PrimaryKey = []string{"id", "code"}
		}
	}
	for _, k := range ct.keys {
		v := k[rng.IntN(2)]
		if rng.IntN(2) == 0 || !has(v.index.Columns) {
			continue
		}
		if v.constraint {
			// PostgreSQL keeps one of two unique constraints over the same
			// columns, and so do the models.
			if !slices.ContainsFunc(t.Uniques, func(u schema.Unique) bool { return slices.Equal(u.Columns, v.index.Columns) }) {
				t.Uniques = append(t.Uniques, schema.Unique{Name: v.index.Name, Columns: v.index.Columns})
			}
		} else {
			t.Indexes = append(t.Indexes, v.index)
		}
	}
	if ct.check != nil {
		t.Checks = append(t.Checks, ct.check[pick(rng, 0.02)])
	}
	return t.Clone()
}

// addForeignKeys gives t foreign keys through its reference columns: rJ to
// table tJ's id, sJ to its code when code is a key of tJ.
func (c *catalog) addForeignKeys(rng *rand.Rand, s *schema.Schema, t *schema.Table) {
	ct := c.table(t.Name)
	for j, target := range c.tables {
		ref := s.Table(target.name)
		if ref == nil {
			continue
		}
		r, sc := fmt.Sprintf("r%d", j), fmt.Sprintf("s%d", j)
		if t.Column(r) != nil && keyed(ref, []string{"id"}) && rng.Float64() < 0.8 {
			t.ForeignKeys = append(t.ForeignKeys, schema.ForeignKey{
				Name: t.Name + "_" + r + "_fkey", Columns: []string{r}, RefTable: target.name, RefColumns: []string{"id"},
				OnDelete: ct.onDelete[j][pick(rng, 0.3)],
			})
		}
		if t.Column(sc) != nil && keyed(ref, []string{"code"}) && rng.Float64() < 0.8 {
			t.ForeignKeys = append(t.ForeignKeys, schema.ForeignKey{
				Name: t.Name + "_" + sc + "_fkey", Columns: []string{sc}, RefTable: target.name, RefColumns: []string{"code"},
			})
		}
	}
}

func (c *catalog) table(name string) *catTable {
	for i := range c.tables {
		if c.tables[i].name == name {
			return &c.tables[i]
		}
	}
	return nil
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
