package diff

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// planRenames returns the renames that hints call for between old and new,
// in the order they run (tables, then columns, then the indexes and
// constraints whose names follow them), and a copy of old with them
// applied. It skips stale hints (see [Hints]); it fails only when a rename
// it planned does not apply, which is a bug.
func planRenames(old, new *schema.Schema, hints []Rename) ([]step, *schema.Schema, error) {
	s := old.Fork() // the renames go through Apply, which copies what it changes
	hints = slices.Clone(hints)
	slices.SortFunc(hints, func(a, b Rename) int {
		return cmp.Or(cmpBool(a.Column != "", b.Column != ""), strings.Compare(a.Table, b.Table),
			strings.Compare(a.Column, b.Column), strings.Compare(a.From, b.From))
	})
	var steps []step
	apply := func(op schema.Operation, implied bool) error {
		if err := op.Apply(s); err != nil {
			return err
		}
		steps = append(steps, step{Change: Change{Op: op}, implied: implied})
		return nil
	}
	touched := map[string]bool{} // by new name: tables renamed or with a column renamed
	for _, h := range hints {
		op := renameFor(s, new, h)
		if op == nil {
			continue
		}
		if err := apply(op, false); err != nil {
			return nil, nil, err
		}
		touched[h.Table] = true
	}
	for _, table := range slices.Sorted(maps.Keys(touched)) {
		for _, op := range followingRenames(s, new, table) {
			if err := apply(op, true); err != nil {
				return nil, nil, err
			}
		}
	}
	// From here on, only indexes and constraints are renamed: the tables
	// stay where they are.
	olds, news := indexTables(s), indexTables(new)
	for _, t := range slices.Clone(s.Tables) {
		if touched[t.Name] || news.table(t.Name) == nil {
			continue
		}
		for _, op := range unambiguousRenames(olds, news, t.Name) {
			if err := apply(op, false); err != nil {
				return nil, nil, err
			}
		}
	}
	return steps, s, nil
}

// renameFor returns the RenameTable or RenameColumn that hint h calls for
// on s, on the way to new, or nil when h is stale: s lacks the old name or
// has the new one already, or new lacks the new name or still has the old
// one.
func renameFor(s, new *schema.Schema, h Rename) schema.Operation {
	if h.Column == "" {
		if s.Table(h.From) == nil || s.Table(h.Table) != nil || new.Table(h.Table) == nil || new.Table(h.From) != nil {
			return nil
		}
		return schema.RenameTable{From: h.From, To: h.Table}
	}
	t, n := s.Table(h.Table), new.Table(h.Table)
	if t == nil || n == nil || t.Column(h.From) == nil || t.Column(h.Column) != nil ||
		n.Column(h.Column) == nil || n.Column(h.From) != nil {
		return nil
	}
	return schema.RenameColumn{Table: h.Table, From: h.From, To: h.Column}
}

// followingRenames returns the renames that carry the indexes and
// constraints of table, renamed or with renamed columns, in s over to their
// names in new: each one that new lacks by name, matched to one of the same
// definition that s lacks by name, when that name is free. An index or
// constraint whose definition changes too is left to be dropped and
// created again.
func followingRenames(s, new *schema.Schema, table string) []schema.Operation {
	o, n := s.Table(table), new.Table(table)
	if o == nil || n == nil {
		return nil
	}
	indexFree := func(name string) bool { return !indexNameTaken(s, name) }
	constraintFree := func(name string) bool {
		return o.ForeignKey(name) == nil && o.Check(name) == nil && o.Unique(name) == nil
	}
	var ops []schema.Operation
	for _, p := range matchRenamed(o.Indexes, n.Indexes, func(ix schema.Index) string { return ix.Name }, sameIndex, indexFree) {
		ops = append(ops, schema.RenameIndex{Table: table, From: p[0], To: p[1]})
	}
	sameUnique := func(a, b schema.Unique) bool { return slices.Equal(a.Columns, b.Columns) }
	uniqueFree := func(name string) bool { return indexFree(name) && constraintFree(name) }
	for _, p := range matchRenamed(o.Uniques, n.Uniques, func(u schema.Unique) string { return u.Name }, sameUnique, uniqueFree) {
		ops = append(ops, schema.RenameConstraint{Table: table, From: p[0], To: p[1]})
	}
	for _, p := range matchRenamed(o.ForeignKeys, n.ForeignKeys, func(fk schema.ForeignKey) string { return fk.Name }, sameForeignKey, constraintFree) {
		ops = append(ops, schema.RenameConstraint{Table: table, From: p[0], To: p[1]})
	}
	sameCheck := func(a, b schema.Check) bool { return a.Expr == b.Expr }
	for _, p := range matchRenamed(o.Checks, n.Checks, func(c schema.Check) string { return c.Name }, sameCheck, constraintFree) {
		ops = append(ops, schema.RenameConstraint{Table: table, From: p[0], To: p[1]})
	}
	return ops
}

