package load

import (
	"go/token"
	"maps"
	"slices"
	"strings"

	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime/schema"
)

// tableLevelDirective applies one //strata:pk, index, unique, check or
// offline directive to the table of m.
func (l *loader) tableLevelDirective(m *model, d directive) {
	switch d.verb {
	case "offline":
		switch {
		case len(d.args) > 0:
			l.errorf(d.args[0].pos, m.goName, "", "//strata:offline takes no arguments: write //strata:offline")
		case m.offline:
			l.errorf(d.pos, m.goName, "", "second //strata:offline")
		}
		m.offline = true
	case "pk":
		l.pkDirective(m, d)
	case "index":
		l.indexDirective(m, d)
	case "unique":
		l.uniqueDirective(m, d)
	case "check":
		l.checkDirective(m, d)
	}
}

// pkDirective applies //strata:pk (a, b).
func (l *loader) pkDirective(m *model, d directive) {
	const usage = "write //strata:pk (a, b)"
	if m.pkDir {
		l.errorf(d.pos, m.goName, "", "second //strata:pk: a table has one primary key")
		return
	}
	m.pkDir = true
	if len(d.args) != 1 || d.args[0].kind != argList {
		l.errorf(d.pos, m.goName, "", "//strata:pk takes the key's columns: %s", usage)
		return
	}
	cols, ok := l.directiveColumns(m, d, d.args[0])
	if !ok {
		return
	}
	if m.pkField != nil {
		l.errorf(d.pos, m.goName, "", "//strata:pk and the pk option of field %s both give a primary key: keep one", m.pkField.path)
		return
	}
	for _, name := range cols {
		if c := m.known[name]; c.g.nullable {
			l.errorf(c.pos, m.goName, c.path, "column %s is in the primary key (//strata:pk), which cannot be NULL, and %s is nullable: use a non-pointer type",
				name, c.g.display())
			ok = false
		}
	}
	if ok {
		m.table.PrimaryKey = cols
		for i, col := range m.table.Columns {
			if slices.Contains(cols, col.Name) {
				m.table.Columns[i].Nullable = false // a nil-able type's column, now in the key
			}
		}
		m.names = append(m.names, namedObject{name: ConstraintName(m.table.Name, nil, "pkey"), what: "primary key", pos: d.pos, global: true})
	}
}

// indexDirective applies //strata:index NAME (a, b) [unique] [where "EXPR"].
func (l *loader) indexDirective(m *model, d directive) {
	const usage = `write //strata:index NAME (a, b) [unique] [where "EXPR"]`
	if len(d.args) < 2 || d.args[0].kind != argWord || d.args[1].kind != argList {
		l.errorf(d.pos, m.goName, "", "//strata:index takes a name and columns: %s", usage)
		return
	}
	index := schema.Index{Name: d.args[0].text}
	nameOK := l.directiveName(m, d.args[0], "index")
	cols, colsOK := l.directiveColumns(m, d, d.args[1])
	index.Columns = cols
	rest := d.args[2:]
	for len(rest) > 0 {
		a := rest[0]
		switch {
		case a.kind == argWord && a.text == "unique" && !index.Unique:
			index.Unique = true
			rest = rest[1:]
		case a.kind == argWord && a.text == "where" && index.Where == "" && len(rest) > 1 && rest[1].kind == argString && rest[1].text != "":
			if !l.expression(m, rest[1], "where") {
				return
			}
			index.Where = rest[1].text
			rest = rest[2:]
		case a.kind == argWord && a.text == "where" && index.Where == "":
			l.errorf(a.pos, m.goName, "", `where needs the predicate as a non-empty string: write where "EXPR"`)
			return
		case a.kind == argWord && (a.text == "where" || a.text == "unique"):
			l.errorf(a.pos, m.goName, "", "//strata:index has %s twice: keep one", a.text)
			return
		default:
			l.errorf(a.pos, m.goName, "", "unexpected %s in //strata:index%s: %s", a.describe(), didYouMean(a.text, []string{"unique", "where"}), usage)
			return
		}
	}
	if nameOK && colsOK {
		m.table.Indexes = append(m.table.Indexes, index)
		m.names = append(m.names, namedObject{name: index.Name, what: "index", pos: d.args[0].pos, global: true})
	}
}

