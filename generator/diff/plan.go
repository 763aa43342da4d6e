package diff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// step is a change of a plan being built.
type step struct {
	Change
	// implied marks a change that follows from another one of the plan (the
	// index of a dropped column, the enum type of a new column), so that it
	// does not count when the plan is named.
	implied bool
}

// planner builds the Up of a plan from two normalized, valid schemas.
type planner struct {
	// old is the old schema with the renames applied: everything after
	// them compares it with new.
	old, new *schema.Schema
	hints    Hints
	renames  []step // the renames, which turn the old schema into old
	// kept, dropped and created name the tables in both schemas, in the
	// old one only and in the new one only, sorted.
	kept, dropped, created []string
	diffs                  []tableDiff // of the kept tables, in name order
	// enumsEarly and enumsLate change the values of kept enum types
	// before and after the tables and columns change (see
	// [planner.enumChanges]).
	enumsEarly, enumsLate []step

	warnings []string

	// oldTables and newTables find the tables of old and new by name,
	// whose lists do not change once the planner is made.
	oldTables, newTables tableIndex
}

// oldTable returns the table of the renamed old schema called name, or nil.
func (p *planner) oldTable(name string) *schema.Table { return p.oldTables.table(name) }

// newTable returns the table of the new schema called name, or nil.
func (p *planner) newTable(name string) *schema.Table { return p.newTables.table(name) }

// tableIndex finds the tables of a schema by name in constant time, as
// long as no table of the schema is added, dropped or renamed: a schema of
// a thousand tables makes a linear search for each of them cost more than
// the rest of the plan.
type tableIndex struct {
	s  *schema.Schema
	at map[string]int
}

// indexTables returns the index of the tables of s.
func indexTables(s *schema.Schema) tableIndex {
	x := tableIndex{s: s, at: make(map[string]int, len(s.Tables))}
	for i := len(s.Tables) - 1; i >= 0; i-- { // the first of a name wins, as in Schema.Table
		x.at[s.Tables[i].Name] = i
	}
	return x
}

// table returns the table called name, or nil.
func (x tableIndex) table(name string) *schema.Table {
	if i, ok := x.at[name]; ok {
		return &x.s.Tables[i]
	}
	return nil
}

// newPlanner returns the planner from old to new. It plans the renames the
// hints call for first, and fails only when they do not apply to old, which
// is a bug.
func newPlanner(old, new *schema.Schema, hints Hints) (*planner, error) {
	renames, renamed, err := planRenames(old, new, slices.Concat(hints.Renames, modelRenames(old, new, hints)))
	if err != nil {
		return nil, err
	}
	p := &planner{old: renamed, new: new, hints: hints, renames: renames,
		oldTables: indexTables(renamed), newTables: indexTables(new)}
	for _, t := range renamed.Tables {
		if p.newTable(t.Name) != nil {
			p.kept = append(p.kept, t.Name)
		} else {
			p.dropped = append(p.dropped, t.Name)
		}
	}
	for _, t := range new.Tables {
		if p.oldTable(t.Name) == nil {
			p.created = append(p.created, t.Name)
		}
	}
	return p, nil
}

// plan returns the steps of the Up, in the order the package documents.
func (p *planner) plan() []step {
	p.compareEnums()
	for _, name := range p.kept {
		p.diffs = append(p.diffs, p.compareTable(p.oldTable(name), p.newTable(name)))
	}
	p.warnRenamedTables()
	slices.Sort(p.warnings)

	creates, late := p.createTables()
	steps := p.beforeRenames(p.dropConstraints())
	steps = append(steps, p.renames...)
	steps = append(steps, p.createEnums()...)
	steps = append(steps, p.enumsEarly...)
	steps = append(steps, p.dropTables()...)
	steps = append(steps, creates...)
	steps = append(steps, p.changeColumns()...)
	steps = append(steps, p.enumsLate...)
	steps = append(steps, p.addConstraints(late)...)
	steps = append(steps, p.dropEnums()...)
	return steps
}

// createEnums creates the enum types that only the new schema has: the
// types of new and altered columns.
func (p *planner) createEnums() []step {
	var steps []step
	for _, e := range p.new.Enums {
		if p.old.Enum(e.Name) == nil {
			steps = append(steps, step{Change: Change{Op: schema.CreateEnum{Enum: e}}, implied: true})
		}
	}
	return steps
}

