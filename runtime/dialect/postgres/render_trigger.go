package postgres

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"regexp"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// This file keeps the auto_now columns ([schema.Column.AutoNow]) of each
// table current. No operation names the triggers: they follow from the
// schema. A table with auto_now columns has, by one convention:
//
//   - a trigger function named strata_auto_now_{table} (cut to 63 bytes
//     with a hash, as the loader cuts constraint names), which sets each
//     auto_now column to now() unless the UPDATE gave it a new value
//     itself, in the order of the table's columns;
//   - a trigger named strata_auto_now on the table, BEFORE UPDATE FOR EACH
//     ROW, that runs the function.
//
// Render compares the functions the schema calls for before and after each
// operation. A function that goes, or whose name changes with its table's,
// is dropped with its trigger before the operation's statements; one that
// comes is created with its trigger after them; one whose columns change is
// replaced after them. So CreateTable and AddColumn of an auto_now column
// create the trigger, AlterColumn turns it on or off, DropColumn and
// DropTable drop it (PostgreSQL drops a table's triggers with it, but not
// their functions), and RenameTable and RenameColumn move it. Drops say
// IF EXISTS, so that a database migrated before strata wrote triggers
// takes the later migrations too.

// autoNowTrigger is the name of the trigger on every table with auto_now
// columns.
const autoNowTrigger = "strata_auto_now"

// autoNowFunction returns the name of the trigger function of table.
func autoNowFunction(table string) string { return cutName("strata_auto_now_" + table) }

