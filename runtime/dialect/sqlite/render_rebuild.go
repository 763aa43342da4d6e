package sqlite

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// rebuildPlan is a run of operations on one table that Render carries out
// by rebuilding the table once (see [Dialect.Render]).
type rebuildPlan struct {
	table string         // the table's name
	n     int            // how many operations, from the first
	after *schema.Schema // the schema after them
	copy  *copyPlan
	// converted holds the columns whose values the copy converts.
	converted []string
}

// rebuildable returns the table that op changes when op is an operation a
// rebuild can carry out, and reports whether it is.
func rebuildable(op schema.Operation) (string, bool) {
	switch op := op.(type) {
	case schema.AlterColumn:
		return op.Table, true
	case schema.AddCheck:
		return op.Table, true
	case schema.DropCheck:
		return op.Table, true
	case schema.AddForeignKey:
		return op.Table, true
	case schema.DropForeignKey:
		return op.Table, true
	case schema.RenameConstraint:
		return op.Table, true
	case schema.AddColumn:
		return op.Table, true
	case schema.DropColumn:
		return op.Table, true
	case schema.CreateIndex:
		return op.Table, true
	case schema.DropIndex:
		return op.Table, true
	case schema.AddUnique:
		return op.Table, true
	case schema.DropUnique:
		return op.Table, true
	case schema.RenameIndex:
		return op.Table, true
	case schema.AlterPrimaryKey:
		return op.Table, true
	}
	return "", false
}

// indexOperation reports whether op creates, drops or renames an index or
// unique constraint, which the table keeps through a rebuild.
func indexOperation(op schema.Operation) bool {
	switch op.(type) {
	case schema.CreateIndex, schema.DropIndex, schema.AddUnique, schema.DropUnique, schema.RenameIndex:
		return true
	}
	return false
}

// planRebuild returns the rebuild that carries out ops[i] together with the
// operations on the same table that follow it, or nil when ops[i] is done
// in place: when it cannot be part of a rebuild, or when neither it nor
// the operations that would join it need one. The run ends before the
// first operation that is about another table, does not fit, SQLite
// refuses, or cannot share the copy (see copyPlan.accepts); an error is
// about ops[i] itself.
func (r *renderer) planRebuild(i int) (*rebuildPlan, error) {
	table, ok := rebuildable(r.ops[i])
	if !ok || r.alone(i, table) {
		return nil, nil
	}
	plan := &rebuildPlan{table: table}
	var pending []schema.ForeignKey // foreign keys dropped in the run that the database still has
	var first *schema.Schema        // the schema after ops[i]
	needed := false
	for j, sim := i, r.state; j < len(r.ops); j++ {
		op := r.ops[j]
		if enumOperation(op) {
			next := sim.Fork()
			if op.Apply(next) != nil {
				break
			}
			sim = next
			continue
		}
		if t, ok := rebuildable(op); !ok || t != table {
			break
		}
		next, err := r.member(op, sim, plan)
		if err != nil {
			if j == i {
				return nil, err
			}
			break
		}
		needed = needed || r.needsRebuild(j, op, sim, pending)
		if drop, ok := op.(schema.DropForeignKey); ok && r.deferred[j] {
			pending = append(pending, *sim.Table(table).ForeignKey(drop.Name))
		}
		if j == i {
			first = next
		}
		sim, plan.after, plan.n = next, next, j-i+1
	}
	if !needed {
		// ops[i] is rendered in place, against the schema tried here.
		r.tried, r.triedAt = first, i
		return nil, nil
	}
	return plan, nil
}

// alone reports whether ops[i], an operation on table, is an index
// operation that no later operation on the table joins in a run: index
// operations never need a rebuild themselves, so it is done in place,
// without simulating a run on a copy of the schema.
func (r *renderer) alone(i int, table string) bool {
	if !indexOperation(r.ops[i]) {
		return false
	}
	for _, op := range r.ops[i+1:] {
		if enumOperation(op) {
			continue
		}
		t, ok := rebuildable(op)
		return !ok || t != table
	}
	return true
}