// dropEnums drops the enum types that no column of the new schema uses.
func (p *planner) dropEnums() []step {
	var steps []step
	for _, e := range p.old.Enums {
		if p.new.Enum(e.Name) == nil {
			steps = append(steps, step{Change: Change{Op: schema.DropEnum{Name: e.Name}}, implied: true})
		}
	}
	return steps
}

// dropConstraints drops the foreign keys, then the indexes, then the unique
// constraints, then the checks of kept tables that go away or change, as
// the renamed old schema names them (see [planner.beforeRenames]). Among
// the foreign keys are those that depend on a key of a kept table that
// goes away, so that the database lets it go: those of dropped tables, and
// those of kept tables, which [planner.addConstraints] adds back.
func (p *planner) dropConstraints() []step {
	var fks, indexes, uniques, checks []step
	for _, name := range p.dropped {
		for _, fk := range p.oldTable(name).ForeignKeys {
			if p.losesKey(fk) {
				fks = append(fks, step{Change: Change{Op: schema.DropForeignKey{Table: name, Name: fk.Name}}, implied: true})
			}
		}
	}
	for _, d := range p.diffs {
		table := d.old.Name
		for _, fk := range d.dropForeignKeys {
			implied := p.usesDropped(table, fk.Columns) || p.usesDropped(fk.RefTable, fk.RefColumns) ||
				slices.Contains(p.dropped, fk.RefTable) || d.new.ForeignKey(fk.Name) != nil
			fks = append(fks, step{Change: Change{
				Op:          schema.DropForeignKey{Table: table, Name: fk.Name},
				Destructive: dropForeignKeyReason(table, fk),
			}, implied: implied})
		}
		for _, fk := range p.rebuiltForeignKeys(d) {
			fks = append(fks, step{Change: Change{Op: schema.DropForeignKey{Table: table, Name: fk.Name}}, implied: true})
		}
		for _, ix := range d.dropIndexes {
			implied := p.usesDropped(table, ix.Columns) || d.new.Index(ix.Name) != nil
			indexes = append(indexes, step{Change: Change{Op: schema.DropIndex{Table: table, Name: ix.Name}}, implied: implied})
		}
		for _, u := range d.dropUniques {
			implied := p.usesDropped(table, u.Columns) || d.new.Unique(u.Name) != nil
			uniques = append(uniques, step{Change: Change{Op: schema.DropUnique{Table: table, Name: u.Name}}, implied: implied})
		}
		for _, c := range d.dropChecks {
			checks = append(checks, step{Change: Change{Op: schema.DropCheck{Table: table, Name: c.Name}}, implied: d.new.Check(c.Name) != nil})
		}
	}
	slices.SortStableFunc(fks, func(a, b step) int {
		x, y := a.Op.(schema.DropForeignKey), b.Op.(schema.DropForeignKey)
		return cmpNames(x.Table, x.Name, y.Table, y.Name)
	})
	return slices.Concat(fks, indexes, uniques, checks)
}

// beforeRenames returns drops, computed on the renamed old schema, as they
// run before the renames: on tables by their old names, and on indexes and
// constraints by their old names. An index or constraint that a rename
// would carry over to its new name is dropped under its old one instead,
// and its rename taken out of p.renames: it comes back under its new name
// at the end (only a foreign key rebuilt around a key, see
// [planner.rebuiltForeignKeys], is both renamed and dropped).
func (p *planner) beforeRenames(drops []step) []step {
	for i, d := range drops {
		table, name := dropTarget(d.Op)
		j := slices.IndexFunc(p.renames, func(s step) bool {
			t, _, to := renameOf(s.Op)
			return t == table && to == name
		})
		if j >= 0 {
			_, name, _ = renameOf(p.renames[j].Op)
			p.renames = slices.Delete(p.renames, j, j+1)
		}
		drops[i].Op = retarget(d.Op, p.nameBeforeRenames(table), name)
	}
	return drops
}

// dropTarget returns the table and the name of what op, a DropForeignKey,
// DropIndex, DropUnique or DropCheck, drops.
func dropTarget(op schema.Operation) (table, name string) {
	switch op := op.(type) {
	case schema.DropForeignKey:
		return op.Table, op.Name
	case schema.DropIndex:
		return op.Table, op.Name
	case schema.DropUnique:
		return op.Table, op.Name
	case schema.DropCheck:
		return op.Table, op.Name
	}
	return "", ""
}

