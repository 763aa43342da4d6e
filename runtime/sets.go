package runtime

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// NewSet returns a Migrator for a set of migrations named name: those a
// reusable package of models ships, which apps include in their own
// Migrator with [Migrator.Include]. The ledger records each migration of
// the set under its qualified ID, name + "/" + its ID ("auth/0001_initial"),
// whether the set runs alone (in the package's own tests, say) or inside
// an app; every method that takes an ID takes the qualified one.
//
// name is made of ASCII letters, digits, '_', '-' and '.'; NewSet panics
// otherwise, as [Migrator.Register] panics on a bad ID.
func NewSet(name string) *Migrator {
	if !IsSetName(name) {
		panic(fmt.Sprintf("runtime: NewSet: %q is not a set name: use ASCII letters, digits, '_', '-' and '.'", name))
	}
	return &Migrator{name: name}
}

// Name returns the name of m's set, "" for a Migrator made by
// [NewMigrator].
func (m *Migrator) Name() string { return m.name }

// Include adds the migrations of sets, each made by [NewSet], to m's: a
// run of m applies them all, with one ledger and one lock, and so do the
// sets each of them includes. It is the one line an app writes to use a
// package that ships its own migrations:
//
//	func init() { Migrator.Include(authmigrations.Set) }
//
// The migrations of all the sets run in one order. Within a set they run
// in order of ID. A migration runs after those its [Migration.DependsOn]
// names, and otherwise as early as it can: when migrations of several sets
// could run next, the app's own runs first, then one of a set that depends
// on another before one of that other, then by set name. So a migration
// made against one release of a library runs before the library's later
// migrations, which may change what it touches.
//
// Include panics when a set has no name, or when two different sets have
// the same name. A dependency on a migration no set registers, or two
// migrations that wait for each other, is an error of every run of m.
func (m *Migrator) Include(sets ...*Migrator) {
	if m.of != nil {
		panic("runtime: Include: a set made by Replacing includes what the set it was made from includes")
	}
	for _, s := range sets {
		if s == nil || s.name == "" {
			panic("runtime: Include: a set must be made by NewSet, with a name")
		}
		if s == m {
			panic(fmt.Sprintf("runtime: Include: set %q includes itself", s.name))
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range sets {
		if !slices.Contains(m.includes, s) {
			m.includes = append(m.includes, s)
		}
	}
}

// Replacing returns the set m, made by [NewSet], as an app that has a
// table of its own in the place of m's table sees it: m's migrations
// leave out every operation that makes or changes table, and the foreign
// keys they make to table reference by instead, which the app's own
// migrations make. It is how an app picks its own user table for a
// library that ships one:
//
//	func init() { Migrator.Include(auth.Set.Replacing("users", "accounts")) }
//
// A migration of m that references by runs after the app's migration
// that makes it. The app's migrations make by with a key of the columns
// the set's foreign keys reference. A migration of m that renames table,
// or a RunSQL that declares a change of it, is an error of every run.
// The ledger records m's migrations under their qualified IDs as ever,
// with checksums of what runs.
func (m *Migrator) Replacing(table, by string) *Migrator {
	if m.name == "" {
		panic("runtime: Replacing: only a set made by NewSet has tables an app replaces")
	}
	if table == "" || by == "" || table == by {
		panic(fmt.Sprintf("runtime: Replacing(%q, %q): name a table of the set and another", table, by))
	}
	base, replaced := m, []replacement(nil)
	if m.of != nil {
		base, replaced = m.of, slices.Clone(m.replaced)
	}
	return &Migrator{name: m.name, of: base, replaced: append(replaced, replacement{table: table, by: by})}
}

// replacement is one table of a set that an app replaces by its own.
type replacement struct{ table, by string }

// own returns the migrations of set m, sorted by ID, with its replaced
// tables replaced (see [Migrator.Replacing]), and the sets m includes.
func (m *Migrator) own() ([]Migration, []*Migrator, error) {
	src := m
	if m.of != nil {
		src = m.of
	}
	src.mu.RLock()
	ms, includes := slices.Clip(src.migrations), slices.Clip(src.includes)
	src.mu.RUnlock()
	if m.of == nil {
		m.mu.RLock()
		includes = slices.Clip(m.includes)
		m.mu.RUnlock()
		return ms, includes, nil
	}
	out := make([]Migration, len(ms))
	for i, mig := range ms {
		for _, r := range m.replaced {
			up, err := schema.ReplaceTable(mig.Up, r.table, r.by)
			if err != nil {
				return nil, nil, fmt.Errorf("runtime: set %s, migration %s: %w", m.name, mig.ID, err)
			}
			down, err := schema.ReplaceTable(mig.Down, r.table, r.by)
			if err != nil {
				return nil, nil, fmt.Errorf("runtime: set %s, migration %s: %w", m.name, mig.ID, err)
			}
			mig.Up, mig.Down = up, down
		}
		out[i] = mig
	}
	return out, includes, nil
}

// IsSetName reports whether name may name a set (see [NewSet]): ASCII
// letters, digits, '_', '-' and '.', at least one.
func IsSetName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return true
}

// setOf returns the name of the set of the migration a qualified ID names:
// what comes before its '/', "" for an app's own.
func setOf(id string) string {
	if k := strings.IndexByte(id, '/'); k >= 0 {
		return id[:k]
	}
	return ""
}

// order is how the migrations of a run follow one another: their
// positions in the run's migrations, and each one's set.
//
// A Migrator that includes no set has one set, whose migrations run in
// order of ID: pos is then nil, and a position is found by binary search.
type order struct {
	// names are the names of the sets, in the order Include gives them
	// precedence; names[0] is the Migrator's own.
	names []string
	// members are the positions of each set's migrations, in order of ID.
	members [][]int
	// set is the index in names of the set of each migration.
	set []int
	// prev is the position of the migration before each one in its set,
	// -1 for the first.
	prev []int
	// pos is the position of each migration by qualified ID.
	pos map[string]int
	// byID are the positions in order of qualified ID.
	byID []int
}

// single returns the order of the migrations of one set named name,
// sorted by ID.
func single(name string) *order {
	return &order{names: []string{name}}
}

// one reports whether o has a single set, whose migrations are in order
// of ID.
func (o *order) one() bool { return o.pos == nil }

// index returns the position in ms, ordered by o, of the migration id, or
// -1.
func (o *order) index(ms []Migration, id string) int {
	if o.one() {
		if i, found := search(ms, id); found {
			return i
		}
		return -1
	}
	if i, ok := o.pos[id]; ok {
		return i
	}
	return -1
}

// before returns the position of the migration before migration i in its
// set, or -1.
func (o *order) before(i int) int {
	if o.one() {
		return i - 1
	}
	return o.prev[i]
}

// sorted returns the position of the k-th migration in order of ID.
func (o *order) sorted(k int) int {
	if o.one() {
		return k
	}
	return o.byID[k]
}

// sets returns the number of sets of o.
func (o *order) sets() int { return len(o.names) }

// membersOf returns the positions of the migrations of set s, in order of
// ID; n is how many migrations the run has.
func (o *order) membersOf(s, n int) []int {
	if o.one() {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return all
	}
	return o.members[s]
}

// setIndex returns the index of the set named name, or -1.
func (o *order) setIndex(name string) int {
	return slices.Index(o.names, name)
}

// flatten returns the migrations of m and of the sets it includes, with
// qualified IDs, in the order they run, and that order; the error tells
// why they cannot run, when a dependency is missing or migrations wait for
// each other. The migrations are then those it could order, then the
// others in order of set.
func (m *Migrator) flatten() ([]Migration, *order, error) {
	own, includes, err := m.own()
	name := m.name
	if err != nil {
		return own, single(name), err
	}
	if len(includes) == 0 && name == "" {
		o := single("")
		return own, o, checkDepends(own, func(id string) bool { return o.index(own, id) >= 0 })
	}
	sets, err := m.gather()
	if err != nil {
		return own, single(name), err
	}
	if len(sets) == 1 {
		all := make([]Migration, len(own))
		for i, mig := range own {
			all[i] = qualified(name, mig)
		}
		o := single(name)
		return all, o, checkDepends(all, func(id string) bool { return o.index(all, id) >= 0 })
	}
	// Each set's migrations, qualified.
	owns := make([][]Migration, len(sets))
	total := 0
	for s, set := range sets {
		ms, _, err := set.own()
		if err != nil {
			return own, single(name), err
		}
		owns[s] = ms
		total += len(ms)
	}
	var (
		all   = make([]Migration, 0, total)
		setOf = make([]int, 0, total)
		o     = &order{pos: make(map[string]int, total)}
	)
	for s, set := range sets {
		o.names = append(o.names, set.name)
		for _, mig := range owns[s] {
			mig = qualified(set.name, mig)
			o.pos[mig.ID] = len(all)
			all = append(all, mig)
			setOf = append(setOf, s)
		}
	}
	// What each migration waits for: the one before it in its set, and
	// those it depends on. The rows of a squash stand for those it
	// replaces.
	replacedBy := map[string]string{}
	for _, mig := range all {
		for _, id := range mig.Replaces {
			replacedBy[id] = mig.ID
		}
	}
	registered := func(id string) bool {
		_, ok := o.pos[id]
		if !ok {
			_, ok = replacedBy[id]
		}
		return ok
	}
	if err := checkDepends(all, registered); err != nil {
		return all, single(name), err
	}
	waits := make([][]int, len(all))
	for i, mig := range all {
		if i > 0 && setOf[i-1] == setOf[i] {
			waits[i] = append(waits[i], i-1)
		}
		for _, dep := range mig.DependsOn {
			j, ok := o.pos[dep]
			if !ok {
				j = o.pos[replacedBy[dep]]
			}
			waits[i] = append(waits[i], j)
		}
	}
	// A migration of a set that references a table the app puts in the
	// place of one of the set's runs after the app's migration that makes
	// it (see [Migrator.Replacing]).
	for s, set := range sets {
		for _, r := range set.replaced {
			maker := -1
			for i, mig := range all {
				if setOf[i] == 0 && schema.Creates(mig.Up, r.by) {
					maker = i
					break
				}
			}
			for i, mig := range all {
				if setOf[i] != s || !schema.References(mig.Up, r.by) {
					continue
				}
				if maker < 0 {
					return all, single(name), fmt.Errorf("runtime: migration %s references %s, which replaces %s of set %s, and no migration of the app makes %s", mig.ID, r.by, r.table, set.name, r.by)
				}
				waits[i] = append(waits[i], maker)
			}
		}
	}
	rank := rankSets(sets, all, setOf, waits)
	// Each step runs the next migration of the first set, by rank, whose
	// next migration has nothing left to wait for.
	next := make([]int, len(sets)) // position in all of each set's next migration
	end := make([]int, len(sets))
	for i := range all {
		end[setOf[i]] = i + 1
		if i == 0 || setOf[i-1] != setOf[i] {
			next[setOf[i]] = i
		}
	}
	ran := make([]bool, len(all))
	at := make([]int, len(all)) // new position of each migration of all
	ordered := make([]Migration, 0, len(all))
	ready := func(i int) bool {
		for _, j := range waits[i] {
			if !ran[j] {
				return false
			}
		}
		return true
	}
	for len(ordered) < len(all) {
		picked := -1
		for _, s := range rank {
			if next[s] < end[s] && ready(next[s]) {
				picked = s
				break
			}
		}
		if picked < 0 {
			return all, single(name), cycleError(all, next, end, ran, waits)
		}
		i := next[picked]
		ran[i] = true
		at[i] = len(ordered)
		ordered = append(ordered, all[i])
		next[picked]++
	}
	o.set = make([]int, len(all))
	o.prev = make([]int, len(all))
	o.members = make([][]int, len(sets))
	for i, mig := range all {
		p := at[i]
		o.pos[mig.ID] = p
		o.set[p] = setOf[i]
		o.prev[p] = -1
		if i > 0 && setOf[i-1] == setOf[i] {
			o.prev[p] = at[i-1]
		}
		o.members[setOf[i]] = append(o.members[setOf[i]], p)
	}
	o.byID = make([]int, len(ordered))
	for i := range o.byID {
		o.byID[i] = i
	}
	slices.SortFunc(o.byID, func(a, b int) int { return strings.Compare(ordered[a].ID, ordered[b].ID) })
	return ordered, o, nil
}

// gather returns m and the sets it includes, and those they include, each
// once, m first.
func (m *Migrator) gather() ([]*Migrator, error) {
	sets := []*Migrator{m}
	byName := map[string]*Migrator{m.name: m}
	for k := 0; k < len(sets); k++ {
		src := sets[k]
		if src.of != nil {
			src = src.of
		}
		src.mu.RLock()
		includes := slices.Clip(src.includes)
		src.mu.RUnlock()
		for _, s := range includes {
			switch other, seen := byName[s.name]; {
			case !seen:
				byName[s.name] = s
				sets = append(sets, s)
			case other != s:
				return nil, fmt.Errorf("runtime: two different sets are named %q: include one of them", s.name)
			}
		}
	}
	return sets, nil
}

// qualified returns mig as a run of a Migrator that includes set name
// sees it: its ID and those it replaces prefixed with name and '/'.
func qualified(name string, mig Migration) Migration {
	if name == "" {
		return mig
	}
	mig.ID = name + "/" + mig.ID
	if len(mig.Replaces) > 0 {
		replaces := make([]string, len(mig.Replaces))
		for k, id := range mig.Replaces {
			replaces[k] = name + "/" + id
		}
		mig.Replaces = replaces
	}
	return mig
}

// checkDepends returns an error naming the first dependency of ms that
// is not registered: by a migration, or by a squash that replaces it.
func checkDepends(ms []Migration, registered func(id string) bool) error {
	for _, mig := range ms {
		for _, dep := range mig.DependsOn {
			if registered(dep) {
				continue
			}
			if setOf(dep) == setOf(mig.ID) {
				return fmt.Errorf("runtime: migration %s depends on %s, of its own set, which is not registered", mig.ID, dep)
			}
			return fmt.Errorf("runtime: migration %s depends on %s, which is not registered: include set %q (Migrator.Include)", mig.ID, dep, setOf(dep))
		}
	}
	return nil
}

// rankSets returns the indexes of sets in the order their migrations run
// when several could: the first (the Migrator's own), then each set before
// the sets it depends on, then by name.
func rankSets(sets []*Migrator, all []Migration, setOf []int, waits [][]int) []int {
	// on[s][t]: set s depends on set t.
	on := make([]map[int]bool, len(sets))
	for i := range all {
		for _, j := range waits[i] {
			if s, t := setOf[i], setOf[j]; s != t {
				if on[s] == nil {
					on[s] = map[int]bool{}
				}
				on[s][t] = true
			}
		}
	}
	// How many sets depend on each, transitively: a set that more depend
	// on runs later; a cycle between sets leaves the name to decide.
	dependents := make([]int, len(sets))
	for s := range sets {
		seen := map[int]bool{s: true}
		stack := []int{s}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for t := range on[u] {
				if !seen[t] {
					seen[t] = true
					dependents[t]++
					stack = append(stack, t)
				}
			}
		}
	}
	rank := make([]int, len(sets))
	for s := range rank {
		rank[s] = s
	}
	slices.SortStableFunc(rank[1:], func(a, b int) int {
		if c := cmp.Compare(dependents[a], dependents[b]); c != 0 {
			return c
		}
		return strings.Compare(sets[a].name, sets[b].name)
	})
	return rank
}

