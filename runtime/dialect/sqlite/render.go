package sqlite

import (
	"errors"
	"fmt"
	"slices"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// Render turns the operations of one migration into SQLite statements and
// Go steps, in order. before is the schema before the first operation;
// Render leaves it as it is and renders each operation against its own
// copy, replayed up to that operation. A nil before is the empty schema.
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
//     table created earlier in the same list, and not changed since, is
//     declared in that CREATE TABLE (which is how a cycle of foreign keys
//     is created: SQLite accepts a reference to a table that does not
//     exist yet). A DropForeignKey on a table that a later operation drops
//     renders nothing.
//   - RenameTable and RenameColumn are ALTER TABLE ... RENAME; SQLite
//     points the foreign keys of other tables at the new names. RenameIndex,
//     and RenameConstraint of a unique constraint, drop the index and create
//     it again under its new name: SQLite cannot rename an index.
//   - What SQLite's ALTER TABLE cannot do is done by rebuilding the table
//     (see below): AlterColumn, AddCheck, DropCheck, AlterPrimaryKey,
//     AddForeignKey and DropForeignKey on an existing table,
//     RenameConstraint of a foreign key or check, an AddColumn that SQLite's ADD COLUMN refuses (a NOT NULL
//     column without a non-NULL default, a default that is not a constant
//     such as CURRENT_TIMESTAMP), and a DropColumn of a column that a
//     foreign key the database still holds uses.
//   - AddColumn refuses an identity column; DropColumn refuses a column a
//     CHECK, a partial index's WHERE or another table's foreign key still
//     uses (drop those first), and the last column of a table.
//   - The auto_now columns of a table are kept current by one trigger,
//     strata_auto_now_{table}, which Render creates, drops and moves with
//     the columns.
//
// A rebuild follows SQLite's procedure for the schema changes ALTER TABLE
// cannot make: a Go step checks that foreign keys are not enforced and
// keeps the table's triggers; CREATE TABLE declares the table as the
// operations leave it under a temporary name; INSERT ... SELECT copies the
// rows, with their row ids (see below); DROP TABLE drops the old table;
// ALTER TABLE ... RENAME gives the new one its name (under PRAGMA
// legacy_alter_table = ON, so that views naming the table do not stop it);
// the table's unique constraints and indexes are created again, and a last
// Go step creates its triggers again. Checks, enum checks and foreign keys
// are part of the CREATE TABLE. The copy fills an altered column with
// AlterColumn.Using when it is set, else with a CAST to the new type when
// the change moves the column to another storage class (INTEGER, REAL,
// TEXT or BLOB affinity), and puts Backfill in place of NULL in a column
// that becomes NOT NULL; an added column is left out, so its default fills
// it. Row ids survive: a table with an identity column copies it, any other
// copies rowid itself. A run of operations on one table, one after another
// (CreateEnum and DropEnum aside), shares one rebuild when one of them
// needs it, and the steps of that rebuild belong to the run's first
// operation; the run is cut where an AlterColumn's SQL names a column an
// earlier operation of the run changed. A run that changes nothing SQLite
// holds (such as a JSON column altered to TEXT) renders only the index
// changes it makes.
//
// Migrations run with foreign keys not enforced (see [Dialect.Lock]), so
// that a rebuild's DROP TABLE neither deletes the rows of other tables that
// reference the table (ON DELETE CASCADE) nor fails. In exchange, Render
// ends a migration that may have left rows breaking a foreign key with a Go
// step that runs PRAGMA foreign_key_check on each such table and fails,
// wrapping [ErrForeignKeyViolation] and listing the rows, so that the
// runtime rolls the migration back. Those tables are the ones with foreign
// keys that were rebuilt, that reference a table that was dropped or whose
// referenced column a rebuild converted, and, when the migration has a
// RunSQL or RunGo step, every table with foreign keys: hand-written steps
// run without enforcement too, so deleting a row no longer cascades.
//
// An error names the operation, counting from 1, and wraps
// [schema.ErrNotFit] when the operation does not fit the schema.
func (d Dialect) Render(before *schema.Schema, ops []schema.Operation) ([]dialect.Step, error) {
	if before == nil {
		before = &schema.Schema{}
	}
	return d.RenderInPlace(before.Fork(), ops)
}

// RenderInPlace renders ops as [Dialect.Render] does, against s itself,
// which it leaves as the operations leave it: the schema
// [schema.Schema.ApplyAll] makes of it. It saves the copy of s that Render
// makes, for a caller that replays migrations one after another and has no
// more use for the schema before them. On error s is in no defined state.
func (Dialect) RenderInPlace(s *schema.Schema, ops []schema.Operation) ([]dialect.Step, error) {
	r := newRenderer(s, ops)
	var steps []dialect.Step
	for i := 0; i < len(ops); {
		n, opSteps, err := r.renderNext(i)
		if err != nil {
			return nil, err
		}
		steps = append(steps, opSteps...)
		i += n
	}
	if tables := r.tablesToCheck(); len(tables) > 0 {
		steps = append(steps, dialect.Step{Go: foreignKeyCheck(tables), Op: len(ops) - 1})
	}
	// The operations that needed the schema before them were applied to
	// forks, which r.state is by now; s takes its lists.
	*s = *r.state
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
	// checked holds the tables whose foreign keys the migration checks
	// at its end (see Render), by their current names.
	checked map[string]bool
	// handWritten is set once the migration has a RunSQL or RunGo step.
	handWritten bool
	// tried is the schema after ops[triedAt], made by planRebuild on a
	// fork of state to try a rebuild that is not needed: render takes it
	// rather than fork state and apply the operation again, since a fork
	// copies the list of all tables.
	tried   *schema.Schema
	triedAt int
}

// newRenderer returns the renderer of ops against s, which it changes.
func newRenderer(s *schema.Schema, ops []schema.Operation) *renderer {
	r := &renderer{
		ops:       ops,
		state:     s,
		folds:     map[int][]schema.ForeignKey{},
		folded:    map[int]bool{},
		deferred:  map[int]bool{},
		lingering: map[string][]schema.ForeignKey{},
		checked:   map[string]bool{},
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
// be created in this list with the foreign key's columns, and not dropped,
// renamed or changed by an operation that may rebuild it since (which would
// build it without the foreign key).
func (r *renderer) creatorOf(j int, add schema.AddForeignKey) int {
	var enumChanges []schema.Operation // which rebuild the tables of their enum
	for i := j - 1; i >= 0; i-- {
		switch op := r.ops[i].(type) {
		case schema.AlterEnum, schema.RenameEnumValue:
			enumChanges = append(enumChanges, op)
		case schema.DropTable:
			if op.Name == add.Table {
				return -1
			}
		case schema.RenameTable:
			if op.From == add.Table || op.To == add.Table {
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
			if slices.ContainsFunc(enumChanges, func(e schema.Operation) bool { return changesEnumOf(e, &op.Table) }) {
				return -1
			}
			return i
		default:
			if table, ok := rebuildable(op); ok && table == add.Table && !r.folded[i] && !indexOperation(op) {
				return -1
			}
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

// renderNext renders ops[i], or the run of operations from ops[i] that one
// table rebuild carries out, and returns how many operations it rendered.
func (r *renderer) renderNext(i int) (int, []dialect.Step, error) {
	op := r.ops[i]
	if op == nil {
		return 0, nil, fmt.Errorf("sqlite: operation %d (nil): no operation", i+1)
	}
	n, steps, err := r.renderWithTriggers(i)
	if err != nil {
		return 0, nil, fmt.Errorf("sqlite: operation %d (%s): %w", i+1, op, err)
	}
	return n, steps, nil
}

// renderRun renders ops[i] in place, or with the operations after it by a
// rebuild of its table, and returns how many operations it rendered.
func (r *renderer) renderRun(i int) (int, []dialect.Step, error) {
	plan, err := r.planRebuild(i)
	switch {
	case err != nil:
		return 0, nil, err
	case plan != nil:
		steps, err := r.rebuild(i, plan)
		return plan.n, steps, err
	}
	steps, err := r.render(i, r.ops[i])
	return 1, steps, err
}

// render renders ops[i] in place against r.state and then moves r.state
// past it.
func (r *renderer) render(i int, op schema.Operation) ([]dialect.Step, error) {
	next, tried := r.state, r.tried
	r.tried = nil
	switch {
	case tried != nil && r.triedAt == i:
		next = tried // op applied to a fork of state already
	case needsBefore(op):
		next = r.state.Fork()
		fallthrough
	default:
		if err := op.Apply(next); err != nil {
			return nil, err
		}
	}
	if run, ok := op.(schema.RunGo); ok {
		if run.Func == nil {
			return nil, errors.New("the Go step has no function")
		}
		r.state, r.handWritten = next, true
		return []dialect.Step{{Go: run.Func, Op: i}}, nil
	}
	switch op.(type) {
	case schema.AlterEnum, schema.RenameEnumValue:
		return r.enumChange(i, op, next)
	}
	if err := r.check(op, r.state); err != nil {
		return nil, err
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

// needsBefore reports whether rendering op needs the schema before it
// once it is applied, for its checks or its SQL: the operations the
// renderer applies to a fork of its state. The others, the most common,
// change the state itself, since a fork copies the list of all tables.
func needsBefore(op schema.Operation) bool {
	switch op.(type) {
	case schema.CreateTable, schema.DropTable, schema.CreateIndex, schema.DropIndex,
		schema.AddUnique, schema.DropUnique, schema.CreateEnum, schema.DropEnum,
		schema.RunSQL, schema.RunGo, schema.RenameIndex:
		return false
	}
	return true
}

// check reports what keeps op from being carried out on SQLite, in place or
// by a rebuild, beyond what [schema.Operation.Apply] refuses; s is the
// schema before op.
func (r *renderer) check(op schema.Operation, s *schema.Schema) error {
	switch op := op.(type) {
	case schema.AddColumn:
		return checkAddColumn(s.Table(op.Table), op.Column)
	case schema.DropColumn:
		return r.checkDropColumn(s, op)
	case schema.AddForeignKey:
		return checkForeignKey(op.ForeignKey)
	case schema.RenameTable:
		return checkRenameTable(s, op)
	case schema.RenameColumn:
		return checkRenameColumn(s, op)
	case schema.AlterPrimaryKey:
		return checkPrimaryKeyReferrers(s, op)
	}
	return nil
}

// statements returns the SQL of ops[i] done in place; next is the schema
// after it.
func (r *renderer) statements(i int, op schema.Operation, next *schema.Schema) ([]string, error) {
	switch op := op.(type) {
	case schema.CreateTable:
		return r.createTable(next.Table(op.Table.Name), r.folds[i])
	case schema.DropTable:
		r.dropped(op.Name, next)
		return []string{"DROP TABLE " + quoteIdent(op.Name)}, nil
	case schema.AddColumn:
		return addColumn(r.state, op)
	case schema.DropColumn:
		return dropColumn(op), nil
	case schema.CreateIndex:
		return []string{createIndex(op.Table, op.Index)}, nil
	case schema.AddUnique:
		return []string{createUnique(op.Table, op.Unique)}, nil
	case schema.DropIndex:
		return []string{"DROP INDEX " + quoteIdent(op.Name)}, nil
	case schema.DropUnique:
		return []string{"DROP INDEX " + quoteIdent(op.Name)}, nil
	case schema.AddForeignKey:
		return nil, nil // folded into its CREATE TABLE (see planRebuild)
	case schema.DropForeignKey:
		// Its table is dropped later (see planRebuild).
		fk := r.state.Table(op.Table).ForeignKey(op.Name)
		r.lingering[op.Table] = append(r.lingering[op.Table], *fk)
		return nil, nil
	case schema.RenameTable:
		return r.renameTable(op), nil
	case schema.RenameColumn:
		return renameColumn(op), nil
	case schema.RenameIndex:
		return renameIndex(op, next), nil
	case schema.RenameConstraint:
		return renameUnique(op, next), nil // a foreign key or check is rebuilt
	case schema.CreateEnum, schema.DropEnum:
		return nil, nil
	case schema.RunSQL:
		if text := op.For(dialectName); text != "" {
			r.handWritten = true
			return []string{text}, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown operation type %T", op)
}

// dropped notes that table is dropped; next is the schema after. The
// tables whose foreign keys still reference it are checked.
func (r *renderer) dropped(table string, next *schema.Schema) {
	delete(r.lingering, table)
	delete(r.checked, table)
	for _, t := range next.Tables {
		if slices.ContainsFunc(t.ForeignKeys, func(fk schema.ForeignKey) bool { return fk.RefTable == table }) {
			r.checked[t.Name] = true
		}
	}
}

// tablesToCheck returns, sorted, the tables whose foreign keys the
// migration checks at its end (see Render).
func (r *renderer) tablesToCheck() []string {
	var tables []string
	for _, t := range r.state.Tables {
		if len(t.ForeignKeys) > 0 && (r.handWritten || r.checked[t.Name]) {
			tables = append(tables, t.Name)
		}
	}
	slices.Sort(tables)
	return tables
}