// retarget returns op, a drop as [dropTarget] takes, dropping name from
// table instead.
func retarget(op schema.Operation, table, name string) schema.Operation {
	switch op.(type) {
	case schema.DropForeignKey:
		return schema.DropForeignKey{Table: table, Name: name}
	case schema.DropIndex:
		return schema.DropIndex{Table: table, Name: name}
	case schema.DropUnique:
		return schema.DropUnique{Table: table, Name: name}
	case schema.DropCheck:
		return schema.DropCheck{Table: table, Name: name}
	}
	return op
}

// renameOf returns the table, old name and new name of op when it renames
// an index or constraint, and empty strings otherwise.
func renameOf(op schema.Operation) (table, from, to string) {
	switch op := op.(type) {
	case schema.RenameIndex:
		return op.Table, op.From, op.To
	case schema.RenameConstraint:
		return op.Table, op.From, op.To
	}
	return "", "", ""
}

// nameBeforeRenames returns the name that table, of the renamed old
// schema, has before the renames.
func (p *planner) nameBeforeRenames(table string) string {
	for _, s := range p.renames {
		if op, ok := s.Op.(schema.RenameTable); ok && op.To == table {
			return op.From
		}
	}
	return table
}

// rebuiltForeignKeys returns the foreign keys of kept table d that stay as
// they are but must be dropped and added again around a key they may
// depend on going away (see [planner.losesKey]).
func (p *planner) rebuiltForeignKeys(d tableDiff) []schema.ForeignKey {
	var fks []schema.ForeignKey
	for _, fk := range d.old.ForeignKeys {
		if p.losesKey(fk) && !slices.ContainsFunc(d.dropForeignKeys, func(o schema.ForeignKey) bool { return o.Name == fk.Name }) {
			fks = append(fks, fk)
		}
	}
	return fks
}

// losesKey reports whether fk, of the old schema, references columns of a
// kept table over which a unique constraint or unique index goes away
// before the tables and columns change, or that are the table's primary
// key when that key changes. The database may have tied fk to that key
// (PostgreSQL ties a foreign key to the first matching key it finds) and
// then refuses to drop it, so fk must go first.
func (p *planner) losesKey(fk schema.ForeignKey) bool {
	o, n := p.oldTable(fk.RefTable), p.newTable(fk.RefTable)
	if o == nil || n == nil {
		return false
	}
	if sameSet(o.PrimaryKey, fk.RefColumns) && !slices.Equal(o.PrimaryKey, n.PrimaryKey) {
		return true
	}
	for _, u := range o.Uniques {
		if other := n.Unique(u.Name); sameSet(u.Columns, fk.RefColumns) && (other == nil || !slices.Equal(u.Columns, other.Columns)) {
			return true
		}
	}
	for _, ix := range o.Indexes {
		if other := n.Index(ix.Name); ix.Unique && ix.Where == "" && sameSet(ix.Columns, fk.RefColumns) && (other == nil || !sameIndex(ix, *other)) {
			return true
		}
	}
	return false
}

// dropTables drops the tables only the old schema has, each before the
// tables it references. A cycle of references among them is broken first
// by dropping one foreign key of it, and so is a self-reference to columns
// that only a unique index makes a key, so that the Down can create the
// table again before it adds the foreign key (see [planner.createTables]).
func (p *planner) dropTables() []step {
	var edges, first []edge
	for _, name := range p.dropped {
		t := p.oldTable(name)
		for _, fk := range t.ForeignKeys {
			switch {
			case fk.RefTable == name:
				if !constraintKey(t, fk.RefColumns) {
					first = append(first, edge{table: name, fk: fk.Name})
				}
			case slices.Contains(p.dropped, fk.RefTable):
				edges = append(edges, edge{from: name, to: fk.RefTable, table: name, fk: fk.Name})
			}
		}
	}
	order, cut := sortTables(p.dropped, edges)
	first = append(first, cut...)
	slices.SortFunc(first, func(a, b edge) int { return cmpNames(a.table, a.fk, b.table, b.fk) })
	var steps []step
	for _, e := range first {
		steps = append(steps, step{Change: Change{Op: schema.DropForeignKey{Table: e.table, Name: e.fk}}, implied: true})
	}
	for _, name := range order {
		steps = append(steps, step{Change: Change{
			Op:          schema.DropTable{Name: name},
			Destructive: dropTableReason(name),
		}})
	}
	return steps
}

