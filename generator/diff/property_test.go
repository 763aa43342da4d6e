package diff

import (
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/strata-go/strata/runtime/schema"
)

var seedFlag = flag.Uint64("diff.seed", 0, "seed of TestCompareRandomSchemas; 0 picks one from the clock")

// TestCompareRandomSchemas compares pairs of random schemas drawn from one
// catalog, so that they share many tables, columns and keys and differ in
// the rest, with the hints the models of the second would give: renames,
// backfill= and using=. Whenever Compare accepts a pair, its Up must take
// the first schema to the second and its Down back, under the rules of a
// real database, which are stricter than those of Operation.Apply.
func TestCompareRandomSchemas(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rounds := 3000
	if testing.Short() {
		rounds = 300
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	var planned, renamed, keyed int
	for round := range rounds {
		cat := newCatalog(rng)
		a, b := cat.draw(rng), cat.draw(rng)
		hints, renames := hintsBetween(rng, a, b)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("seed %d, round %d (rerun with -diff.seed=%d): %s\nold: %s\nnew: %s\nhints: %+v",
				seed, round, seed, fmt.Sprintf(format, args...), describe(a.s), describe(b.s), hints)
		}
		plan, err := Compare(a.s, b.s, hints)
		if err != nil {
			fail("Compare: %v", err)
		}
		planned++
		if len(renames) > 0 {
			renamed++
		}
		if slices.ContainsFunc(plan.Ops(), func(op schema.Operation) bool { _, ok := op.(schema.AlterPrimaryKey); return ok }) {
			keyed++
		}
		checkPlan(a.s, b.s, plan, fail)
		checkRenames(plan, renames, fail)
	}
	t.Logf("seed %d: %d plans checked (%d with renames, %d moving a primary key)", seed, planned, renamed, keyed)
	if renamed < planned/4 {
		t.Errorf("seed %d: only %d of %d plans had renames; the generator should rename more often", seed, renamed, planned)
	}
	if keyed < planned/10 {
		t.Errorf("seed %d: only %d of %d plans moved a primary key; the generator should change keys more often", seed, keyed, planned)
	}
}

// checkPlan checks everything a plan from a to b promises.
func checkPlan(a, b *schema.Schema, plan *Plan, fail func(string, ...any)) {
	db := newStrictDB(a.Clone())
	s := db.s
	if err := db.apply(plan.Ops()); err != nil {
		fail("Up: %v\nUp: %v", err, plan.Ops())
	}
	if !sameSchema(s, b) {
		fail("Up does not produce the new schema (-want +got):\n%s", cmp.Diff(comparableForm(b), comparableForm(s)))
	}
	if err := db.apply(plan.Down); err != nil {
		fail("Down: %v\nUp: %v\nDown: %v", err, plan.Ops(), plan.Down)
	}
	if !sameSchema(s, a) {
		fail("Down does not restore the old schema (-want +got):\n%s", cmp.Diff(comparableForm(a), comparableForm(s)))
	}
	// Down has one operation for each of Up, plus one AlterColumn after
	// each column it re-adds with a placeholder default.
	extra := 0
	for i, op := range plan.Down {
		if add, ok := op.(schema.AddColumn); ok && i+1 < len(plan.Down) {
			if alter, ok := plan.Down[i+1].(schema.AlterColumn); ok && alter.Table == add.Table && alter.Column.Name == add.Column.Name && alter.Column.Default == "" && add.Column.Default != "" {
				extra++
			}
		}
	}
	if len(plan.Down) != len(plan.Up)+extra {
		fail("Down has %d operations for %d in Up and %d placeholders", len(plan.Down), len(plan.Up), extra)
	}
	checkGuard(a, plan, fail)
	if name := plan.Name(); !nameRE.MatchString(name) || len(name) > maxNameLen {
		fail("Name() = %q", name)
	}
	if same, err := Compare(a, a, Hints{}); err != nil || !same.Empty() {
		fail("Compare(old, old) = %v, %v; want an empty plan", same, err)
	}
}

