package sqlite

import (
	"errors"
	"fmt"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// tableDDL is what [Inspect] reads from a stored CREATE TABLE statement:
// the parts pragma_table_xinfo and pragma_foreign_key_list do not report.
type tableDDL struct {
	columns      []columnDDL
	checks       []schema.Check // table constraints
	foreignKeys  []fkDDL        // table constraints and column REFERENCES
	withoutRowid bool
}

// columnDDL is what a column definition declares beyond its type.
type columnDDL struct {
	name string
	// enum holds the values of the column's CHECK ("col" IN ('a', ...)),
	// non-nil when it has one; enumExpr is that CHECK's expression.
	enum     []string
	enumExpr string
	checks   []schema.Check // its other CHECK constraints
}

// fkDDL is a foreign key as its declaration spells it.
type fkDDL struct {
	name       string
	columns    []string
	refTable   string
	refColumns []string
}

// matches reports whether d declares fk (whose name is not known).
func (d fkDDL) matches(fk schema.ForeignKey) bool {
	return strings.EqualFold(d.refTable, fk.RefTable) &&
		equalFold(d.columns, fk.Columns) && equalFold(d.refColumns, fk.RefColumns)
}

func equalFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// column returns the definition of the column named name, or nil.
func (d *tableDDL) column(name string) *columnDDL {
	for i := range d.columns {
		if strings.EqualFold(d.columns[i].name, name) {
			return &d.columns[i]
		}
	}
	return nil
}

var errMalformed = errors.New("malformed statement")

// parseCreateTable reads a stored CREATE TABLE statement.
func parseCreateTable(text string) (*tableDDL, error) {
	raw, err := lex(text)
	if err != nil {
		return nil, err
	}
	toks := code(raw)
	open := 0
	for open < len(toks) && !toks[open].isPunct("(") {
		open++
	}
	end := closing(toks, open)
	if end < 0 {
		return nil, errors.New("not a CREATE TABLE with a column list")
	}
	d := &tableDDL{}
	for _, part := range splitCommas(toks[open+1 : end]) {
		if len(part) == 0 {
			return nil, errMalformed
		}
		if err := d.element(text, part); err != nil {
			return nil, err
		}
	}
	rest := toks[end+1:]
	for i := 0; i+1 < len(rest); i++ {
		if rest[i].isWord("WITHOUT") && rest[i+1].isWord("ROWID") {
			d.withoutRowid = true
		}
	}
	return d, nil
}

// element reads one comma-separated element of a CREATE TABLE: a column
// definition or a table constraint.
func (d *tableDDL) element(text string, part []token) error {
	for _, w := range []string{"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"} {
		if part[0].isWord(w) {
			return d.tableConstraint(text, part)
		}
	}
	return d.columnDef(text, part)
}

// tableConstraint reads a table constraint. PRIMARY KEY and UNIQUE are left
// to the pragmas, which report them.
func (d *tableDDL) tableConstraint(text string, part []token) error {
	name, i := "", 0
	if part[0].isWord("CONSTRAINT") {
		if len(part) < 3 {
			return errMalformed
		}
		name, i = part[1].value(), 2
	}
	switch {
	case part[i].isWord("CHECK"):
		expr, _, ok := parenText(text, part, i+1)
		if !ok {
			return errMalformed
		}
		d.checks = append(d.checks, schema.Check{Name: name, Expr: expr})
	case part[i].isWord("FOREIGN"):
		if i+1 >= len(part) || !part[i+1].isWord("KEY") {
			return errMalformed
		}
		columns, next, ok := names(part, i+2)
		if !ok {
			return errMalformed
		}
		fk, ok := references(part, next)
		if !ok {
			return errMalformed
		}
		fk.name, fk.columns = name, columns
		d.foreignKeys = append(d.foreignKeys, fk)
	}
	return nil
}

// columnDef reads a column definition: its name, its CHECK constraints and
// any REFERENCES clause.
func (d *tableDDL) columnDef(text string, part []token) error {
	c := columnDDL{name: part[0].value()}
	pending := "" // the name a CONSTRAINT clause gives the next constraint
	for i := 1; i < len(part); i++ {
		t := part[i]
		switch {
		case t.isWord("CONSTRAINT") && i+1 < len(part):
			pending = part[i+1].value()
			i++
			continue
		case t.isWord("CHECK"):
			expr, next, ok := parenText(text, part, i+1)
			if !ok {
				return errMalformed
			}
			values, isEnum := enumValues(part[i+2:next-1], c.name)
			if isEnum && c.enum == nil && pending == "" {
				c.enum, c.enumExpr = values, expr
			} else {
				c.checks = append(c.checks, schema.Check{Name: pending, Expr: expr})
			}
			i = next - 1
		case t.isWord("REFERENCES"):
			fk, ok := references(part, i)
			if !ok {
				return errMalformed
			}
			fk.name, fk.columns = pending, []string{c.name}
			d.foreignKeys = append(d.foreignKeys, fk)
		case t.isPunct("("):
			if i = closing(part, i); i < 0 {
				return errMalformed
			}
		}
		pending = ""
	}
	d.columns = append(d.columns, c)
	return nil
}

// references reads REFERENCES table [(columns)] starting at toks[i].
func references(toks []token, i int) (fkDDL, bool) {
	if i+1 >= len(toks) || !toks[i].isWord("REFERENCES") || !toks[i+1].isName() {
		return fkDDL{}, false
	}
	fk := fkDDL{refTable: toks[i+1].value()}
	if i+2 < len(toks) && toks[i+2].isPunct("(") {
		columns, _, ok := names(toks, i+2)
		if !ok {
			return fkDDL{}, false
		}
		fk.refColumns = columns
	}
	return fk, true
}

// parenText returns the text, as written, between the "(" at toks[open] and
// its ")", and the index just past the ")".
func parenText(text string, toks []token, open int) (string, int, bool) {
	if open >= len(toks) || !toks[open].isPunct("(") {
		return "", 0, false
	}
	end := closing(toks, open)
	if end < 0 {
		return "", 0, false
	}
	return strings.TrimSpace(text[toks[open].end:toks[end].pos]), end + 1, true
}

// enumValues reads the tokens of a CHECK expression of the form
// "column" IN ('a', 'b', ...) and returns the values.
func enumValues(expr []token, column string) ([]string, bool) {
	if len(expr) < 4 || !expr[0].isName() || !strings.EqualFold(expr[0].value(), column) ||
		!expr[1].isWord("IN") || closing(expr, 2) != len(expr)-1 {
		return nil, false
	}
	values := []string{}
	list := expr[3 : len(expr)-1]
	if len(list) == 0 {
		return values, true
	}
	for _, v := range splitCommas(list) {
		if len(v) != 1 || v[0].kind != tokString {
			return nil, false
		}
		values = append(values, v[0].value())
	}
	return values, true
}

// indexDDL is what [Inspect] reads from a stored CREATE INDEX statement.
type indexDDL struct {
	marked bool   // it carries the unique-constraint mark
	where  string // the WHERE of a partial index
}

// parseIndex reads a stored CREATE INDEX statement: whether the comment
// right after the index's name is [uniqueMarker], and its WHERE.
func parseIndex(text string) (indexDDL, error) {
	raw, err := lex(text)
	if err != nil {
		return indexDDL{}, err
	}
	var d indexDDL
	for i := 0; i+1 < len(raw); i++ {
		if raw[i].isWord("INDEX") {
			if i+2 < len(raw) && raw[i+1].isName() && raw[i+2].kind == tokComment {
				d.marked = raw[i+2].text == uniqueMarker
			}
			break
		}
	}
	toks := code(raw)
	on := 0
	for on < len(toks) && !toks[on].isWord("ON") {
		on++
	}
	if on+2 >= len(toks) || !toks[on+2].isPunct("(") {
		return indexDDL{}, fmt.Errorf("%w: %s", errMalformed, text)
	}
	end := closing(toks, on+2)
	if end < 0 {
		return indexDDL{}, fmt.Errorf("%w: %s", errMalformed, text)
	}
	if end+1 < len(toks) && toks[end+1].isWord("WHERE") {
		last := toks[len(toks)-1]
		d.where = strings.TrimSpace(text[toks[end+1].end:last.end])
	}
	return d, nil
}