// createTables creates the tables only the new schema has, each after the
// tables it references. A foreign key that closes a cycle of references
// among them is left out of its CREATE TABLE and added once all are
// created, and so is a self-reference to columns that only a unique index
// makes a key: CREATE TABLE declares constraints, and indexes come after
// it. createTables returns those steps, and the foreign keys of new tables
// that must wait until the end of the plan: those referencing columns of a
// kept table that are not a key of it before then.
func (p *planner) createTables() (steps []step, late []schema.AddForeignKey) {
	var edges, after []edge
	for _, name := range p.created {
		t := p.newTable(name)
		for _, fk := range t.ForeignKeys {
			switch {
			case fk.RefTable == name:
				if !constraintKey(t, fk.RefColumns) {
					after = append(after, edge{table: name, fk: fk.Name})
				}
			case slices.Contains(p.created, fk.RefTable):
				edges = append(edges, edge{from: fk.RefTable, to: name, table: name, fk: fk.Name})
			case !p.keyBeforeColumnChanges(fk.RefTable, fk.RefColumns):
				late = append(late, schema.AddForeignKey{Table: name, ForeignKey: fk})
			}
		}
	}
	order, cut := sortTables(p.created, edges)
	after = append(after, cut...)
	slices.SortFunc(after, func(a, b edge) int { return cmpNames(a.table, a.fk, b.table, b.fk) })
	leftOut := map[[2]string]bool{} // {table, foreign key}
	for _, e := range after {
		leftOut[[2]string{e.table, e.fk}] = true
	}
	for _, op := range late {
		leftOut[[2]string{op.Table, op.ForeignKey.Name}] = true
	}
	for _, name := range order {
		t := p.newTable(name).Clone()
		t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk schema.ForeignKey) bool {
			return leftOut[[2]string{name, fk.Name}]
		})
		steps = append(steps, step{Change: Change{Op: schema.CreateTable{Table: t}}})
	}
	for _, e := range after {
		fk := *p.newTable(e.table).ForeignKey(e.fk)
		steps = append(steps, step{Change: Change{Op: schema.AddForeignKey{Table: e.table, ForeignKey: fk}}, implied: true})
	}
	return steps, late
}

// constraintKey reports whether columns are the primary key of t or the
// columns of one of its unique constraints.
func constraintKey(t *schema.Table, columns []string) bool {
	return sameSet(t.PrimaryKey, columns) ||
		slices.ContainsFunc(t.Uniques, func(u schema.Unique) bool { return sameSet(u.Columns, columns) })
}

// changeColumns drops the columns kept tables lose, then adds those they
// gain, then alters those whose definition changes, then moves the primary
// keys that change. What the old key holds on to waits until its key has
// moved: the columns of the old key that the table loses are dropped last,
// and an alteration that makes a column of it NULL-able, or gives a column
// an identity (which SQLite allows on a key of that column alone), is split
// in two, the rest of it before the key moves and that after.
func (p *planner) changeColumns() []step {
	var drops, adds, alters, keys, lateAlters, lateDrops []step
	for _, d := range p.diffs {
		table := d.old.Name
		for _, c := range d.dropColumns {
			s := step{Change: Change{
				Op:          schema.DropColumn{Table: table, Column: c.Name},
				Destructive: dropColumnReason(table, c.Name),
			}}
			if d.keyChanges && slices.Contains(d.old.PrimaryKey, c.Name) {
				lateDrops = append(lateDrops, s)
			} else {
				drops = append(drops, s)
			}
		}
		for _, c := range d.addColumns {
			adds = append(adds, step{Change: Change{
				Op:          schema.AddColumn{Table: table, Column: c},
				Destructive: addColumnReason(table, c),
			}})
		}
		for _, c := range d.alterColumns {
			early := c.new
			if d.keyChanges {
				early = beforeKeyMoves(c.old, c.new)
			}
			if !sameColumn(c.old, early) {
				alters = append(alters, step{Change: alterColumn(table, c.old, early, p.hints)})
			}
			if !sameColumn(early, c.new) {
				lateAlters = append(lateAlters, step{Change: alterColumn(table, early, c.new, p.hints), implied: !sameColumn(c.old, early)})
			}
		}
		if d.keyChanges {
			keys = append(keys, step{Change: Change{
				Op:          schema.AlterPrimaryKey{Table: table, Old: slices.Clone(d.old.PrimaryKey), New: slices.Clone(d.new.PrimaryKey)},
				Destructive: p.keyChangeReason(d),
			}})
		}
	}
	return slices.Concat(drops, adds, alters, keys, lateAlters, lateDrops)
}

// beforeKeyMoves returns the definition column o takes on its way to n
// before the primary key of its table moves: n, but still NOT NULL when n
// allows NULL (only a column out of the key may), and without the
// identity n gains.
func beforeKeyMoves(o, n schema.Column) schema.Column {
	early := n
	if n.Nullable && !o.Nullable {
		early.Nullable = false
	}
	if n.Identity && !o.Identity {
		early.Identity = false
	}
	return early
}