// checkGuard replays the plan's Up on a and checks the guard's finding on
// each change against what invariant 5 of DESIGN.md asks.
func checkGuard(a *schema.Schema, plan *Plan, fail func(string, ...any)) {
	renamed := a.Clone() // a under the names the plan gives its tables and columns
	for _, c := range plan.Up {
		switch c.Op.(type) {
		case schema.RenameTable, schema.RenameColumn:
			if err := c.Op.Apply(renamed); err != nil {
				fail("%s: %v", c.Op, err)
			}
		}
	}
	s := a.Clone()
	for _, c := range plan.Up {
		var want bool
		switch op := c.Op.(type) {
		case schema.DropTable, schema.DropColumn:
			want = true
		case schema.AlterColumn:
			o := *s.Table(op.Table).Column(op.Column.Name)
			becomesNotNull := o.Nullable && !op.Column.Nullable
			if !becomesNotNull && op.Backfill != "" {
				fail("%s has a backfill but stays NULL or NOT NULL as it was", op)
			}
			// A using= hint says how values convert, as a backfill says
			// how NULLs are filled: either lets the change through.
			want = !widening(o.Type, op.Column.Type) && op.Using == "" || becomesNotNull && op.Backfill == ""
		case schema.AlterEnum:
			want = slices.ContainsFunc(s.Enum(op.Name).Values, func(v string) bool { return !slices.Contains(op.Values, v) })
		case schema.AlterPrimaryKey:
			// A key that keeps every column of the old one cannot meet
			// two rows of one value; one moved elsewhere may, unless a
			// unique constraint or index of the old table lies within it.
			want = len(op.New) > 0 && !covers(op.New, op.Old) && !uniqueWithin(renamed.Table(op.Table), op.New)
		case schema.AddColumn, schema.AddForeignKey, schema.DropForeignKey:
			want = c.Destructive != "" // guarded by rules the compare tests cover
		}
		if got := c.Destructive != ""; got != want {
			fail("%s: guarded = %v (%q), want %v", c.Op, got, c.Destructive, want)
		}
		if err := c.Op.Apply(s); err != nil {
			fail("%s: %v", c.Op, err)
		}
	}
}

// widening reports whether a column of type a may become one of type b
// without the guard: the same type, or one of the lossless changes the
// catalog draws, as invariant 5 lists them.
func widening(a, b schema.Type) bool {
	switch {
	case sameType(a, b), sameType(b, schema.Type{Kind: Text}):
		return true
	case a.Kind == Text && b.Kind == Text && a.Size > 0:
		return b.Size >= a.Size
	}
	return a.Kind == schema.Int16 && (b.Kind == Int32 || b.Kind == Int64) && len(b.Custom) == 0 ||
		a.Kind == Int32 && b.Kind == Int64 && len(b.Custom) == 0 ||
		a.Kind == schema.Float32 && b.Kind == schema.Float64 && len(b.Custom) == 0
}

// checkRenames checks that each rename that is not stale is in the plan,
// and that neither the table nor the column it renames is dropped.
func checkRenames(plan *Plan, renames []Rename, fail func(string, ...any)) {
	for _, r := range renames {
		var want schema.Operation = schema.RenameTable{From: r.From, To: r.Table}
		if r.Column != "" {
			want = schema.RenameColumn{Table: r.Table, From: r.From, To: r.Column}
		}
		if !slices.Contains(plan.Ops(), want) {
			fail("the plan does not %s: %v", want, plan.Ops())
		}
		for _, op := range plan.Ops() {
			switch op := op.(type) {
			case schema.DropTable:
				if r.Column == "" && op.Name == r.From {
					fail("the plan drops renamed table %s", r.From)
				}
			case schema.DropColumn:
				if r.Column != "" && op.Table == r.Table && op.Column == r.From {
					fail("the plan drops renamed column %s.%s", op.Table, r.From)
				}
			}
		}
	}
}

// strictDB is a schema replayed under the rules of a real database, which
// are stricter than those of [schema.Operation.Apply]: foreign keys
// reference existing tables through a key, nothing referenced is dropped,
// enum types exist before their columns, index names are free. It also
// remembers the order keys and foreign keys were created in, since
// PostgreSQL ties a foreign key to one of the keys over its referenced
// columns that exist when it is created, and then refuses to drop that key.
type strictDB struct {
	s       *schema.Schema
	seq     int
	created map[string]int // "key name" or "fk table.name" -> when; 0 for what s held at first
}

func newStrictDB(s *schema.Schema) *strictDB {
	return &strictDB{s: s, created: map[string]int{}}
}

