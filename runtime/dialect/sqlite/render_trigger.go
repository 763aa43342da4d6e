package sqlite

import (
	"context"
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
// schema. A table with auto_now columns has one trigger, named
// strata_auto_now_{table} (cut to 63 bytes with a hash, as the loader cuts
// constraint names, so that the name is the one PostgreSQL's trigger
// function gets), AFTER UPDATE FOR EACH ROW, which sets each auto_now
// column to the current time ([nowSQL]) unless the UPDATE gave it a new
// value itself.
// It finds the row by the table's primary key, or by rowid when the table
// has none, so that it serves WITHOUT ROWID tables and composite keys too.
//
// One trigger per table, not per column: the UPDATE a trigger runs fires
// the other triggers of its table (SQLite only keeps a trigger from firing
// itself), so a trigger of one column would overwrite the value an UPDATE
// gave another auto_now column explicitly.
//
// The trigger counts on PRAGMA recursive_triggers being off, SQLite's
// default, under which its own UPDATE does not fire it again. With it on,
// it still stops, since it leaves alone a column that already holds the
// current time, but it may then overwrite an explicit value of a second
// auto_now column of the table.
//
// Render compares the triggers the schema calls for before and after each
// operation, or run of operations one rebuild carries out. A trigger that
// goes or changes is dropped before the operation's statements, so that no
// rebuild keeps it and no DROP COLUMN meets it; one that comes or changed is
// created after them. So CreateTable and AddColumn of an auto_now column
// create it, AlterColumn turns it on or off, DropColumn and DropTable drop
// it, and RenameTable and RenameColumn move it to the new names; a rebuild
// that leaves it as it is keeps it, as it keeps every trigger of the table.
// Drops say IF EXISTS, so that a database migrated before strata wrote
// triggers takes the later migrations too.

// autoNowPrefix starts the name of every auto_now trigger.
const autoNowPrefix = "strata_auto_now_"

// maxName is the longest name strata gives a trigger, in bytes:
// PostgreSQL's limit, which strata's names keep to on every engine.
const maxName = 63

// autoNowName returns the name of the auto_now trigger of table.
func autoNowName(table string) string {
	name := autoNowPrefix + table
	if len(name) <= maxName {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	hash := hex.EncodeToString(sum[:4])
	return name[:maxName-len(hash)-1] + "_" + hash
}

// autoNowTrigger is the trigger one table calls for.
type autoNowTrigger struct {
	table, name, sql string
}

// autoNowTriggers returns the triggers the tables of s call for, in the
// order of its tables: those named in only, or all of them when only is
// nil.
func autoNowTriggers(s *schema.Schema, only []string) []autoNowTrigger {
	var triggers []autoNowTrigger
	for _, t := range s.TablesNamed(only) {
		var columns []string
		for _, c := range t.Columns {
			if c.AutoNow {
				columns = append(columns, c.Name)
			}
		}
		if len(columns) > 0 {
			triggers = append(triggers, autoNowTrigger{table: t.Name, name: autoNowName(t.Name), sql: autoNowSQL(t, columns, nowSQL)})
		}
	}
	return triggers
}

// autoNowSQL returns the CREATE TRIGGER that keeps columns of t current,
// setting them to now, the SQL of the current time: [nowSQL], or
// CURRENT_TIMESTAMP in the triggers that strata wrote before it wrote
// times in nowSQL's form, which Inspect still reads.
func autoNowSQL(t *schema.Table, columns []string, now string) string {
	stale := func(c string) string {
		c = quoteIdent(c)
		return "NEW." + c + " IS OLD." + c + " AND NEW." + c + " IS NOT " + now
	}
	when := make([]string, len(columns))
	set := make([]string, len(columns))
	for i, c := range columns {
		when[i] = "(" + stale(c) + ")"
		set[i] = quoteIdent(c) + " = CASE WHEN " + stale(c) + " THEN " + now + " ELSE " + quoteIdent(c) + " END"
	}
	key := "rowid = NEW.rowid"
	if len(t.PrimaryKey) > 0 {
		match := make([]string, len(t.PrimaryKey))
		for i, c := range t.PrimaryKey {
			match[i] = quoteIdent(c) + " = NEW." + quoteIdent(c)
		}
		key = strings.Join(match, " AND ")
	}
	return "CREATE TRIGGER " + quoteIdent(autoNowName(t.Name)) + " AFTER UPDATE ON " + quoteIdent(t.Name) + " FOR EACH ROW\n" +
		"WHEN " + strings.Join(when, " OR ") + "\n" +
		"BEGIN\n" +
		"  UPDATE " + quoteIdent(t.Name) + " SET " + strings.Join(set, ", ") + " WHERE " + key + ";\n" +
		"END"
}

// renderWithTriggers renders ops[i], or the run of operations from ops[i]
// one rebuild carries out, as renderRun does, and brings the auto_now
// triggers in step with the schema it leaves.
func (r *renderer) renderWithTriggers(i int) (int, []dialect.Step, error) {
	tables := triggerTables(r.ops[i])
	was := autoNowTriggers(r.state, tables)
	n, steps, err := r.renderRun(i)
	if err != nil {
		return 0, nil, err
	}
	drops, creates := autoNowChanges(was, autoNowTriggers(r.state, tables))
	return n, append(append(sqlSteps(i, drops), steps...), sqlSteps(i, creates)...), nil
}

// triggerTables names the tables whose auto_now triggers op, or the run
// of operations on one table that starts with it, may change: the table it
// creates, drops, renames or changes, none for an operation that changes
// no table SQLite holds, or nil, meaning every table, for an enum change,
// which may rebuild any table. Only a table's name, columns and primary key
// shape its trigger, and only operations on the table change those.
func triggerTables(op schema.Operation) []string {
	switch op := op.(type) {
	case schema.CreateTable:
		return []string{op.Table.Name}
	case schema.DropTable:
		return []string{op.Name}
	case schema.RenameTable:
		return []string{op.From, op.To}
	case schema.CreateEnum, schema.DropEnum, schema.RunSQL, schema.RunGo:
		return []string{} // they change no table SQLite holds
	}
	if table, ok := rebuildable(op); ok {
		return []string{table}
	}
	if rename, ok := op.(schema.RenameColumn); ok {
		return []string{rename.Table}
	}
	return nil
}

// autoNowChanges returns the statements that take the triggers was to
// those of is: the drops, to run before the operations, and the creations,
// to run after them.
func autoNowChanges(was, is []autoNowTrigger) (drops, creates []string) {
	has := func(triggers []autoNowTrigger, tr autoNowTrigger) bool {
		for _, o := range triggers {
			if o == tr {
				return true
			}
		}
		return false
	}
	for _, tr := range was {
		if !has(is, tr) {
			drops = append(drops, "DROP TRIGGER IF EXISTS "+quoteIdent(tr.name))
		}
	}
	for _, tr := range is {
		if !has(was, tr) {
			creates = append(creates, tr.sql)
		}
	}
	return drops, creates
}

// setColumn matches the assignment of one column in the UPDATE of an
// auto_now trigger.
var setColumn = regexp.MustCompile(`("(?:[^"]|"")+") = CASE WHEN NEW\.`)

// readAutoNow marks the auto_now columns of the tables of s: those that
// the trigger named for its table keeps current, when the trigger is one
// Render writes for the table as Inspect read it. Other triggers are
// ignored.
func readAutoNow(ctx context.Context, tx *sql.Tx, s *schema.Schema) error {
	stored := map[string]string{}
	err := each(ctx, tx, `SELECT name, sql FROM main.sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL`, nil,
		func(rows *sql.Rows) error {
			var name, text string
			if err := rows.Scan(&name, &text); err != nil {
				return err
			}
			stored[name] = text
			return nil
		})
	if err != nil {
		return err
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		text, ok := stored[autoNowName(t.Name)]
		if !ok {
			continue
		}
		var columns []string
		for _, m := range setColumn.FindAllStringSubmatch(text, -1) {
			columns = append(columns, strings.ReplaceAll(m[1][1:len(m[1])-1], `""`, `"`))
		}
		if len(columns) == 0 || autoNowSQL(t, columns, nowSQL) != text && autoNowSQL(t, columns, "CURRENT_TIMESTAMP") != text {
			continue
		}
		for _, c := range columns {
			if col := t.Column(c); col != nil {
				col.AutoNow = true
			}
		}
	}
	return nil
}