// addConstraints creates the indexes, then the unique constraints, then
// the checks, then the foreign keys that kept tables gain, with the late
// foreign keys of new tables and the rebuilt ones of kept tables among the
// latter.
func (p *planner) addConstraints(late []schema.AddForeignKey) []step {
	var indexes, uniques, checks, fks []step
	for _, d := range p.diffs {
		table := d.old.Name
		for _, ix := range d.addIndexes {
			indexes = append(indexes, step{Change: Change{Op: schema.CreateIndex{Table: table, Index: ix}},
				implied: p.usesAdded(table, ix.Columns)})
		}
		for _, u := range d.addUniques {
			uniques = append(uniques, step{Change: Change{Op: schema.AddUnique{Table: table, Unique: u}},
				implied: p.usesAdded(table, u.Columns)})
		}
		for _, c := range d.addChecks {
			checks = append(checks, step{Change: Change{Op: schema.AddCheck{Table: table, Check: c}}})
		}
		for _, fk := range d.addForeignKeys {
			fks = append(fks, step{Change: Change{
				Op:          schema.AddForeignKey{Table: table, ForeignKey: fk},
				Destructive: addForeignKeyReason(table, fk, d.old.ForeignKey(fk.Name)),
			}, implied: p.usesAdded(table, fk.Columns)})
		}
		for _, fk := range p.rebuiltForeignKeys(d) {
			fks = append(fks, step{Change: Change{Op: schema.AddForeignKey{Table: table, ForeignKey: fk}}, implied: true})
		}
	}
	for _, op := range late {
		fks = append(fks, step{Change: Change{Op: op}, implied: true})
	}
	slices.SortStableFunc(fks, func(a, b step) int {
		x, y := a.Op.(schema.AddForeignKey), b.Op.(schema.AddForeignKey)
		return cmpNames(x.Table, x.ForeignKey.Name, y.Table, y.ForeignKey.Name)
	})
	return slices.Concat(indexes, uniques, checks, fks)
}

// keyBeforeColumnChanges reports whether columns of table are, before the
// plan changes any column, a key a foreign key can reference: true for
// columns of a new table (they come with their keys), and for columns of a
// kept table that exist in it already, with the type they will have, and
// are its primary key, when the plan keeps that key, or else a unique
// constraint or full unique index that the plan keeps.
func (p *planner) keyBeforeColumnChanges(table string, columns []string) bool {
	o, n := p.oldTable(table), p.newTable(table)
	if o == nil || n == nil {
		return true
	}
	for _, c := range columns {
		if oc, nc := o.Column(c), n.Column(c); oc == nil || nc == nil || !sameType(oc.Type, nc.Type) {
			return false
		}
	}
	if sameSet(o.PrimaryKey, columns) {
		// A foreign key created now may be tied to the primary key even
		// when a unique constraint holds the same columns.
		return slices.Equal(o.PrimaryKey, n.PrimaryKey)
	}
	for _, u := range o.Uniques {
		if other := n.Unique(u.Name); other != nil && slices.Equal(u.Columns, other.Columns) && sameSet(u.Columns, columns) {
			return true
		}
	}
	for _, ix := range o.Indexes {
		if other := n.Index(ix.Name); ix.Unique && ix.Where == "" && other != nil && sameIndex(ix, *other) && sameSet(ix.Columns, columns) {
			return true
		}
	}
	return false
}

// usesDropped reports whether columns include one that the kept table
// loses.
func (p *planner) usesDropped(table string, columns []string) bool {
	n := p.newTable(table)
	if n == nil || p.oldTable(table) == nil {
		return false
	}
	return slices.ContainsFunc(columns, func(c string) bool { return n.Column(c) == nil })
}

// usesAdded reports whether columns include one that the kept table gains.
func (p *planner) usesAdded(table string, columns []string) bool {
	o := p.oldTable(table)
	if o == nil {
		return false
	}
	return slices.ContainsFunc(columns, func(c string) bool { return o.Column(c) == nil })
}

// sameSet reports whether a and b hold the same names, in any order, and
// some.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && len(a) > 0 && !slices.ContainsFunc(a, func(s string) bool { return !slices.Contains(b, s) })
}

// cmpNames orders by table, then by name.
func cmpNames(table1, name1, table2, name2 string) int {
	return cmp.Or(strings.Compare(table1, table2), strings.Compare(name1, name2))
}
