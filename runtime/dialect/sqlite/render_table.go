package sqlite

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// uniqueMarker is the comment Render writes after the name of the index
// that carries a unique constraint. SQLite keeps it in the statement it
// stores, and [Inspect] reads it back to tell a unique constraint from a
// unique index.
const uniqueMarker = "/* unique constraint */"

// createTable returns CREATE TABLE for t, declaring the foreign keys folded
// into it besides its own, followed by its unique constraints and indexes.
func (r *renderer) createTable(t *schema.Table, folded []schema.ForeignKey) ([]string, error) {
	create, err := tableDefinition(r.state, t, t.Name, folded)
	if err != nil {
		return nil, err
	}
	return append([]string{create}, tableIndexes(t)...), nil
}

// tableDefinition returns the CREATE TABLE that declares t under the name
// as, with the foreign keys folded into it besides its own; the enums of
// its enum columns are those of s. It refuses what [checkTable] refuses.
func tableDefinition(s *schema.Schema, t *schema.Table, as string, folded []schema.ForeignKey) (string, error) {
	if err := checkTable(t); err != nil {
		return "", err
	}
	fks := append(slices.Clone(t.ForeignKeys), folded...)
	slices.SortStableFunc(fks, func(a, b schema.ForeignKey) int { return strings.Compare(a.Name, b.Name) })
	rowid, err := rowidColumn(t)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, c := range t.Columns {
		def, err := columnDef(s, c, c.Name == rowid)
		if err != nil {
			return "", err
		}
		lines = append(lines, def)
	}
	if len(t.PrimaryKey) > 0 && rowid == "" {
		lines = append(lines, "CONSTRAINT "+quoteIdent(schema.DerivedName(t.Name, nil, "pkey"))+" PRIMARY KEY "+identList(t.PrimaryKey))
	}
	for _, ck := range t.Checks {
		lines = append(lines, "CONSTRAINT "+quoteIdent(ck.Name)+" CHECK ("+ck.Expr+")")
	}
	for _, fk := range fks {
		lines = append(lines, foreignKey(fk))
	}
	return "CREATE TABLE " + quoteIdent(as) + " (\n  " + strings.Join(lines, ",\n  ") + "\n)", nil
}

// tableIndexes returns the statements that create the unique constraints
// and indexes of t.
func tableIndexes(t *schema.Table) []string {
	var stmts []string
	for _, u := range t.Uniques {
		stmts = append(stmts, createUnique(t.Name, u))
	}
	for _, ix := range t.Indexes {
		stmts = append(stmts, createIndex(t.Name, ix))
	}
	return stmts
}

// checkTable reports what in t SQLite would refuse or get wrong: a table
// without columns, a column declared twice (SQLite's names ignore case), a
// key, index or constraint on a missing column, a NULL-able primary-key
// column (which SQLite, unlike the SQL standard, accepts), a foreign key
// whose columns do not pair up or whose action is unknown.
func checkTable(t *schema.Table) error {
	if len(t.Columns) == 0 {
		return errors.New("a table needs at least one column")
	}
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if seen[strings.ToLower(c.Name)] {
			return fmt.Errorf("column %s.%s is declared twice", t.Name, c.Name)
		}
		seen[strings.ToLower(c.Name)] = true
	}
	if err := hasColumns(t, "primary key", t.PrimaryKey); err != nil {
		return err
	}
	for _, name := range t.PrimaryKey {
		if c := t.Column(name); c.Nullable {
			return fmt.Errorf("primary key column %s.%s is NULL-able", t.Name, name)
		}
	}
	for _, ix := range t.Indexes {
		if err := hasColumns(t, "index "+ix.Name, ix.Columns); err != nil {
			return err
		}
	}
	for _, u := range t.Uniques {
		if err := hasColumns(t, "unique constraint "+u.Name, u.Columns); err != nil {
			return err
		}
	}
	for _, fk := range t.ForeignKeys {
		if err := hasColumns(t, "foreign key "+fk.Name, fk.Columns); err != nil {
			return err
		}
		if err := checkForeignKey(fk); err != nil {
			return err
		}
	}
	return nil
}

