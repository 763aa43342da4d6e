package postgres

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// This file renders the operations that change a table in place, keeping
// its rows: renames and column alterations. Each function takes the schema
// as the operation leaves it, except alterColumn, which applies its
// operation itself.

// renameTable renames the table and its primary key, whose name follows the
// table's ({table}_pkey), so that a later table may take the old names.
// Indexes, unique constraints, checks and foreign keys keep their names;
// foreign keys of other tables follow the table by themselves.
func renameTable(s *schema.Schema, op schema.RenameTable) ([]dialect.Step, error) {
	t := s.Table(op.To)
	if err := checkRenameTable(s, t); err != nil {
		return nil, err
	}
	sql := []string{alterTable(op.From, "RENAME TO "+quote(op.To))}
	if len(t.PrimaryKey) > 0 {
		sql = append(sql, alterTable(op.To, "RENAME CONSTRAINT "+quote(primaryKeyName(op.From))+" TO "+quote(primaryKeyName(op.To))))
	}
	return stepsUnless(nil, sql...)
}

// renameColumn renames the column. The primary key, indexes and constraints
// that use it follow it, in the database as in the schema.
func renameColumn(s *schema.Schema, op schema.RenameColumn) ([]dialect.Step, error) {
	return stepsUnless(checkRenameColumn(s, op),
		alterTable(op.Table, "RENAME COLUMN "+quote(op.From)+" TO "+quote(op.To)))
}

// alterColumn applies op to s and renders the statements that turn the
// column as it was into op.Column: only what differs, in an order
// PostgreSQL accepts.
func alterColumn(s *schema.Schema, op schema.AlterColumn, online bool) ([]dialect.Step, error) {
	var was schema.Column
	if t := s.Table(op.Table); t != nil && t.Column(op.Column.Name) != nil {
		was = *t.Column(op.Column.Name)
	}
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	if err := checkAlterColumn(s, op); err != nil {
		return nil, err
	}
	from, err := columnType(was.Type)
	if err != nil {
		return nil, fmt.Errorf("column %s as it was: %w", was.Name, err)
	}
	to, err := columnType(op.Column.Type)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", op.Column.Name, err)
	}
	statements := alterStatements(op, was, from, to)
	if online && was.Nullable && !op.Column.Nullable {
		return notNullOnline(op, statements)
	}
	steps, err := stepsUnless(nil, statements...)
	retype := alterTable(op.Table, "ALTER COLUMN "+quote(op.Column.Name)+" TYPE ")
	for k := range steps {
		if !strings.HasPrefix(steps[k].SQL, retype) {
			continue
		}
		if rewritesNothing(from, to) {
			steps[k].Locks = accessExclusive(op.Table) + ", a moment: " + from + " to " + to + " reads and rewrites no row"
			steps[k].Lint = "squawk-ignore changing-column-type"
		} else {
			steps[k].Locks = accessExclusive(op.Table) + " while it rewrites the table"
		}
	}
	return steps, err
}

// rewritesNothing reports whether PostgreSQL changes a column of SQL type
// from to type to without reading or rewriting the table's rows: a VARCHAR
// that grows or loses its limit, or becomes TEXT; a NUMERIC whose
// precision grows at the same scale, or that loses its limit; a BIT
// VARYING that grows.
func rewritesNothing(from, to string) bool {
	from, to = canonicalType(from), canonicalType(to)
	fromBase, fromParams := typeParts(from)
	toBase, toParams := typeParts(to)
	switch {
	case fromBase == "character varying" && to == "text":
		return true
	case fromBase != toBase:
		return false
	case fromBase == "character varying", fromBase == "bit varying":
		return len(toParams) == 0 || (len(fromParams) == 1 && len(toParams) == 1 && toParams[0] >= fromParams[0])
	case fromBase == "numeric":
		return len(toParams) == 0 ||
			(len(fromParams) == 2 && len(toParams) == 2 && toParams[1] == fromParams[1] && toParams[0] >= fromParams[0])
	}
	return false
}

// typeParts splits a type in canonical spelling into its base name and its
// numeric parameters: "numeric(10,2)" into "numeric" and [10 2]. A type
// with parameters that are not numbers, or an array, keeps them in its
// base name.
func typeParts(typ string) (string, []int) {
	open := strings.IndexByte(typ, '(')
	if open < 0 || !strings.HasSuffix(typ, ")") {
		return typ, nil
	}
	var params []int
	for _, p := range strings.Split(typ[open+1:len(typ)-1], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return typ, nil
		}
		params = append(params, n)
	}
	return typ[:open], params
}