// apply applies ops in order, or returns the error of the first that breaks
// a rule.
func (db *strictDB) apply(ops []schema.Operation) error {
	for i, op := range ops {
		err := strictCheck(db.s, op)
		if err == nil {
			err = db.checkKeyDrop(op)
		}
		if err == nil {
			err = op.Apply(db.s)
		}
		if err != nil {
			return fmt.Errorf("operation %d (%s): %w", i+1, op, err)
		}
		db.record(op)
	}
	return nil
}

// record notes when op created keys or foreign keys, and follows them
// through renames.
func (db *strictDB) record(op schema.Operation) {
	db.seq++
	move := func(from, to string) {
		if when, ok := db.created[from]; ok {
			delete(db.created, from)
			db.created[to] = when
		}
	}
	switch op := op.(type) {
	case schema.RenameTable:
		for _, key := range slices.Sorted(maps.Keys(db.created)) {
			if rest, ok := strings.CutPrefix(key, "fk "+op.From+"."); ok {
				move(key, "fk "+op.To+"."+rest)
			}
		}
		move("pkey "+op.From, "pkey "+op.To)
	case schema.RenameIndex:
		move("key "+op.From, "key "+op.To)
	case schema.RenameConstraint:
		move("key "+op.From, "key "+op.To)
		move("fk "+op.Table+"."+op.From, "fk "+op.Table+"."+op.To)
	case schema.CreateTable:
		db.created["pkey "+op.Table.Name] = db.seq
		for _, ix := range op.Table.Indexes {
			db.created["key "+ix.Name] = db.seq
		}
		for _, u := range op.Table.Uniques {
			db.created["key "+u.Name] = db.seq
		}
		for _, fk := range op.Table.ForeignKeys {
			db.created["fk "+op.Table.Name+"."+fk.Name] = db.seq
		}
	case schema.CreateIndex:
		db.created["key "+op.Index.Name] = db.seq
	case schema.AddUnique:
		db.created["key "+op.Unique.Name] = db.seq
	case schema.AddForeignKey:
		db.created["fk "+op.Table+"."+op.ForeignKey.Name] = db.seq
	case schema.AlterPrimaryKey:
		db.created["pkey "+op.Table] = db.seq
	}
}

// checkKeyDrop refuses to drop a key that a foreign key created after it,
// over the same columns, may depend on: a unique constraint or index, or
// the primary key that an AlterPrimaryKey moves.
func (db *strictDB) checkKeyDrop(op schema.Operation) error {
	var table, name string
	var columns []string
	switch op := op.(type) {
	case schema.AlterPrimaryKey:
		if len(op.Old) > 0 {
			table, name, columns = op.Table, "pkey "+op.Table, op.Old
		}
	case schema.DropUnique:
		if t := db.s.Table(op.Table); t != nil && t.Unique(op.Name) != nil {
			table, name, columns = op.Table, op.Name, t.Unique(op.Name).Columns
		}
	case schema.DropIndex:
		if t := db.s.Table(op.Table); t != nil && t.Index(op.Name) != nil && t.Index(op.Name).Unique && t.Index(op.Name).Where == "" {
			table, name, columns = op.Table, op.Name, t.Index(op.Name).Columns
		}
	}
	if table == "" {
		return nil
	}
	if !strings.HasPrefix(name, "pkey ") {
		name = "key " + name
	}
	for _, t := range db.s.Tables {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == table && sameSet(fk.RefColumns, columns) && db.created["fk "+t.Name+"."+fk.Name] >= db.created[name] {
				return fmt.Errorf("foreign key %s of %s may depend on it", fk.Name, t.Name)
			}
		}
	}
	return nil
}