// hasColumns reports an error, naming what uses them, when names is empty
// or t lacks one of its columns.
func hasColumns(t *schema.Table, what string, names []string) error {
	if len(names) == 0 && what != "primary key" {
		return fmt.Errorf("%s of table %s has no columns", what, t.Name)
	}
	for _, n := range names {
		if t.Column(n) == nil {
			return fmt.Errorf("%s: table %s has no column %s", what, t.Name, n)
		}
	}
	return nil
}

// checkForeignKey reports a foreign key whose columns and referenced
// columns do not pair up, or whose action SQLite does not know.
func checkForeignKey(fk schema.ForeignKey) error {
	if len(fk.Columns) != len(fk.RefColumns) {
		return fmt.Errorf("foreign key %s has %d columns but references %d", fk.Name, len(fk.Columns), len(fk.RefColumns))
	}
	for _, a := range []schema.Action{fk.OnDelete, fk.OnUpdate} {
		switch a {
		case schema.NoAction, schema.Cascade, schema.Restrict, schema.SetNull, schema.SetDefault:
		default:
			return fmt.Errorf("foreign key %s: unknown action %q", fk.Name, a)
		}
	}
	return nil
}

// rowidColumn returns the name of t's identity column, which SQLite makes
// the rowid alias, or "" when it has none. The identity column must be an
// integer and t's only primary-key column.
func rowidColumn(t *schema.Table) (string, error) {
	rowid := ""
	for _, c := range t.Columns {
		if !c.Identity {
			continue
		}
		if len(t.PrimaryKey) != 1 || t.PrimaryKey[0] != c.Name {
			return "", fmt.Errorf("identity column %s must be the only primary-key column of table %s", c.Name, t.Name)
		}
		switch c.Type.Kind {
		case schema.Int16, schema.Int32, schema.Int64:
		default:
			return "", fmt.Errorf("identity column %s must be an integer, not %s", c.Name, c.Type.Kind)
		}
		if c.Nullable || c.Default != "" {
			return "", fmt.Errorf("identity column %s can be neither NULL-able nor have a default", c.Name)
		}
		rowid = c.Name
	}
	return rowid, nil
}

// columnDef declares c: its name, type, NOT NULL, DEFAULT, and PRIMARY KEY
// when it is the rowid alias; an enum column adds the CHECK of the values
// its enum has in s.
func columnDef(s *schema.Schema, c schema.Column, rowid bool) (string, error) {
	typ, err := Dialect{}.ColumnType(c.Type)
	if err != nil {
		return "", fmt.Errorf("column %s: %w", c.Name, err)
	}
	if rowid {
		typ = rowidType
	}
	def := []string{quoteIdent(c.Name), typ}
	if !c.Nullable && !rowid {
		def = append(def, "NOT NULL")
	}
	if c.Default != "" {
		def = append(def, "DEFAULT "+renderDefault(columnDefault(c)))
	}
	if rowid {
		def = append(def, "PRIMARY KEY")
	}
	if _, custom := c.Type.CustomFor(dialectName); c.Type.Kind == schema.EnumKind && !custom {
		e := s.Enum(c.Type.Enum)
		if e == nil {
			return "", fmt.Errorf("column %s: no enum %s", c.Name, c.Type.Enum)
		}
		def = append(def, enumCheck(c.Name, e.Values))
	}
	return strings.Join(def, " "), nil
}

// enumCheck is the CHECK that holds an enum column to values.
func enumCheck(column string, values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = quoteString(v)
	}
	return "CHECK (" + quoteIdent(column) + " IN (" + strings.Join(quoted, ", ") + "))"
}

// foreignKey declares fk as a table constraint.
func foreignKey(fk schema.ForeignKey) string {
	s := "CONSTRAINT " + quoteIdent(fk.Name) + " FOREIGN KEY " + identList(fk.Columns) +
		" REFERENCES " + quoteIdent(fk.RefTable) + " " + identList(fk.RefColumns)
	if fk.OnDelete != schema.NoAction {
		s += " ON DELETE " + fk.OnDelete.SQL()
	}
	if fk.OnUpdate != schema.NoAction {
		s += " ON UPDATE " + fk.OnUpdate.SQL()
	}
	return s
}