// alterStatements lists the statements that turn column was of op.Table,
// of SQL type from, into op.Column, of SQL type to:
//
//  1. DROP IDENTITY, first, since PostgreSQL refuses to change the
//     nullability or default of an identity column;
//  2. DROP DEFAULT when the default goes, and whenever the type changes,
//     since the old default may not cast to the new type;
//  3. TYPE, with op.Using or, when PostgreSQL has no cast of its own
//     between the types, an explicit cast that fails on the first value
//     that does not convert;
//  4. SET DEFAULT when the default is new, or was dropped for the type;
//  5. the backfill UPDATE of the NULLs, then SET NOT NULL; or DROP NOT NULL;
//  6. ADD GENERATED BY DEFAULT AS IDENTITY, last, since it needs a NOT NULL
//     integer column without a default, and then the identity's sequence
//     set past the largest value, so that new rows get fresh ones.
//
// AutoNow renders nothing here: the trigger that keeps such a column
// current is created and dropped with the triggers, not by this statement
// list. op.Using is used only when the type changes.
func alterStatements(op schema.AlterColumn, was schema.Column, from, to string) []string {
	c := op.Column
	column := func(change string) string {
		return alterTable(op.Table, "ALTER COLUMN "+quote(c.Name)+" "+change)
	}
	retyped := canonicalType(from) != canonicalType(to)
	defaultDropped := was.Default != "" && (retyped || c.Default == "")
	var sql []string
	if was.Identity && !c.Identity {
		sql = append(sql, column("DROP IDENTITY"))
	}
	if defaultDropped {
		sql = append(sql, column("DROP DEFAULT"))
	}
	if retyped {
		sql = append(sql, column("TYPE "+to+using(op, was, from, to)))
	}
	if c.Default != "" && (defaultDropped || c.Default != was.Default) {
		sql = append(sql, column("SET DEFAULT "+c.Default))
	}
	switch {
	case was.Nullable && !c.Nullable:
		if op.Backfill != "" {
			sql = append(sql,
				"SET LOCAL "+backfillingSetting+" = on",
				"UPDATE "+quote(op.Table)+" SET "+quote(c.Name)+" = "+op.Backfill+" WHERE "+quote(c.Name)+" IS NULL",
				"SET LOCAL "+backfillingSetting+" = off")
		}
		sql = append(sql, column("SET NOT NULL"))
	case !was.Nullable && c.Nullable:
		sql = append(sql, column("DROP NOT NULL"))
	}
	if c.Identity && !was.Identity {
		sql = append(sql, column("ADD GENERATED BY DEFAULT AS IDENTITY"),
			"SELECT setval(pg_get_serial_sequence("+quoteLiteral(quote(op.Table))+", "+quoteLiteral(c.Name)+"), "+
				"COALESCE(MAX("+quote(c.Name)+"), 0) + 1, false) FROM "+quote(op.Table))
	}
	return sql
}

// using returns the USING clause of a change of column was from type from
// to type to: op.Using when it is set; nothing when PostgreSQL converts
// between the types by itself, as it does between numbers or to text (and
// then a value too long for a VARCHAR fails, where an explicit cast would
// cut it); and otherwise an explicit cast, through text from an enum.
func using(op schema.AlterColumn, was schema.Column, from, to string) string {
	switch _, custom := was.Type.CustomFor(name); {
	case op.Using != "":
		return " USING " + op.Using
	case castsByAssignment(from, to):
		return ""
	case was.Type.Kind == schema.EnumKind && !custom:
		return " USING " + quote(was.Name) + "::text::" + to
	}
	return " USING " + quote(was.Name) + "::" + to
}

// backfillBatch is how many rows each transaction of the online form of a
// backfill fills in.
const backfillBatch = 5000