// enumOperation reports whether op is a CreateEnum or DropEnum, which
// render nothing on SQLite and so do not end a run.
func enumOperation(op schema.Operation) bool {
	switch op.(type) {
	case schema.CreateEnum, schema.DropEnum:
		return true
	}
	return false
}

// member applies op, one more operation of the run plan, to a copy of
// sim, the schema before it, and returns that copy. It fails when op does
// not fit, SQLite refuses it, the table it leaves cannot be declared, or
// the copy cannot take it.
func (r *renderer) member(op schema.Operation, sim *schema.Schema, plan *rebuildPlan) (*schema.Schema, error) {
	next := sim.Fork()
	if err := op.Apply(next); err != nil {
		return nil, err
	}
	if err := r.check(op, sim); err != nil {
		return nil, err
	}
	before, after := sim.Table(plan.table), next.Table(plan.table)
	if _, err := tableDefinition(next, after, after.Name, nil); err != nil {
		return nil, err
	}
	if plan.copy == nil {
		plan.copy = newCopyPlan(before)
	}
	if !plan.copy.accepts(op, before) {
		return nil, errCopyCut
	}
	plan.copy.apply(op, before, after)
	if alter, ok := op.(schema.AlterColumn); ok && !plan.copy.plain(alter.Column.Name) {
		plan.converted = append(plan.converted, alter.Column.Name)
	}
	return next, nil
}

// errCopyCut ends a run whose copy cannot take the next operation. It is
// never returned for the run's first operation, which any copy takes.
var errCopyCut = errors.New("the copy of a rebuild cannot take this operation")

// needsRebuild reports whether ops[j] needs its table rebuilt; s is the
// schema before it, and pending are foreign keys dropped earlier in the
// run that the database still has.
func (r *renderer) needsRebuild(j int, op schema.Operation, s *schema.Schema, pending []schema.ForeignKey) bool {
	switch op := op.(type) {
	case schema.AlterColumn, schema.AddCheck, schema.DropCheck, schema.AlterPrimaryKey:
		return true
	case schema.AddForeignKey:
		return !r.folded[j]
	case schema.DropForeignKey:
		return !r.deferred[j]
	case schema.RenameConstraint:
		return s.Table(op.Table).Unique(op.From) == nil
	case schema.AddColumn:
		return !addsInPlace(op.Column)
	case schema.DropColumn:
		return r.lingeringUser(op.Table, op.Column, pending) != ""
	}
	return false
}

// rebuild renders the run plan, from ops[i], and moves r.state past it.
func (r *renderer) rebuild(i int, plan *rebuildPlan) ([]dialect.Step, error) {
	old, t := r.state.Table(plan.table), plan.after.Table(plan.table)
	steps, rebuilt, err := r.rebuildSteps(i, plan, old, t)
	if err != nil {
		return nil, err
	}
	delete(r.lingering, plan.table)
	if rebuilt {
		r.checked[plan.table] = true
		r.checkReferrers(plan, old)
	}
	r.state = plan.after
	return steps, nil
}

