package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// Render turns the operations of one migration into PostgreSQL statements,
// one statement per [dialect.Step], in order; a [schema.RunGo] becomes a step
// that runs its function. Every statement runs inside the migration's
// transaction, but for the online forms of changes to tables that exist
// before the migration (see [Dialect]), which mark the steps that must run
// outside it or apart from the others.
//
// Render does not change before. It replays the operations on a copy of it,
// so each one is checked against the schema it meets: an operation that does
// not fit (see [schema.ErrNotFit]) or that PostgreSQL would refuse, such as a
// foreign key to a table that does not exist yet or a drop that would leave
// a foreign key without its target, fails with an error naming the
// operation. A nil before is the empty schema.
//
// Changes to what exists keep its rows: a rename is a RENAME (a table's
// primary key, named {table}_pkey, is renamed with it), and a
// [schema.AlterColumn] compares the column as the operations before it
// left it with its new definition and alters only what differs.
//
// The output is deterministic: a table's constraints and indexes come in the
// order of their names, whatever the order of the operation's fields.
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
func (d Dialect) RenderInPlace(state *schema.Schema, ops []schema.Operation) ([]dialect.Step, error) {
	var steps []dialect.Step
	swaps := enumSwaps(state, ops)
	created := createdHere{}
	for i, op := range ops {
		var (
			rendered []dialect.Step
			online   bool
			err      error
		)
		if !d.Plain {
			rendered, online, err = renderOnline(state, op, created, d.plain)
		}
		switch alter, ok := op.(schema.AlterEnum); {
		case online:
		case ok && swaps[i]:
			rendered, err = alterEnum(state, alter, true) // see enumSwaps
		default:
			alter, isAlter := op.(schema.AlterColumn)
			rendered, err = renderWithTriggers(state, op, isAlter && !d.plain(alter.Table) && !created[alter.Table])
		}
		created.note(op)
		if err != nil {
			return nil, fmt.Errorf("postgres: operation %d (%s): %w", i+1, describe(op), err)
		}
		for _, s := range rendered {
			s.Op = i
			if s.Locks == "" && s.SQL != "" {
				s.Locks = plainLocks(s.SQL, op, created)
			}
			steps = append(steps, s)
		}
	}
	return steps, nil
}

func describe(op schema.Operation) string {
	if op == nil {
		return "nil"
	}
	return op.String()
}