// notNullOnline returns the online form of alteration op of an existing
// table that makes its column NOT NULL, whose plain form is statements
// (see alterStatements): the statements before the backfill as they are;
// then the backfill, in batches of backfillBatch rows, each in a
// transaction of its own; a CHECK (column IS NOT NULL) NOT VALID, which
// refuses new NULLs from then on; the backfill again, for the rows that
// writers left NULL meanwhile; VALIDATE of the check, apart, which reads
// the table without blocking its writers; SET NOT NULL, which PostgreSQL
// (12 and later) proves from the check without reading the table; and
// the statements after it, then the check dropped.
func notNullOnline(op schema.AlterColumn, statements []string) ([]dialect.Step, error) {
	table, column := op.Table, op.Column.Name
	setNotNull := alterTable(table, "ALTER COLUMN "+quote(column)+" SET NOT NULL")
	at := slices.Index(statements, setNotNull)
	if at < 0 {
		return nil, fmt.Errorf("column %s: no SET NOT NULL among its statements", column)
	}
	var before []string
	for _, st := range statements[:at] {
		if !strings.HasPrefix(st, "SET LOCAL "+backfillingSetting) && !strings.HasPrefix(st, "UPDATE ") {
			before = append(before, st)
		}
	}
	steps, _ := stepsUnless(nil, before...)
	var backfill dialect.Step
	if op.Backfill != "" {
		backfill = dialect.Step{
			SQL: "SET LOCAL " + backfillingSetting + " = on; UPDATE " + quote(table) + " SET " + quote(column) + " = " + op.Backfill +
				" WHERE ctid IN (SELECT ctid FROM " + quote(table) + " WHERE " + quote(column) + " IS NULL LIMIT " + strconv.Itoa(backfillBatch) + ")",
			Repeat: true,
			Locks:  "ROW EXCLUSIVE on " + quote(table) + " and at most " + strconv.Itoa(backfillBatch) + " rows at a time",
		}
		steps = append(steps, backfill)
	}
	check := notNullCheckName(table, column)
	steps = append(steps, dialect.Step{
		SQL:   alterTable(table, "ADD CONSTRAINT "+quote(check)+" CHECK ("+quote(column)+" IS NOT NULL) NOT VALID"),
		Locks: accessExclusive(table) + ", a moment",
	})
	if op.Backfill != "" {
		steps = append(steps, backfill)
	}
	steps = append(steps,
		dialect.Step{SQL: alterTable(table, "VALIDATE CONSTRAINT "+quote(check)), Apart: true, Locks: shareUpdateExclusive(table)},
		dialect.Step{SQL: setNotNull, Locks: accessExclusive(table) + ", a moment: the validated check spares reading the table"},
	)
	after, _ := stepsUnless(nil, statements[at+1:]...)
	steps = append(steps, after...)
	return append(steps, dialect.Step{SQL: alterTable(table, "DROP CONSTRAINT "+quote(check)), Locks: accessExclusive(table) + ", a moment"}), nil
}

// notNullCheckName names the check that the online form of making column
// of table NOT NULL adds for a while: {table}_{column}_not_null, shortened
// as strata shortens every name it derives ([schema.DerivedName]).
func notNullCheckName(table, column string) string {
	return schema.DerivedName(table, []string{column}, "not_null")
}

// alterPrimaryKey renders the move of a table's primary key as one ALTER
// TABLE that drops the key and adds the new one under the same name
// ({table}_pkey), so that no moment passes without a key. Adding the key
// builds its unique index, reading every row under the table's ACCESS
// EXCLUSIVE lock, and fails, leaving the table as it was, when two rows
// share a value of the new key. A foreign key that depends on the old key
// must be dropped first.
func alterPrimaryKey(s *schema.Schema, op schema.AlterPrimaryKey) ([]dialect.Step, error) {
	t := s.Table(op.Table)
	if err := checkPrimaryKey(t); err != nil {
		return nil, err
	}
	if err := checkReferences(s, op.Table); err != nil {
		return nil, err
	}
	name := primaryKeyName(op.Table)
	var changes []string
	if len(op.Old) > 0 {
		changes = append(changes, "DROP CONSTRAINT "+quote(name))
	}
	if len(op.New) > 0 {
		if len(op.Old) == 0 {
			if err := checkRelationName(s, name); err != nil {
				return nil, err
			}
			if err := checkConstraintName(s, t, name); err != nil {
				return nil, err
			}
		}
		changes = append(changes, "ADD CONSTRAINT "+quote(name)+" PRIMARY KEY "+quoteList(op.New))
	}
	if len(changes) == 0 {
		return nil, nil
	}
	step := dialect.Step{SQL: alterTable(op.Table, strings.Join(changes, ", "))}
	if len(op.New) > 0 {
		step.Locks = accessExclusive(op.Table) + " while it builds the key's index, reading every row"
	}
	return []dialect.Step{step}, nil
}
