package runtime

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// settleBySchema tells whether statement p.Done of p's migration, which a
// run began outside a transaction and never saw end, took effect, on an
// engine whose DDL is atomic ([dialect.AtomicDDL]): the statement either
// took effect whole or not at all, so the tables its operation changes are
// either as they were before the operation or as they are after it. It
// reads them back with the dialect's Inspect and compares them, in the
// dialect's comparable form, with both.
//
// known is false, and a person must settle the statement, when the
// dialect does not vouch for it, when the operation renders more than one
// statement that runs outside a transaction (the schema between two of
// them is not known), when the operation changes no table Inspect reads
// (a RunSQL that declares nothing), and when the live tables match
// neither, such as after a change made by hand.
func (r *run) settleBySchema(ctx context.Context, p progressRow, steps []dialect.Step) (tookEffect, known bool, err error) {
	a, ok := r.dialect.(dialect.AtomicDDL)
	k := p.Done
	if !ok || r.lockOpts.Pool == nil || k >= len(steps) || steps[k].SQL == "" || !a.AtomicDDL(steps[k].SQL) {
		return false, false, nil
	}
	op := steps[k].Op
	for j, st := range steps {
		if j != k && st.Op == op && st.Outside {
			return false, false, nil
		}
	}
	before, after, err := r.aroundOperation(p.ID, p.down(), op)
	if err != nil || before == nil {
		return false, false, err
	}
	before, after = a.Comparable(before), a.Comparable(after)
	tables := changedTables(before, after)
	if len(tables) == 0 {
		return false, false, nil
	}
	live, err := a.Inspect(ctx, r.lockOpts.Pool)
	if err != nil {
		return false, false, fmt.Errorf("read the live schema to settle the statement: %w", err)
	}
	live = a.Comparable(live)
	got := restrict(live, tables)
	switch {
	case reflect.DeepEqual(got, restrict(after, tables)):
		return true, true, nil
	case reflect.DeepEqual(got, restrict(before, tables)):
		return false, true, nil
	}
	return false, false, nil
}

// aroundOperation returns the schema before and after operation op of
// migration id's Up, or of its Down when down is true, replayed from the
// start; nil when id is not among r's migrations or op not among its
// operations.
func (r *run) aroundOperation(id string, down bool, op int) (before, after *schema.Schema, err error) {
	i := r.index(id)
	if i < 0 {
		return nil, nil, nil
	}
	ops, n := r.migrations[i].Up, i
	if down {
		ops, n = r.migrations[i].Down, i+1
	}
	if op >= len(ops) {
		return nil, nil, nil
	}
	rp := replayer{migrations: r.migrations}
	base, err := rp.after(n)
	if err != nil {
		return nil, nil, err
	}
	before = base.Clone()
	if err := before.ApplyAll(ops[:op]); err != nil {
		return nil, nil, fmt.Errorf("replay migration %s: %w", id, err)
	}
	after = before.Clone()
	if err := ops[op].Apply(after); err != nil {
		return nil, nil, fmt.Errorf("replay migration %s: %w", id, err)
	}
	return before, after, nil
}

// changedTables returns the names of the tables that differ between
// before and after, or that only one of them holds, sorted.
func changedTables(before, after *schema.Schema) []string {
	var names []string
	for _, s := range []*schema.Schema{before, after} {
		for _, t := range s.Tables {
			if !slices.Contains(names, t.Name) && !reflect.DeepEqual(before.Table(t.Name), after.Table(t.Name)) {
				names = append(names, t.Name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// restrict returns the tables of s named in names, in order, with the
// enums their columns use: the part of s a statement on those tables may
// change.
func restrict(s *schema.Schema, names []string) *schema.Schema {
	out := &schema.Schema{}
	for _, n := range names {
		t := s.Table(n)
		if t == nil {
			continue
		}
		out.Tables = append(out.Tables, *t)
		for _, c := range t.Columns {
			if e := s.Enum(c.Type.Enum); c.Type.Kind == schema.EnumKind && e != nil {
				out.Enums = append(out.Enums, *e)
			}
		}
	}
	return out
}