// renderOp applies op to s and renders it, a column made NOT NULL in its
// online form when online is true (see alterColumn). The checks run against the
// schema the operation leaves, which holds everything its SQL refers to (a
// table created with a foreign key to itself, for one) and lacks what it
// drops.
func renderOp(s *schema.Schema, op schema.Operation, online bool) ([]dialect.Step, error) {
	if op == nil {
		return nil, errors.New("no operation")
	}
	if alter, ok := op.(schema.AlterColumn); ok {
		// Rendering it needs the column as it was, which Apply replaces.
		return alterColumn(s, alter, online)
	}
	if alter, ok := op.(schema.AlterEnum); ok {
		return alterEnum(s, alter, false) // it needs the values as they were
	}
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	switch op := op.(type) {
	case schema.CreateTable:
		return createTable(s, s.Table(op.Table.Name))
	case schema.DropTable:
		return stepsUnless(checkReferences(s, op.Name), "DROP TABLE "+quote(op.Name))
	case schema.AddColumn:
		return addColumn(s, op)
	case schema.DropColumn:
		return stepsUnless(checkDropColumn(s, op), alterTable(op.Table, "DROP COLUMN "+quote(op.Column)))
	case schema.CreateIndex:
		return stepsUnless(checkIndex(s, s.Table(op.Table), op.Index), createIndex(op.Table, op.Index))
	case schema.DropIndex:
		return stepsUnless(checkReferences(s, op.Table), "DROP INDEX "+quote(op.Name))
	case schema.AddUnique:
		return stepsUnless(checkUnique(s, s.Table(op.Table), op.Unique), alterTable(op.Table, "ADD "+uniqueConstraint(op.Unique)))
	case schema.DropUnique:
		return stepsUnless(checkReferences(s, op.Table), alterTable(op.Table, "DROP CONSTRAINT "+quote(op.Name)))
	case schema.AddForeignKey:
		return stepsUnless(checkForeignKey(s, s.Table(op.Table), op.ForeignKey),
			alterTable(op.Table, "ADD "+foreignKeyConstraint(op.ForeignKey)))
	case schema.DropForeignKey:
		return stepsUnless(nil, alterTable(op.Table, "DROP CONSTRAINT "+quote(op.Name)))
	case schema.CreateEnum:
		return stepsUnless(checkEnum(op.Enum), createEnum(op.Enum))
	case schema.DropEnum:
		return stepsUnless(nil, "DROP TYPE "+quote(op.Name))
	case schema.RenameEnumValue:
		return renameEnumValue(s, op)
	case schema.RenameTable:
		return renameTable(s, op)
	case schema.RenameColumn:
		return renameColumn(s, op)
	case schema.RenameIndex:
		return stepsUnless(checkRenameIndex(s, op.To), "ALTER INDEX "+quote(op.From)+" RENAME TO "+quote(op.To))
	case schema.RenameConstraint:
		return stepsUnless(checkConstraintName(s, s.Table(op.Table), op.To),
			alterTable(op.Table, "RENAME CONSTRAINT "+quote(op.From)+" TO "+quote(op.To)))
	case schema.AddCheck:
		return stepsUnless(checkConstraintName(s, s.Table(op.Table), op.Check.Name), alterTable(op.Table, "ADD "+checkConstraint(op.Check)))
	case schema.DropCheck:
		return stepsUnless(nil, alterTable(op.Table, "DROP CONSTRAINT "+quote(op.Name)))
	case schema.AlterPrimaryKey:
		return alterPrimaryKey(s, op)
	case schema.RunSQL:
		if sql := op.For(name); strings.TrimSpace(sql) != "" {
			return stepsUnless(nil, sql)
		}
		return nil, nil
	case schema.RunGo:
		if op.Func == nil {
			return nil, errors.New("no function to run")
		}
		return []dialect.Step{{Go: op.Func}}, nil
	}
	return nil, fmt.Errorf("unsupported operation type %T", op)
}

// stepsUnless returns err when it is set, and otherwise one step per
// statement.
func stepsUnless(err error, sql ...string) ([]dialect.Step, error) {
	if err != nil {
		return nil, err
	}
	steps := make([]dialect.Step, len(sql))
	for i, s := range sql {
		steps[i].SQL = s
	}
	return steps, nil
}

// QuoteIdent quotes name as a PostgreSQL identifier: in double quotes, with
// any double quote inside it doubled. Names are always quoted, so they keep
// their case and may be reserved words.
func (Dialect) QuoteIdent(name string) string { return quote(name) }

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteList quotes names and joins them, in parentheses.
func quoteList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quote(n)
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}

func alterTable(table, change string) string {
	return "ALTER TABLE " + quote(table) + " " + change
}

// createTable declares t with its columns, primary key, unique constraints,
// checks and foreign keys, followed by one CREATE INDEX per index.
func createTable(s *schema.Schema, t *schema.Table) ([]dialect.Step, error) {
	if err := checkTable(s, t); err != nil {
		return nil, err
	}
	var lines []string
	for _, c := range t.Columns {
		def, err := columnDefinition(c)
		if err != nil {
			return nil, err
		}
		lines = append(lines, def)
	}
	if len(t.PrimaryKey) > 0 {
		lines = append(lines, "CONSTRAINT "+quote(primaryKeyName(t.Name))+" PRIMARY KEY "+quoteList(t.PrimaryKey))
	}
	for _, u := range t.Uniques {
		lines = append(lines, uniqueConstraint(u))
	}
	for _, c := range t.Checks {
		lines = append(lines, checkConstraint(c))
	}
	for _, fk := range t.ForeignKeys {
		lines = append(lines, foreignKeyConstraint(fk))
	}
	body := "()"
	if len(lines) > 0 {
		body = "(\n  " + strings.Join(lines, ",\n  ") + "\n)"
	}
	sql := []string{"CREATE TABLE " + quote(t.Name) + " " + body}
	for _, ix := range t.Indexes {
		sql = append(sql, createIndex(t.Name, ix))
	}
	return stepsUnless(nil, sql...)
}

