package postgres

import (
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// The online forms of the changes to a table that exists before the
// migration. Each holds a lock that blocks the table's writers (ACCESS
// EXCLUSIVE, or SHARE for a plain CREATE INDEX) for a moment only, never
// while it reads the whole table:
//
//   - an index is built with CREATE INDEX CONCURRENTLY and dropped with
//     DROP INDEX CONCURRENTLY, outside any transaction. IF NOT EXISTS and
//     IF EXISTS let the runtime run them again after an interruption; it
//     drops the invalid index a failed build leaves before it does (see
//     [Dialect.Settle]), so IF NOT EXISTS never mistakes one for the index;
//   - a unique constraint is added over a unique index built that way
//     (ADD CONSTRAINT ... UNIQUE USING INDEX, which reads no row);
//   - a foreign key or a check is added NOT VALID, which checks new rows
//     only, then validated by VALIDATE CONSTRAINT in a transaction of its
//     own, which reads the table under a lock (SHARE UPDATE EXCLUSIVE)
//     that blocks no reader or writer.

// createdHere tracks the tables that the operations rendered so far create,
// by their names at this point of the migration: nobody uses such a table
// yet, so it gets the plain form.
type createdHere map[string]bool

// note records what op does to the set of tables created here.
func (c createdHere) note(op schema.Operation) {
	switch op := op.(type) {
	case schema.CreateTable:
		c[op.Table.Name] = true
	case schema.DropTable:
		delete(c, op.Name)
	case schema.RenameTable:
		if c[op.From] {
			delete(c, op.From)
			c[op.To] = true
		}
	}
}

// renderOnline renders op in its online form, applying it to s, when op
// has one and changes a table not created here, whose changes plain does
// not ask to be plain; it reports false, having changed nothing,
// otherwise.
func renderOnline(s *schema.Schema, op schema.Operation, created createdHere, plain func(table string) bool) ([]dialect.Step, bool, error) {
	var table string
	switch op := op.(type) {
	case schema.CreateIndex:
		table = op.Table
	case schema.DropIndex:
		table = op.Table
	case schema.AddUnique:
		table = op.Table
	case schema.AddForeignKey:
		table = op.Table
	case schema.AddCheck:
		table = op.Table
	default:
		return nil, false, nil
	}
	if created[table] || plain(table) || s.Table(table) == nil {
		return nil, false, nil
	}
	if err := op.Apply(s); err != nil {
		return nil, true, err
	}
	t := s.Table(table)
	var (
		steps []dialect.Step
		err   error
	)
	switch op := op.(type) {
	case schema.CreateIndex:
		if err = checkIndex(s, t, op.Index); err == nil {
			steps = []dialect.Step{buildConcurrently(table, op.Index)}
		}
	case schema.DropIndex:
		if err = checkReferences(s, table); err == nil {
			steps = []dialect.Step{concurrently("DROP INDEX CONCURRENTLY IF EXISTS "+quote(op.Name), table)}
		}
	case schema.AddUnique:
		if err = checkUnique(s, t, op.Unique); err == nil {
			ix := schema.Index{Name: op.Unique.Name, Columns: op.Unique.Columns, Unique: true}
			steps = []dialect.Step{
				buildConcurrently(table, ix),
				{
					SQL:   alterTable(table, "ADD CONSTRAINT "+quote(op.Unique.Name)+" UNIQUE USING INDEX "+quote(op.Unique.Name)),
					Locks: accessExclusive(table) + ", a moment",
				},
			}
		}
	case schema.AddForeignKey:
		if err = checkForeignKey(s, t, op.ForeignKey); err == nil {
			steps = notValid(table, op.ForeignKey.Name, foreignKeyConstraint(op.ForeignKey),
				shareRowExclusive(table, op.ForeignKey.RefTable))
		}
	case schema.AddCheck:
		if err = checkConstraintName(s, t, op.Check.Name); err == nil {
			steps = notValid(table, op.Check.Name, checkConstraint(op.Check), accessExclusive(table)+", a moment")
		}
	}
	return steps, true, err
}

// buildConcurrently returns the step that builds index ix of table
// CONCURRENTLY.
func buildConcurrently(table string, ix schema.Index) dialect.Step {
	return concurrently(createIndexHow(table, ix, "CONCURRENTLY IF NOT EXISTS "), table)
}

// concurrently returns the step of a CREATE or DROP INDEX CONCURRENTLY
// of an index of table. Such a statement blocks no reader or writer,
// however long it waits for the transactions older than it to end, so
// neither a lock timeout, which would only make it fail, nor a statement
// timeout bounds it (squawk, which asks for both before every statement
// that takes a lock, is told so).
func concurrently(sql, table string) dialect.Step {
	return dialect.Step{
		SQL:     sql,
		Outside: true,
		Locks:   shareUpdateExclusive(table) + "; it waits for older transactions, so no timeout bounds it",
		Lint:    "squawk-ignore require-lock-timeout, require-statement-timeout",
	}
}

// notValid returns the steps that add constraint name, declared by
// constraint, to table NOT VALID, holding locks, then validate it apart.
func notValid(table, name, constraint, locks string) []dialect.Step {
	return []dialect.Step{
		{SQL: alterTable(table, "ADD "+constraint+" NOT VALID"), Locks: locks},
		{SQL: alterTable(table, "VALIDATE CONSTRAINT "+quote(name)), Apart: true, Locks: shareUpdateExclusive(table)},
	}
}

// The locks statements take, as [dialect.Step.Locks] says them.

func accessExclusive(table string) string { return "ACCESS EXCLUSIVE on " + quote(table) }

func shareUpdateExclusive(table string) string {
	return "SHARE UPDATE EXCLUSIVE on " + quote(table) + " (blocks no reads or writes)"
}

func shareRowExclusive(tables ...string) string {
	s := "SHARE ROW EXCLUSIVE on "
	for i, t := range tables {
		if i > 0 {
			if t == tables[0] {
				continue
			}
			s += " and "
		}
		s += quote(t)
	}
	return s + ", a moment"
}

// plainLocks says what a statement in its plain form, which op renders to,
// locks, from the shape strata gives it; "" for one it does not know, such
// as hand-written SQL. A table that the migration creates is marked new:
// nobody waits for it.
func plainLocks(sql string, op schema.Operation, created createdHere) string {
	switch op.(type) {
	case schema.RunSQL, schema.RunGo:
		return ""
	}
	var mode, table, why string
	switch names := quotedNames(sql); {
	case len(names) == 0:
		return ""
	case strings.HasPrefix(sql, "CREATE TABLE "), strings.HasPrefix(sql, "ALTER TABLE "), strings.HasPrefix(sql, "DROP TABLE "):
		mode, table = "ACCESS EXCLUSIVE", names[0]
	case strings.HasPrefix(sql, "DROP INDEX "):
		if drop, ok := op.(schema.DropIndex); ok {
			mode, table = "ACCESS EXCLUSIVE", drop.Table
		}
	case strings.HasPrefix(sql, "CREATE INDEX "), strings.HasPrefix(sql, "CREATE UNIQUE INDEX "):
		mode, table, why = "SHARE", tableAfterOn(sql), " (blocks writes while it builds)"
	case strings.HasPrefix(sql, "CREATE TRIGGER "), strings.HasPrefix(sql, "DROP TRIGGER "):
		mode, table = "SHARE ROW EXCLUSIVE", tableAfterOn(sql)
	case strings.HasPrefix(sql, "UPDATE "):
		mode, table, why = "ROW EXCLUSIVE", names[0], " and the rows it changes"
	}
	if table == "" {
		return ""
	}
	if created[table] {
		why = " (new)"
	}
	locks := mode + " on " + quote(table) + why
	if refs := referenced(sql, table); len(refs) > 0 {
		locks += ", " + shareRowExclusive(refs...)
	}
	return locks
}

// tableAfterOn returns the name sql gives after ON, as CREATE INDEX and
// CREATE TRIGGER name their table, or "".
func tableAfterOn(sql string) string {
	if on := strings.Index(sql, ` ON "`); on >= 0 {
		if names := quotedNames(sql[on:]); len(names) > 0 {
			return names[0]
		}
	}
	return ""
}

// referenced returns the tables, other than table, that the REFERENCES
// clauses of sql name.
func referenced(sql, table string) []string {
	var refs []string
	for rest := sql; ; {
		at := strings.Index(rest, `REFERENCES "`)
		if at < 0 {
			return refs
		}
		rest = rest[at+len("REFERENCES "):]
		if names := quotedNames(rest); len(names) > 0 && names[0] != table && !slices.Contains(refs, names[0]) {
			refs = append(refs, names[0])
		}
	}
}