// cutName returns name when PostgreSQL keeps it whole, and otherwise its
// first bytes followed by "_" and the first 8 hex digits of the SHA-256 of
// the whole name, 63 bytes in all: the convention of the loader's names.
func cutName(name string) string {
	if len(name) <= maxIdentifier {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	hash := hex.EncodeToString(sum[:4])
	return name[:maxIdentifier-len(hash)-1] + "_" + hash
}

// autoNowFunc is the trigger function one table calls for.
type autoNowFunc struct {
	table, name, body string
}

// autoNowFuncs returns the trigger functions s calls for, in the order of
// its tables.
func autoNowFuncs(s *schema.Schema, only []string) []autoNowFunc {
	var funcs []autoNowFunc
	for _, t := range s.TablesNamed(only) {
		var columns []string
		for _, c := range t.Columns {
			if c.AutoNow {
				columns = append(columns, c.Name)
			}
		}
		if len(columns) > 0 {
			funcs = append(funcs, autoNowFunc{table: t.Name, name: autoNowFunction(t.Name), body: autoNowBody(columns)})
		}
	}
	return funcs
}

// autoNowBody is the PL/pgSQL body of the trigger function that keeps
// columns current. A column the UPDATE set to a new value keeps it. The
// UPDATE with which a migration backfills a column does not count as an
// update of the rows (see backfillingSetting), as on SQLite, where the same
// change copies the rows into a rebuilt table.
func autoNowBody(columns []string) string {
	var b strings.Builder
	b.WriteString("\nBEGIN\n")
	b.WriteString("  IF current_setting('" + backfillingSetting + "', true) = 'on' THEN\n")
	b.WriteString("    RETURN NEW;\n")
	b.WriteString("  END IF;\n")
	for _, c := range columns {
		b.WriteString("  IF NEW." + quote(c) + " IS NOT DISTINCT FROM OLD." + quote(c) + " THEN\n")
		b.WriteString("    NEW." + quote(c) + " = now();\n")
		b.WriteString("  END IF;\n")
	}
	b.WriteString("  RETURN NEW;\nEND\n")
	return b.String()
}

// backfillingSetting is the setting a migration turns on, for its own
// transaction only, while it backfills a column, so that auto_now triggers
// leave the rows' times alone.
const backfillingSetting = "strata.backfilling"

// createFunction returns the statement that creates, or with replace
// replaces, the trigger function f.
func createFunction(f autoNowFunc, replace bool) string {
	create := "CREATE FUNCTION "
	if replace {
		create = "CREATE OR REPLACE FUNCTION "
	}
	return create + quote(f.name) + "() RETURNS trigger LANGUAGE plpgsql AS $$" + f.body + "$$"
}

// renderWithTriggers renders op against s, as renderOp does, and brings
// the auto_now triggers in step with the schema it leaves.
func renderWithTriggers(s *schema.Schema, op schema.Operation, online bool) ([]dialect.Step, error) {
	tables := triggerTables(op)
	was := autoNowFuncs(s, tables)
	steps, err := renderOp(s, op, online)
	if err != nil {
		return nil, err
	}
	drops, creates := autoNowChanges(was, autoNowFuncs(s, tables))
	drop, _ := stepsUnless(nil, drops...)
	create, _ := stepsUnless(nil, creates...)
	return append(append(drop, steps...), create...), nil
}

// triggerTables names the tables whose auto_now trigger functions op may
// change: the table it creates, drops, renames or changes, or none for an
// operation on enum types or hand-written, which changes no table's
// columns; nil, meaning every table, for an operation it does not know.
// Only a table's name and the names of its auto_now columns shape its
// function, and only operations on the table change those.
func triggerTables(op schema.Operation) []string {
	switch op := op.(type) {
	case schema.CreateTable:
		return []string{op.Table.Name}
	case schema.DropTable:
		return []string{op.Name}
	case schema.RenameTable:
		return []string{op.From, op.To}
	case schema.AddColumn:
		return []string{op.Table}
	case schema.DropColumn:
		return []string{op.Table}
	case schema.AlterColumn:
		return []string{op.Table}
	case schema.RenameColumn:
		return []string{op.Table}
	case schema.CreateIndex, schema.DropIndex, schema.AddUnique, schema.DropUnique, schema.AddForeignKey,
		schema.DropForeignKey, schema.RenameIndex, schema.RenameConstraint, schema.AddCheck, schema.DropCheck,
		schema.AlterPrimaryKey, schema.CreateEnum, schema.DropEnum, schema.AlterEnum, schema.RenameEnumValue, schema.RunSQL, schema.RunGo:
		return []string{}
	}
	return nil
}

// autoNowChanges returns the statements that take the trigger functions
// was to those of is: the drops, to run before the operation, and the
// creations and replacements, to run after it.
func autoNowChanges(was, is []autoNowFunc) (drops, creates []string) {
	find := func(funcs []autoNowFunc, name string) *autoNowFunc {
		for i := range funcs {
			if funcs[i].name == name {
				return &funcs[i]
			}
		}
		return nil
	}
	for _, f := range was {
		if find(is, f.name) == nil {
			drops = append(drops, "DROP TRIGGER IF EXISTS "+quote(autoNowTrigger)+" ON "+quote(f.table), "DROP FUNCTION IF EXISTS "+quote(f.name)+"()")
		}
	}
	for _, f := range is {
		switch old := find(was, f.name); {
		case old == nil:
			creates = append(creates, createFunction(f, false),
				"CREATE TRIGGER "+quote(autoNowTrigger)+" BEFORE UPDATE ON "+quote(f.table)+
					" FOR EACH ROW EXECUTE FUNCTION "+quote(f.name)+"()")
		case old.body != f.body:
			creates = append(creates, createFunction(f, true))
		}
	}
	return drops, creates
}

// setColumn matches the assignment the body of a trigger function makes
// to one column.
var setColumn = regexp.MustCompile(`NEW\.("(?:[^"]|"")+") = now\(\);`)

// autoNowColumns returns the columns of t that body, the body of t's
// trigger function, keeps current, or nil when body is not one that
// Render writes for t.
func autoNowColumns(t *schema.Table, body string) []string {
	var columns []string
	for _, m := range setColumn.FindAllStringSubmatch(body, -1) {
		name := strings.ReplaceAll(m[1][1:len(m[1])-1], `""`, `"`)
		if t.Column(name) == nil {
			return nil
		}
		columns = append(columns, name)
	}
	if len(columns) == 0 || autoNowBody(columns) != body {
		return nil
	}
	return columns
}

// autoNowQuery reads the strata_auto_now triggers of the tables of the
// current schema that PostgreSQL fires BEFORE UPDATE FOR EACH ROW
// (tgtype 1|2|16) and that are enabled, with the name and body of the
// function each calls.
var autoNowQuery = `
SELECT c.relname, p.proname, p.prosrc
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
WHERE ` + relationFilter + ` AND NOT tg.tgisinternal AND tg.tgname = '` + autoNowTrigger + `'
  AND tg.tgtype = 19 AND tg.tgenabled <> 'D' AND p.pronamespace = n.oid
ORDER BY c.relname`

// autoNow marks the auto_now columns of a table whose trigger calls the
// function Render writes for it, under the name Render gives it. Other
// triggers and functions are ignored.
func (in *inspector) autoNow(rows *sql.Rows) error {
	var table, function, body string
	if err := rows.Scan(&table, &function, &body); err != nil {
		return err
	}
	t := in.tables[table]
	if t == nil || function != autoNowFunction(table) {
		return nil
	}
	for _, c := range autoNowColumns(t, body) {
		t.Column(c).AutoNow = true
	}
	return nil
}