// cycleError returns the error of migrations that wait for each other:
// the next migration of each set that has one left, none of which can run.
func cycleError(all []Migration, next, end []int, ran []bool, waits [][]int) error {
	var stuck []string
	for s := range next {
		if i := next[s]; i < end[s] {
			var on []string
			for _, j := range waits[i] {
				if !ran[j] {
					on = append(on, all[j].ID)
				}
			}
			stuck = append(stuck, fmt.Sprintf("%s waits for %s", all[i].ID, strings.Join(on, ", ")))
		}
	}
	return fmt.Errorf("runtime: the migrations of the sets wait for each other: %s", strings.Join(stuck, "; "))
}

// inRunOrder returns rows, the ledger's sorted by ID, in the order their
// migrations run, a row of no registered migration sorting by ID among
// the migrations of its set (see [run.audit]). It returns rows itself when
// the run has one set.
func (r *run) inRunOrder(rows []ledgerRow) []ledgerRow {
	if r.order.one() {
		return rows
	}
	type placedRow struct {
		row      ledgerRow
		at, rank int
	}
	placed := make([]placedRow, len(rows))
	for k, row := range rows {
		p := placedRow{row: row, at: r.index(row.ID)}
		if p.at < 0 {
			p.at = len(r.migrations)
			if s := r.order.setIndex(setOf(row.ID)); s >= 0 && len(r.order.members[s]) > 0 {
				members := r.order.members[s]
				j, _ := slices.BinarySearchFunc(members, row.ID, func(i int, id string) int { return strings.Compare(r.migrations[i].ID, id) })
				if j < len(members) {
					p.at, p.rank = members[j], -1
				} else {
					p.at, p.rank = members[len(members)-1], 1
				}
			}
		}
		placed[k] = p
	}
	slices.SortStableFunc(placed, func(a, b placedRow) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.rank, b.rank), strings.Compare(a.row.ID, b.row.ID))
	})
	ordered := make([]ledgerRow, len(rows))
	for k, p := range placed {
		ordered[k] = p.row
	}
	return ordered
}