// rebuildSteps returns the steps of the rebuild plan of old into t and
// true, or only the index changes and false when the table SQLite holds
// stays the same.
func (r *renderer) rebuildSteps(i int, plan *rebuildPlan, old, t *schema.Table) ([]dialect.Step, bool, error) {
	create, err := tableDefinition(plan.after, t, t.Name, nil)
	if err != nil {
		return nil, false, err
	}
	if current, err := tableDefinition(r.state, old, old.Name, nil); err == nil && current == create &&
		plan.copy.unchanged(t) && len(r.lingering[plan.table]) == 0 {
		return sqlSteps(i, indexChanges(old, t)), false, nil
	}
	temp := tempName(plan.table, r.state, plan.after)
	if create, err = tableDefinition(plan.after, t, temp, nil); err != nil {
		return nil, false, err
	}
	insert, err := plan.copy.insert(temp, old, t)
	if err != nil {
		return nil, false, err
	}
	saved := new([]string)
	steps := []dialect.Step{{Go: prepareRebuild(plan.table, saved), Op: i}}
	steps = append(steps, sqlSteps(i, append([]string{
		rebuildComment(i, plan) + create,
		insert,
		"DROP TABLE " + quoteIdent(plan.table),
		// So that views naming the table do not stop the rename while
		// the table is missing.
		"PRAGMA legacy_alter_table = ON",
		"ALTER TABLE " + quoteIdent(temp) + " RENAME TO " + quoteIdent(plan.table),
		"PRAGMA legacy_alter_table = OFF",
	}, tableIndexes(t)...))...)
	return append(steps, dialect.Step{Go: restoreTriggers(plan.table, saved), Op: i}), true, nil
}

// rebuildComment is the comment line the CREATE TABLE of a rebuild starts
// with, which says what the statements after it do in the script that
// prints a migration. SQLite leaves it out of the statement it stores.
func rebuildComment(i int, plan *rebuildPlan) string {
	ops := "operation " + strconv.Itoa(i+1)
	if plan.n > 1 {
		ops = "operations " + strconv.Itoa(i+1) + " to " + strconv.Itoa(i+plan.n)
	}
	return "-- rebuild " + quoteIdent(plan.table) + " for " + ops + ", which SQLite cannot carry out in place\n"
}

// checkReferrers marks for the foreign-key check the tables whose foreign
// keys reference a column whose values the rebuild plan of old converted.
func (r *renderer) checkReferrers(plan *rebuildPlan, old *schema.Table) {
	for _, t := range plan.after.Tables {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == old.Name && slices.ContainsFunc(fk.RefColumns, func(c string) bool {
				return slices.Contains(plan.converted, c)
			}) {
				r.checked[t.Name] = true
			}
		}
	}
}

// indexChanges returns the statements that take the unique constraints and
// indexes of old to those of t, the same table.
func indexChanges(old, t *schema.Table) []string {
	was, is := tableIndexes(old), tableIndexes(t)
	var stmts []string
	for _, u := range old.Uniques {
		if !slices.Contains(is, createUnique(old.Name, u)) {
			stmts = append(stmts, "DROP INDEX "+quoteIdent(u.Name))
		}
	}
	for _, ix := range old.Indexes {
		if !slices.Contains(is, createIndex(old.Name, ix)) {
			stmts = append(stmts, "DROP INDEX "+quoteIdent(ix.Name))
		}
	}
	for _, s := range is {
		if !slices.Contains(was, s) {
			stmts = append(stmts, s)
		}
	}
	return stmts
}

// tempName returns the name the rebuild of table gives the new table until
// it takes table's name: one that no table, index or unique constraint of
// the schemas before and after the rebuild has, ignoring case (tables and
// indexes share SQLite's namespace).
func tempName(table string, schemas ...*schema.Schema) string {
	taken := map[string]bool{}
	for _, s := range schemas {
		for _, t := range s.Tables {
			taken[strings.ToLower(t.Name)] = true
			for _, ix := range t.Indexes {
				taken[strings.ToLower(ix.Name)] = true
			}
			for _, u := range t.Uniques {
				taken[strings.ToLower(u.Name)] = true
			}
		}
	}
	base := "strata_rebuild_" + table
	name := base
	for n := 2; taken[strings.ToLower(name)]; n++ {
		name = base + "_" + strconv.Itoa(n)
	}
	return name
}

// sqlSteps makes a step of ops[i] of each statement.
func sqlSteps(i int, stmts []string) []dialect.Step {
	steps := make([]dialect.Step, len(stmts))
	for k, s := range stmts {
		steps[k] = dialect.Step{SQL: s, Op: i}
	}
	return steps
}