func strictCheck(s *schema.Schema, op schema.Operation) error {
	switch op := op.(type) {
	case schema.CreateTable:
		for _, c := range op.Table.Columns {
			if err := enumExists(s, c); err != nil {
				return err
			}
		}
		for _, ix := range op.Table.Indexes {
			if other := indexOwner(s, ix.Name); other != "" {
				return fmt.Errorf("index name %s is taken by %s", ix.Name, other)
			}
		}
		for _, u := range op.Table.Uniques {
			if other := indexOwner(s, u.Name); other != "" {
				return fmt.Errorf("unique name %s is taken by %s", u.Name, other)
			}
		}
		for _, fk := range op.Table.ForeignKeys {
			if fk.RefTable == op.Table.Name {
				// The indexes come after CREATE TABLE.
				if !constraintKey(&op.Table, fk.RefColumns) {
					return fmt.Errorf("foreign key %s references no constraint of its own table", fk.Name)
				}
				continue
			}
			if ref := s.Table(fk.RefTable); ref == nil || !ref.IsKey(fk.RefColumns) {
				return fmt.Errorf("foreign key %s references no key of %s", fk.Name, fk.RefTable)
			}
		}
	case schema.AddColumn:
		return enumExists(s, op.Column)
	case schema.AlterColumn:
		if t := s.Table(op.Table); t != nil && op.Column.Nullable && slices.Contains(t.PrimaryKey, op.Column.Name) {
			return fmt.Errorf("column %s is in the primary key, which cannot hold NULL", op.Column.Name)
		}
		return enumExists(s, op.Column)
	case schema.AlterPrimaryKey:
		t := s.Table(op.Table)
		if t == nil {
			return nil // Apply says so
		}
		after := t.Clone()
		after.PrimaryKey = op.New
		return referenced(s, op.Table, func(_ string, fk schema.ForeignKey) bool { return !after.IsKey(fk.RefColumns) })
	case schema.AddForeignKey:
		if ref := s.Table(op.ForeignKey.RefTable); ref == nil || !ref.IsKey(op.ForeignKey.RefColumns) {
			return fmt.Errorf("foreign key references no key of %s", op.ForeignKey.RefTable)
		}
	case schema.DropTable:
		return referenced(s, op.Name, func(owner string, _ schema.ForeignKey) bool { return owner != op.Name })
	case schema.DropColumn:
		return referenced(s, op.Table, func(_ string, fk schema.ForeignKey) bool { return slices.Contains(fk.RefColumns, op.Column) })
	}
	return nil
}

// referenced reports an error when a foreign key that refers to table, and
// that match accepts given the name of the table it belongs to, exists.
func referenced(s *schema.Schema, table string, match func(owner string, fk schema.ForeignKey) bool) error {
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == table && match(t.Name, fk) {
				return fmt.Errorf("foreign key %s of %s references it", fk.Name, t.Name)
			}
		}
	}
	return nil
}

func enumExists(s *schema.Schema, c schema.Column) error {
	if c.Type.Kind == schema.EnumKind && s.Enum(c.Type.Enum) == nil {
		return fmt.Errorf("column %s uses enum %s before it exists", c.Name, c.Type.Enum)
	}
	return nil
}

func indexOwner(s *schema.Schema, name string) string {
	for _, t := range s.Tables {
		if t.Index(name) != nil || t.Unique(name) != nil {
			return t.Name
		}
	}
	return ""
}

// uniqueWithin reports whether a unique constraint or full unique index
// of t over NOT NULL columns has its columns among key.
func uniqueWithin(t *schema.Table, key []string) bool {
	within := func(columns []string) bool {
		return covers(key, columns) && !slices.ContainsFunc(columns, func(c string) bool { return t.Column(c).Nullable })
	}
	for _, u := range t.Uniques {
		if within(u.Columns) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if ix.Unique && ix.Where == "" && within(ix.Columns) {
			return true
		}
	}
	return false
}

// describe prints a schema compactly for failure messages.
func describe(s *schema.Schema) string {
	var b strings.Builder
	for _, e := range s.Enums {
		fmt.Fprintf(&b, "\n  enum %s %v", e.Name, e.Values)
	}
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "\n  table %s pk%v", t.Name, t.PrimaryKey)
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "\n    %s %s %s default=%q identity=%v auto_now=%v",
				c.Name, typeText(c.Type), nullText(c.Nullable), c.Default, c.Identity, c.AutoNow)
		}
		for _, ix := range t.Indexes {
			fmt.Fprintf(&b, "\n    index %s %v unique=%v where=%q", ix.Name, ix.Columns, ix.Unique, ix.Where)
		}
		for _, u := range t.Uniques {
			fmt.Fprintf(&b, "\n    unique %s %v", u.Name, u.Columns)
		}
		for _, fk := range t.ForeignKeys {
			fmt.Fprintf(&b, "\n    fk %s %v -> %s%v on_delete=%q", fk.Name, fk.Columns, fk.RefTable, fk.RefColumns, fk.OnDelete)
		}
		for _, c := range t.Checks {
			fmt.Fprintf(&b, "\n    check %s %q", c.Name, c.Expr)
		}
	}
	return b.String()
}