// matchRenamed pairs, in order, each element of olds whose name news lacks
// with the first element of news of the same definition whose name olds
// lacks, is free, and is not paired yet. It returns the pairs of names,
// old then new.
func matchRenamed[T any](olds, news []T, name func(T) string, same func(a, b T) bool, free func(string) bool) [][2]string {
	has := func(list []T, n string) bool {
		return slices.ContainsFunc(list, func(e T) bool { return name(e) == n })
	}
	var pairs [][2]string
	taken := map[string]bool{}
	for _, o := range olds {
		if has(news, name(o)) {
			continue
		}
		for _, n := range news {
			if to := name(n); !taken[to] && !has(olds, to) && same(o, n) && free(to) {
				taken[to] = true
				pairs = append(pairs, [2]string{name(o), to})
				break
			}
		}
	}
	return pairs
}

// unambiguousRenames returns the renames of the indexes and unique
// constraints of table, neither renamed nor with a renamed column, whose
// name alone changes between s and new: an index (or unique constraint)
// that new lacks by name, the only one of its definition that s has and
// new lacks, matched with the only one of that definition that new has and
// s lacks, when its new name is free. Anything less certain is left to be
// dropped and created.
func unambiguousRenames(olds, news tableIndex, table string) []schema.Operation {
	o, n := olds.table(table), news.table(table)
	if sameNames(o.Indexes, n.Indexes, func(ix schema.Index) string { return ix.Name }) &&
		sameNames(o.Uniques, n.Uniques, func(u schema.Unique) string { return u.Name }) {
		return nil // as for most tables: no name changes
	}
	s := olds.s
	indexFree := func(name string) bool { return !indexNameTaken(s, name) }
	uniqueFree := func(name string) bool {
		return indexFree(name) && o.ForeignKey(name) == nil && o.Check(name) == nil
	}
	var ops []schema.Operation
	for _, p := range matchUnambiguous(o.Indexes, n.Indexes, func(ix schema.Index) string { return ix.Name }, sameIndex, indexFree) {
		ops = append(ops, schema.RenameIndex{Table: table, From: p[0], To: p[1]})
	}
	sameUnique := func(a, b schema.Unique) bool { return slices.Equal(a.Columns, b.Columns) }
	for _, p := range matchUnambiguous(o.Uniques, n.Uniques, func(u schema.Unique) string { return u.Name }, sameUnique, uniqueFree) {
		ops = append(ops, schema.RenameConstraint{Table: table, From: p[0], To: p[1]})
	}
	return ops
}

// sameNames reports whether olds and news hold elements of the same
// names, in the same order.
func sameNames[T any](olds, news []T, name func(T) string) bool {
	return slices.EqualFunc(olds, news, func(a, b T) bool { return name(a) == name(b) })
}

// matchUnambiguous pairs, in order, each element of olds whose name news
// lacks with the element of news whose name olds lacks and that has the
// same definition, when there is exactly one such element on each side
// and its new name is free. It returns the pairs of names, old then new.
func matchUnambiguous[T any](olds, news []T, name func(T) string, same func(a, b T) bool, free func(string) bool) [][2]string {
	has := func(list []T, n string) bool {
		return slices.ContainsFunc(list, func(e T) bool { return name(e) == n })
	}
	gone := slices.DeleteFunc(slices.Clone(olds), func(e T) bool { return has(news, name(e)) })
	come := slices.DeleteFunc(slices.Clone(news), func(e T) bool { return has(olds, name(e)) })
	var pairs [][2]string
	for _, g := range gone {
		var to []T
		for _, c := range come {
			if same(g, c) {
				to = append(to, c)
			}
		}
		from := slices.IndexFunc(gone, func(e T) bool { return len(to) == 1 && same(e, to[0]) && name(e) != name(g) })
		if len(to) == 1 && from < 0 && free(name(to[0])) {
			pairs = append(pairs, [2]string{name(g), name(to[0])})
		}
	}
	return pairs
}

// modelRenames returns the table renames that hints.Models imply (see
// [Models]), as renamed_from hints.
func modelRenames(old, new *schema.Schema, hints Hints) []Rename {
	explicit := func(table string) bool {
		return slices.ContainsFunc(hints.Renames, func(r Rename) bool {
			return r.Column == "" && (r.Table == table || r.From == table)
		})
	}
	oldTables := tablesByModel(hints.Models.Old)
	newTables := tablesByModel(hints.Models.New)
	var renames []Rename
	for _, t := range new.Tables {
		model, ok := hints.Models.New[t.Name]
		if !ok || len(newTables[model]) != 1 || len(oldTables[model]) != 1 {
			continue
		}
		from := oldTables[model][0]
		if from == t.Name || old.Table(from) == nil || new.Table(from) != nil || old.Table(t.Name) != nil ||
			explicit(t.Name) || explicit(from) {
			continue
		}
		renames = append(renames, Rename{Table: t.Name, From: from})
	}
	return renames
}

// tablesByModel inverts models: the tables each model struct declares,
// sorted.
func tablesByModel(models map[string]string) map[string][]string {
	tables := map[string][]string{}
	for _, table := range slices.Sorted(maps.Keys(models)) {
		tables[models[table]] = append(tables[models[table]], table)
	}
	return tables
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// indexNameTaken reports whether an index or unique constraint of any table
// of s is called name: both live in one namespace per schema.
func indexNameTaken(s *schema.Schema, name string) bool {
	return slices.ContainsFunc(s.Tables, func(t schema.Table) bool { return t.Index(name) != nil || t.Unique(name) != nil })
}