// primaryKeyName is the name of a table's primary-key constraint: the one
// PostgreSQL would choose itself, {table}_pkey, shortened as strata
// shortens every name it derives ([schema.DerivedName]).
func primaryKeyName(table string) string { return schema.DerivedName(table, nil, "pkey") }

// primaryKeySuffix ends the name of every table's primary key.
const primaryKeySuffix = "_pkey"

// columnDefinition declares c as CREATE TABLE and ADD COLUMN spell it: name,
// type, NOT NULL unless it is nullable, default, identity.
func columnDefinition(c schema.Column) (string, error) {
	typ, err := columnType(c.Type)
	if err != nil {
		return "", fmt.Errorf("column %s: %w", c.Name, err)
	}
	def := quote(c.Name) + " " + typ
	if !c.Nullable {
		def += " NOT NULL"
	}
	if c.Default != "" {
		def += " DEFAULT " + c.Default
	}
	if c.Identity {
		def += " GENERATED BY DEFAULT AS IDENTITY"
	}
	return def, nil
}

func addColumn(s *schema.Schema, op schema.AddColumn) ([]dialect.Step, error) {
	if err := checkColumn(s, op.Table, op.Column); err != nil {
		return nil, err
	}
	def, err := columnDefinition(op.Column)
	if err != nil {
		return nil, err
	}
	return stepsUnless(nil, alterTable(op.Table, "ADD COLUMN "+def))
}

func createIndex(table string, ix schema.Index) string { return createIndexHow(table, ix, "") }

// createIndexHow declares index ix of table with how, such as
// "CONCURRENTLY IF NOT EXISTS ", after INDEX.
func createIndexHow(table string, ix schema.Index, how string) string {
	sql := "CREATE INDEX " + how
	if ix.Unique {
		sql = "CREATE UNIQUE INDEX " + how
	}
	sql += quote(ix.Name) + " ON " + quote(table) + " " + quoteList(ix.Columns)
	if ix.Where != "" {
		sql += " WHERE " + ix.Where
	}
	return sql
}

func uniqueConstraint(u schema.Unique) string {
	return "CONSTRAINT " + quote(u.Name) + " UNIQUE " + quoteList(u.Columns)
}

func checkConstraint(c schema.Check) string {
	return "CONSTRAINT " + quote(c.Name) + " CHECK (" + c.Expr + ")"
}

func foreignKeyConstraint(fk schema.ForeignKey) string {
	sql := "CONSTRAINT " + quote(fk.Name) + " FOREIGN KEY " + quoteList(fk.Columns) +
		" REFERENCES " + quote(fk.RefTable) + " " + quoteList(fk.RefColumns)
	if fk.OnDelete != schema.NoAction {
		sql += " ON DELETE " + fk.OnDelete.SQL()
	}
	if fk.OnUpdate != schema.NoAction {
		sql += " ON UPDATE " + fk.OnUpdate.SQL()
	}
	return sql
}

func createEnum(e schema.Enum) string {
	values := make([]string, len(e.Values))
	for i, v := range e.Values {
		values[i] = quoteLiteral(v)
	}
	return "CREATE TYPE " + quote(e.Name) + " AS ENUM (" + strings.Join(values, ", ") + ")"
}
