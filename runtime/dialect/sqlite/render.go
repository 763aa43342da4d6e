package sqlite

import (
	"errors"
	"fmt"
	"slices"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// ErrNeedsRebuild is wrapped by the errors of [Dialect.Render] for an
// operation that SQLite cannot carry out in place: adding or dropping a
// foreign key on an existing table, adding a column whose default is not a
// constant, dropping a column a CHECK constraint uses. Such changes need the
// table rebuilt (created anew, copied, swapped), which strata does not do
// yet.
var ErrNeedsRebuild = errors.New("it needs a table rebuild, which strata does not do on SQLite yet")

// Render turns the operations of one migration into SQLite statements, one
// per [dialect.Step], in order. before is the schema before the first
// operation; Render leaves it as it is and renders each operation against
// its own copy, replayed up to that operation. A nil before is the empty
// schema.
//
// Besides what [dialect.Dialect.Render] asks of every dialect, on SQLite:
//
//   - An Identity column is the rowid alias, declared INTEGER PRIMARY KEY
//     on the column itself; the table then has no separate PRIMARY KEY
//     clause.
//   - CreateEnum and DropEnum render nothing: an enum column is TEXT with
//     CHECK ("col" IN (...)) listing the enum's values at that point.
//   - A unique constraint is a unique index, created after the table (or by
//     AddUnique) as CREATE UNIQUE INDEX "name" /* unique constraint */ ON
//     ...; the comment is how [Inspect] tells it from a unique index, and
//     SQLite keeps it in the stored statement.
//   - Foreign keys are declared in CREATE TABLE. An AddForeignKey on a
//     table created earlier in the same list is declared in that CREATE
//     TABLE (which is how a cycle of foreign keys is created: SQLite
//     accepts a reference to a table that does not exist yet). A
//     DropForeignKey on a table that a later operation drops renders
//     nothing. Any other AddForeignKey or DropForeignKey is an error
//     wrapping [ErrNeedsRebuild].
//   - AddColumn refuses what SQLite's ADD COLUMN cannot do to a table that
//     has rows: an identity column, a NOT NULL column without a non-NULL
//     default, a default that is not a constant (CURRENT_TIMESTAMP, an
//     expression). DropColumn refuses a column a CHECK, a partial index's
//     WHERE or a foreign key (of this table or another) still uses, and the
//     last column of a table.
//   - AutoNow is not rendered yet: it needs triggers.
//
// An error names the operation, counting from 1, and wraps
// [schema.ErrNotFit] when the operation does not fit the schema.
func (Dialect) Render(before *schema.Schema, ops []schema.Operation) ([]dialect.Step, error) {
	r := newRenderer(before, ops)
	var steps []dialect.Step
	for i, op := range ops {
		if op == nil {
			return nil, fmt.Errorf("sqlite: operation %d (nil): no operation", i+1)
		}
		opSteps, err := r.render(i, op)
		if err != nil {
			return nil, fmt.Errorf("sqlite: operation %d (%s): %w", i+1, op, err)
		}
		steps = append(steps, opSteps...)
	}
	return steps, nil
}

// renderer holds what rendering one list of operations keeps track of.
type renderer struct {
	ops []schema.Operation
	// state is the schema just before the operation being rendered.
	state *schema.Schema
	// folds maps the index of a CreateTable to the foreign keys of later
	// AddForeignKey operations declared in its CREATE TABLE; folded holds
	// the indexes of those AddForeignKey operations.
	folds  map[int][]schema.ForeignKey
	folded map[int]bool
	// deferred holds the indexes of DropForeignKey operations that render
	// nothing because a later operation drops their table.
	deferred map[int]bool
	// lingering maps a table to the foreign keys that state no longer has
	// but the database still does, their drop deferred to DropTable.
	lingering map[string][]schema.ForeignKey
	// deferring is set once the migration has deferred its foreign-key
	// checks to commit; see the DropTable case of statements.
	deferring bool
}

func newRenderer(before *schema.Schema, ops []schema.Operation) *renderer {
	if before == nil {
		before = &schema.Schema{}
	}
	r := &renderer{
		ops:       ops,
		state:     before.Clone(),
		folds:     map[int][]schema.ForeignKey{},
		folded:    map[int]bool{},
		deferred:  map[int]bool{},
		lingering: map[string][]schema.ForeignKey{},
	}
	for j, op := range ops {
		switch op := op.(type) {
		case schema.AddForeignKey:
			if i := r.creatorOf(j, op); i >= 0 {
				r.folds[i] = append(r.folds[i], op.ForeignKey)
				r.folded[j] = true
			}
		case schema.DropForeignKey:
			r.deferred[j] = r.droppedAfter(j, op.Table)
		}
	}
	return r
}

// creatorOf returns the index of the CreateTable, before ops[j], whose
// CREATE TABLE can declare the foreign key of ops[j], or -1: the table must
// be created in this list, not dropped since, and created with the foreign
// key's columns.
func (r *renderer) creatorOf(j int, add schema.AddForeignKey) int {
	for i := j - 1; i >= 0; i-- {
		switch op := r.ops[i].(type) {
		case schema.DropTable:
			if op.Name == add.Table {
				return -1
			}
		case schema.CreateTable:
			if op.Table.Name != add.Table {
				continue
			}
			for _, c := range add.ForeignKey.Columns {
				if op.Table.Column(c) == nil {
					return -1
				}
			}
			return i
		}
	}
	return -1
}

// droppedAfter reports whether an operation after ops[j] drops table.
func (r *renderer) droppedAfter(j int, table string) bool {
	for _, op := range r.ops[j+1:] {
		if drop, ok := op.(schema.DropTable); ok && drop.Name == table {
			return true
		}
	}
	return false
}

// render renders ops[i] against r.state and then moves r.state past it.
func (r *renderer) render(i int, op schema.Operation) ([]dialect.Step, error) {
	next := r.state.Clone()
	if err := op.Apply(next); err != nil {
		return nil, err
	}
	if run, ok := op.(schema.RunGo); ok {
		if run.Func == nil {
			return nil, errors.New("the Go step has no function")
		}
		r.state = next
		return []dialect.Step{{Go: run.Func, Op: i}}, nil
	}
	stmts, err := r.statements(i, op, next)
	if err != nil {
		return nil, err
	}
	r.state = next
	steps := make([]dialect.Step, len(stmts))
	for k, s := range stmts {
		steps[k] = dialect.Step{SQL: s, Op: i}
	}
	return steps, nil
}

// statements returns the SQL of ops[i]; next is the schema after it.
func (r *renderer) statements(i int, op schema.Operation, next *schema.Schema) ([]string, error) {
	switch op := op.(type) {
	case schema.CreateTable:
		return r.createTable(next.Table(op.Table.Name), r.folds[i])
	case schema.DropTable:
		delete(r.lingering, op.Name)
		drop := "DROP TABLE " + quoteIdent(op.Name)
		if r.deferring {
			return []string{drop}, nil
		}
		// DROP TABLE deletes the table's rows first, and with foreign keys
		// enforced that fails while rows of a table dropped later in the
		// migration still reference them (a cycle has no order that
		// works). Deferred to commit, the checks see the tables gone. The
		// pragma lasts until the end of the migration's transaction.
		r.deferring = true
		return []string{"PRAGMA defer_foreign_keys = ON", drop}, nil
	case schema.AddColumn:
		return r.addColumn(op)
	case schema.DropColumn:
		return r.dropColumn(op)
	case schema.CreateIndex:
		return []string{createIndex(op.Table, op.Index)}, nil
	case schema.AddUnique:
		return []string{createUnique(op.Table, op.Unique)}, nil
	case schema.DropIndex:
		return []string{"DROP INDEX " + quoteIdent(op.Name)}, nil
	case schema.DropUnique:
		return []string{"DROP INDEX " + quoteIdent(op.Name)}, nil
	case schema.AddForeignKey:
		if r.folded[i] {
			return nil, checkForeignKey(op.ForeignKey)
		}
		return nil, fmt.Errorf("cannot add a foreign key to existing table %s: %w", op.Table, ErrNeedsRebuild)
	case schema.DropForeignKey:
		if !r.deferred[i] {
			return nil, fmt.Errorf("cannot drop a foreign key of table %s, which stays: %w", op.Table, ErrNeedsRebuild)
		}
		fk := r.state.Table(op.Table).ForeignKey(op.Name)
		r.lingering[op.Table] = append(r.lingering[op.Table], *fk)
		return nil, nil
	case schema.CreateEnum, schema.DropEnum:
		return nil, nil
	case schema.RunSQL:
		if text := op.For(dialectName); text != "" {
			return []string{text}, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown operation type %T", op)
}

// dropColumn renders a DropColumn, refusing what SQLite's DROP COLUMN
// refuses beyond what [schema.DropColumn.Apply] already does.
func (r *renderer) dropColumn(op schema.DropColumn) ([]string, error) {
	t := r.state.Table(op.Table)
	if len(t.Columns) == 1 {
		return nil, fmt.Errorf("cannot drop %s, the only column of table %s", op.Column, op.Table)
	}
	for _, ck := range t.Checks {
		if mentions(ck.Expr, op.Column) {
			return nil, fmt.Errorf("column %s is used by check %s: %w", op.Column, ck.Name, ErrNeedsRebuild)
		}
	}
	for _, ix := range t.Indexes {
		if ix.Where != "" && mentions(ix.Where, op.Column) {
			return nil, fmt.Errorf("column %s is used by the WHERE of index %s: drop the index first", op.Column, ix.Name)
		}
	}
	for _, fk := range r.lingering[op.Table] {
		if slices.Contains(fk.Columns, op.Column) {
			return nil, fmt.Errorf("column %s is still used by foreign key %s, which SQLite keeps until table %s is dropped", op.Column, fk.Name, op.Table)
		}
	}
	if by := r.referrer(op.Table, op.Column); by != "" {
		return nil, fmt.Errorf("column %s is referenced by %s: drop that first", op.Column, by)
	}
	return []string{"ALTER TABLE " + quoteIdent(op.Table) + " DROP COLUMN " + quoteIdent(op.Column)}, nil
}

// referrer names a foreign key, of any table, that references column of
// table in the database, or returns "".
func (r *renderer) referrer(table, column string) string {
	refers := func(fk schema.ForeignKey) bool {
		return fk.RefTable == table && slices.Contains(fk.RefColumns, column)
	}
	for _, t := range r.state.Tables {
		fks := append(slices.Clone(t.ForeignKeys), r.lingering[t.Name]...)
		for _, fk := range fks {
			if refers(fk) {
				return "foreign key " + fk.Name + " of table " + t.Name
			}
		}
	}
	return ""
}
