package mysql

import (
	"regexp"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// Comparable returns a copy of s in the form [Inspect] reads a schema back
// in, so that a schema built from operations and one inspected from the
// database they ran on compare equal exactly when the database holds what
// the operations describe. s itself is left as it is. It normalises what
// MySQL cannot tell back:
//
//   - A column's type is the one MySQL declares: a custom type for "mysql"
//     (or for every dialect) becomes the kind it spells when it is one of
//     strata's (BIGINT, varchar(20)), and otherwise a custom type for
//     "mysql" in MySQL's spelling; custom types for other dialects are
//     dropped.
//   - Each enum column gets an enum of its own named "table.column"
//     holding the values of the enum it had, and Enums lists exactly
//     those.
//   - A unique index is a unique constraint of the same name; RESTRICT is
//     NO ACTION.
//   - Defaults and check expressions are normalised (see normalizeExpr);
//     the current time reads CURRENT_TIMESTAMP, and a boolean's default
//     true or false.
//   - Empty lists are nil, and the schema is canonical (see
//     [schema.Schema.Normalize]).
func Comparable(s *schema.Schema) *schema.Schema {
	c := s.Clone()
	var enums []schema.Enum
	for i := range c.Tables {
		t := &c.Tables[i]
		for k := range t.Columns {
			col := &t.Columns[k]
			if _, custom := col.Type.CustomFor(name); col.Type.Kind == schema.EnumKind && !custom {
				e := schema.Enum{Name: enumName(t.Name, col.Name)}
				if old := s.Enum(col.Type.Enum); old != nil {
					e.Values = slices.Clone(old.Values)
				}
				enums = append(enums, e)
				col.Type = schema.Type{Kind: schema.EnumKind, Enum: e.Name}
			} else {
				col.Type = comparableType(col.Type)
			}
			col.Default = normalizeDefault(col.Default, col.Type.Kind)
		}
		var indexes []schema.Index
		for _, ix := range t.Indexes {
			if ix.Unique && ix.Where == "" {
				t.Uniques = append(t.Uniques, schema.Unique{Name: ix.Name, Columns: ix.Columns})
				continue
			}
			ix.Unique = false
			ix.Where = normalizeExpr(ix.Where)
			indexes = append(indexes, ix)
		}
		t.Indexes = indexes
		for k := range t.ForeignKeys {
			fk := &t.ForeignKeys[k]
			if fk.OnDelete == schema.Restrict {
				fk.OnDelete = schema.NoAction
			}
			if fk.OnUpdate == schema.Restrict {
				fk.OnUpdate = schema.NoAction
			}
		}
		for k := range t.Checks {
			t.Checks[k].Expr = normalizeExpr(t.Checks[k].Expr)
		}
	}
	c.Enums = enums
	c.Normalize()
	emptyToNil(c)
	return c
}

func comparableType(t schema.Type) schema.Type {
	if custom, ok := t.CustomFor(name); ok {
		return typeFromSQL(custom)
	}
	t.Custom = nil
	if t.Kind != schema.Text {
		t.Size = 0
	}
	t.Enum = ""
	return t
}

// emptyToNil makes every empty slice of s nil: a database holds no
// difference between the two.
func emptyToNil(s *schema.Schema) {
	s.Enums, s.Tables = orNil(s.Enums), orNil(s.Tables)
	for i := range s.Enums {
		s.Enums[i].Values = orNil(s.Enums[i].Values)
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		t.Columns, t.PrimaryKey = orNil(t.Columns), orNil(t.PrimaryKey)
		t.Indexes, t.Uniques = orNil(t.Indexes), orNil(t.Uniques)
		t.ForeignKeys, t.Checks = orNil(t.ForeignKeys), orNil(t.Checks)
		for k := range t.Columns {
			t.Columns[k].Type.Custom = orNil(t.Columns[k].Type.Custom)
		}
		for k := range t.Indexes {
			t.Indexes[k].Columns = orNil(t.Indexes[k].Columns)
		}
		for k := range t.Uniques {
			t.Uniques[k].Columns = orNil(t.Uniques[k].Columns)
		}
		for k := range t.ForeignKeys {
			fk := &t.ForeignKeys[k]
			fk.Columns, fk.RefColumns = orNil(fk.Columns), orNil(fk.RefColumns)
		}
	}
}

func orNil[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

// normalizeDefault puts a column default, of a column of kind, in the form
// both sides of a comparison share: no default for NULL, CURRENT_TIMESTAMP
// for the current time whatever its precision or spelling, true and false
// for a boolean's 1 and 0, and any other expression normalised as
// normalizeExpr does.
func normalizeDefault(expr string, kind schema.Kind) string {
	expr = normalizeExpr(expr)
	switch {
	case expr == "" || expr == "null":
		return ""
	case nowDefault.MatchString(expr) || currentTimestampN.MatchString(expr):
		return "CURRENT_TIMESTAMP"
	case kind == schema.Bool && (expr == "1" || expr == "true"):
		return "true"
	case kind == schema.Bool && (expr == "0" || expr == "false"):
		return "false"
	}
	return expr
}

// currentTimestampN matches CURRENT_TIMESTAMP with a precision, as
// normalizeExpr leaves it.
var currentTimestampN = regexp.MustCompile(`^current_timestamp\([0-6]?\)$`)

// normalizeExpr puts an SQL expression (a check, a default) in a form in
// which the model's spelling and MySQL's, which rewrites what it stores,
// compare equal: string literals as they are; identifiers without their
// quotes (double quotes or backticks) and, as MySQL's column names ignore
// case, keywords and identifiers in lower case; != as <>; one space
// between tokens but none inside parentheses or before a comma; and
// without the parentheses MySQL drops, those around all of it and those
// around an operand of AND or OR that holds no OR of its own. Two
// expressions that differ only in parentheses around an operand of AND
// and OR may compare equal although they group differently; for the
// expressions models write, that is rare.
func normalizeExpr(expr string) string {
	tokens := tokenize(expr)
	for changed := true; changed; {
		changed = false
		for i, tok := range tokens {
			if tok != "(" {
				continue
			}
			end := closing(tokens, i)
			if end < 0 {
				break
			}
			if droppable(tokens, i, end) {
				tokens = slices.Delete(tokens, end, end+1)
				tokens = slices.Delete(tokens, i, i+1)
				changed = true
				break
			}
		}
	}
	var b strings.Builder
	for i, tok := range tokens {
		call := tok == "(" && isWord(tokens[max(i-1, 0)]) && !isOperatorWord(tokens[max(i-1, 0)])
		if i > 0 && tokens[i-1] != "(" && tok != ")" && tok != "," && !call {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// droppable reports whether the parentheses at tokens[open] and
// tokens[end] are ones MySQL does not print: around all of the
// expression, around what another pair encloses, or around an operand of
// AND or OR, unless that operand holds an OR and is next to an AND.
func droppable(tokens []string, open, end int) bool {
	before, after := "", ""
	if open > 0 {
		before = tokens[open-1]
	}
	if end+1 < len(tokens) {
		after = tokens[end+1]
	}
	edge := func(t string) bool { return t == "" || t == "(" || t == ")" || t == "and" || t == "or" }
	if !edge(before) || !edge(after) {
		return false
	}
	return !topLevelOr(tokens[open+1:end]) || before != "and" && after != "and"
}

// topLevelOr reports whether tokens hold an OR outside parentheses.
func topLevelOr(tokens []string) bool {
	depth := 0
	for _, t := range tokens {
		switch t {
		case "(":
			depth++
		case ")":
			depth--
		case "or":
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

// closing returns the index of the parenthesis that closes tokens[open],
// or -1.
func closing(tokens []string, open int) int {
	depth := 0
	for i := open; i < len(tokens); i++ {
		switch tokens[i] {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// signsNumber reports whether expr[i] is the sign of a number, a - or +
// that starts an operand: at the start, or after an operator, a
// parenthesis or a comma.
func signsNumber(expr string, i int, tokens []string) bool {
	if expr[i] != '-' && expr[i] != '+' || i+1 >= len(expr) || !isDigit(expr[i+1]) {
		return false
	}
	if len(tokens) == 0 {
		return true
	}
	last := tokens[len(tokens)-1]
	return last == "(" || last == "," || !isWord(last) && last[0] != '\'' || isOperatorWord(last)
}

func isWord(t string) bool { return t != "" && (isIdentStart(t[0]) || t[0] >= '0' && t[0] <= '9') }

// isOperatorWord reports whether t is a keyword after which a parenthesis
// opens an operand rather than a function's arguments.
func isOperatorWord(t string) bool {
	switch t {
	case "and", "or", "not", "in", "is", "like", "between", "when", "then", "else", "case", "xor":
		return true
	}
	return false
}

// tokenize splits expr into string literals, identifiers (unquoted, lower
// case), numbers and operators.
func tokenize(expr string) []string {
	var tokens []string
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			n := literalEnd(expr[i:])
			if n == 0 {
				n = len(expr) - i
			}
			tokens = append(tokens, expr[i:i+n])
			i += n
		case c == '"' || c == '`':
			end := strings.IndexByte(expr[i+1:], c)
			if end < 0 {
				end = len(expr) - i - 1
			}
			tokens = append(tokens, strings.ToLower(expr[i+1:i+1+end]))
			i += end + 2
		case isIdentStart(c) || isDigit(c) || signsNumber(expr, i, tokens):
			j := i + 1
			for j < len(expr) && (isIdentStart(expr[j]) || expr[j] >= '0' && expr[j] <= '9' || expr[j] == '$' || expr[j] == '.') {
				j++
			}
			tokens = append(tokens, strings.ToLower(expr[i:j]))
			i = j
		case c == '(' || c == ')' || c == ',':
			tokens = append(tokens, string(c))
			i++
		default:
			j := i + 1
			for j < len(expr) && strings.IndexByte("<>=!|&+-*/%^~", expr[j]) >= 0 && strings.IndexByte("<>=!|&", c) >= 0 {
				j++
			}
			op := expr[i:j]
			if op == "!=" {
				op = "<>"
			}
			tokens = append(tokens, op)
			i = j
		}
	}
	return tokens
}

// literalEnd returns the length of the string literal expr starts with, or
// 0 when it starts with none.
func literalEnd(expr string) int {
	if !strings.HasPrefix(expr, "'") {
		return 0
	}
	for i := 1; i < len(expr); i++ {
		if expr[i] != '\'' {
			continue
		}
		if i+1 < len(expr) && expr[i+1] == '\'' {
			i++
			continue
		}
		return i + 1
	}
	return 0
}