// uniqueDirective applies //strata:unique NAME (a, b).
func (l *loader) uniqueDirective(m *model, d directive) {
	if len(d.args) != 2 || d.args[0].kind != argWord || d.args[1].kind != argList {
		l.errorf(d.pos, m.goName, "", "//strata:unique takes a name and columns: write //strata:unique NAME (a, b)")
		return
	}
	nameOK := l.directiveName(m, d.args[0], "unique constraint")
	cols, colsOK := l.directiveColumns(m, d, d.args[1])
	if nameOK && colsOK {
		m.table.Uniques = append(m.table.Uniques, schema.Unique{Name: d.args[0].text, Columns: cols})
		m.names = append(m.names, namedObject{name: d.args[0].text, what: "unique constraint", pos: d.args[0].pos, global: true})
	}
}

// checkDirective applies //strata:check NAME "EXPR". The constraint is
// named by the convention, {table}_{NAME}_check.
func (l *loader) checkDirective(m *model, d directive) {
	if len(d.args) != 2 || d.args[0].kind != argWord || d.args[1].kind != argString || d.args[1].text == "" {
		l.errorf(d.pos, m.goName, "", `//strata:check takes a name and an SQL expression: write //strata:check NAME "EXPR"`)
		return
	}
	if !l.directiveName(m, d.args[0], "check") || !l.expression(m, d.args[1], "//strata:check") {
		return
	}
	name := ConstraintName(m.table.Name, []string{d.args[0].text}, "check")
	m.table.Checks = append(m.table.Checks, schema.Check{Name: name, Expr: d.args[1].text})
	m.names = append(m.names, namedObject{name: name, what: "check constraint", pos: d.args[0].pos})
}

// expression checks that a, the string argument what of a directive of m,
// is one SQL expression (see [sqltext.Expression]), and reports whether
// it is.
func (l *loader) expression(m *model, a dirArg, what string) bool {
	p := sqltext.Expression(a.text)
	if p == nil {
		return true
	}
	// The argument's position is that of its opening quote; without
	// escapes in it, the problem's offset counts from there.
	l.errorf(a.pos+1+token.Pos(p.At), m.goName, "", "%s %q is not one SQL expression: %s, at byte %d; strata writes it into its own statements",
		what, a.text, p.Why, p.At+1)
	return false
}

// directiveName checks the name a directive gives an index or constraint.
func (l *loader) directiveName(m *model, a dirArg, what string) bool {
	if p := identProblem(a.text); p != "" {
		l.errorf(a.pos, m.goName, "", "%s name %q is not valid: %s%s", what, a.text, p, writeInstead(a.text, "%s"))
		return false
	}
	return true
}

// directiveColumns reads the column list a of directive d, checking that
// each name is a column of m.
func (l *loader) directiveColumns(m *model, d directive, a dirArg) ([]string, bool) {
	list, problem := parseColumnList(a)
	if problem != "" {
		l.errorf(a.pos, m.goName, "", "//strata:%s: %s", d.verb, problem)
		return nil, false
	}
	ok := true
	for _, name := range list.names {
		if m.known[name] == nil {
			l.errorf(a.pos, m.goName, "", "//strata:%s: table %s has no column %q%s", d.verb, m.table.Name, name, m.columnHint(name))
			ok = false
		}
	}
	return list.names, ok
}

// columnHint suggests the column a misspelt name, or a Go field name,
// stands for.
func (m *model) columnHint(name string) string {
	names := slices.Sorted(maps.Keys(m.known))
	for _, col := range names {
		path := m.known[col].path
		if path == name || strings.HasSuffix(path, "."+name) {
			return ` (did you mean "` + col + `"? lists name columns, not fields)`
		}
	}
	return didYouMean(name, names)
}