// createIndex returns CREATE INDEX for ix on table.
func createIndex(table string, ix schema.Index) string {
	s := "CREATE INDEX "
	if ix.Unique {
		s = "CREATE UNIQUE INDEX "
	}
	s += quoteIdent(ix.Name) + " ON " + quoteIdent(table) + " " + identList(ix.Columns)
	if ix.Where != "" {
		s += " WHERE " + ix.Where
	}
	return s
}

// createUnique returns the CREATE UNIQUE INDEX that carries the unique
// constraint u of table, marked as a constraint.
func createUnique(table string, u schema.Unique) string {
	return "CREATE UNIQUE INDEX " + quoteIdent(u.Name) + " " + uniqueMarker + " ON " + quoteIdent(table) + " " + identList(u.Columns)
}

// identList is a parenthesised list of quoted identifiers.
func identList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quoteIdent(n)
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}

// defaultClass is what a column's default is, as SQLite's ADD COLUMN sees
// it.
type defaultClass int

const (
	nullDefault    defaultClass = iota // none, or NULL
	constDefault                       // a literal: number, string, blob, TRUE, FALSE
	currentDefault                     // CURRENT_TIME, CURRENT_DATE or CURRENT_TIMESTAMP
	exprDefault                        // anything else, declared in parentheses
)

// defaultKind classifies the default d.
func defaultKind(d string) defaultClass {
	toks, err := lex(d)
	if err != nil {
		return exprDefault
	}
	toks = code(toks)
	if len(toks) == 2 && (toks[0].isPunct("-") || toks[0].isPunct("+")) && toks[1].kind == tokNumber {
		return constDefault
	}
	if len(toks) != 1 {
		if len(toks) == 0 {
			return nullDefault
		}
		return exprDefault
	}
	t := toks[0]
	switch {
	case t.kind == tokNumber, t.kind == tokString, t.kind == tokBlob, t.isWord("TRUE"), t.isWord("FALSE"):
		return constDefault
	case t.isWord("NULL"):
		return nullDefault
	case t.isWord("CURRENT_TIME"), t.isWord("CURRENT_DATE"), t.isWord("CURRENT_TIMESTAMP"):
		return currentDefault
	}
	return exprDefault
}

// nowSQL is the current time as a timestamp column stores it: UTC, to the
// millisecond, with the offset, 2024-03-05 14:15:16.123+00:00. It is the
// form modernc.org/sqlite writes a time.Time in under _time_format=sqlite
// and _timezone=UTC, which the database URLs strata opens set, so that
// values written by Go and by the database read alike through datetime()
// and sort in time order as text. (CURRENT_TIMESTAMP has neither the
// fraction nor the offset.)
const nowSQL = "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')"

// columnDefault returns the default of c as SQLite computes it: the
// current time in the form of [nowSQL] for CURRENT_TIMESTAMP on a
// timestamp column, c.Default itself otherwise.
func columnDefault(c schema.Column) string {
	if c.Type.Kind == schema.Timestamp && strings.EqualFold(strings.TrimSpace(c.Default), "CURRENT_TIMESTAMP") {
		return nowSQL
	}
	return c.Default
}

// inspectedDefault returns the default SQLite reports for a column of type
// typ as the schema holds it: [nowSQL] on a timestamp column is
// CURRENT_TIMESTAMP.
func inspectedDefault(typ schema.Type, d string) string {
	if typ.Kind == schema.Timestamp && d == nowSQL {
		return "CURRENT_TIMESTAMP"
	}
	return d
}

// renderDefault returns the default d as SQLite's DEFAULT takes it: a
// literal as it is, any other expression in parentheses. SQLite reports
// either back without the parentheses, as d.
func renderDefault(d string) string {
	if defaultKind(d) == exprDefault {
		return "(" + d + ")"
	}
	return d
}
