package load

import (
	"fmt"
	"go/types"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime/schema"
)

var (
	integerRe = regexp.MustCompile(`^[-+]?[0-9]+$`)
	decimalRe = regexp.MustCompile(`^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$`)
)

// defaultSQL checks the value v of a default= option for a column of type
// typ and returns it as SQL, or a message saying what to write instead.
// known tells whether the column's kind comes from its Go type (it does
// not for a type= column whose Go type has no kind); enum is the enum of
// an EnumKind column. key is the option being checked, "default" or
// "backfill" (which takes a value of the column's type too), and the
// messages name it.
func defaultSQL(key, v string, typ schema.Type, known bool, enum *enumType) (string, string) {
	switch {
	case v == "()":
		return "", "the expression is empty: write an SQL expression inside the parentheses, or remove " + key
	case isParenthesized(v):
		return v, "" // raw SQL
	case v == "now" && typ.Kind == schema.Timestamp:
		return "CURRENT_TIMESTAMP", ""
	case v == "now":
		return "", "now is for time columns: write a value of the column's type, such as " + exampleDefault(key, typ.Kind, known, enum)
	case !known:
		if isSQLString(v) || decimalRe.MatchString(v) || v == "true" || v == "false" {
			return v, ""
		}
		return "", "write a quoted SQL string, a number, true, false, or an SQL expression in parentheses, such as " + key + "=" + quoteSQL(v)
	}
	switch typ.Kind {
	case schema.Text:
		if isSQLString(v) {
			return v, ""
		}
		return "", "not an SQL string: write " + key + "=" + quoteSQL(v)
	case schema.EnumKind:
		return enumDefault(key, v, enum)
	case schema.Int16, schema.Int32, schema.Int64:
		return intDefault(key, v, typ.Kind)
	case schema.Float32, schema.Float64:
		if decimalRe.MatchString(v) {
			return v, ""
		}
		return "", "not a number: write a number such as " + key + "=0.5, or an SQL expression in parentheses"
	case schema.Bool:
		if v == "true" || v == "false" {
			return v, ""
		}
		return "", "write " + key + "=true or " + key + "=false"
	case schema.Timestamp:
		return "", "write " + key + "=now, or an SQL expression in parentheses, such as " + key + "=('2024-01-01 00:00:00+00')"
	}
	raw := v
	if strings.HasPrefix(v, `"`) {
		raw = quoteSQL(v)
	}
	return "", fmt.Sprintf("a %s column takes an SQL expression in parentheses as its %s: write %s=(%s)", typ.Kind, key, key, raw)
}

// exampleDefault shows a value of option key for a column of kind, for
// messages.
func exampleDefault(key string, kind schema.Kind, known bool, enum *enumType) string {
	switch {
	case !known:
		return key + "=(...)"
	case kind == schema.EnumKind && len(enum.values) > 0:
		return key + "=" + quoteSQL(enum.values[0])
	case kind == schema.Text:
		return key + "='now'"
	case kind == schema.Bool:
		return key + "=false"
	case kind == schema.Int16 || kind == schema.Int32 || kind == schema.Int64 || kind == schema.Float32 || kind == schema.Float64:
		return key + "=0"
	}
	return key + "=(...)"
}

// enumDefault checks the value v of option key for a column of enum e.
func enumDefault(key, v string, e *enumType) (string, string) {
	if !isSQLString(v) {
		if value, ok := e.consts[v]; ok {
			return "", fmt.Sprintf("write %s=%s, the value of %s", key, quoteSQL(value), v)
		}
		return "", "not an SQL string: write " + key + "=" + quoteSQL(v)
	}
	value := strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	if slices.Contains(e.values, value) {
		return v, ""
	}
	quoted := make([]string, len(e.values))
	for i, v := range e.values {
		quoted[i] = quoteSQL(v)
	}
	return "", fmt.Sprintf("%s is not a value of enum %s: write one of %s", v, e.name, strings.Join(quoted, ", "))
}

// intDefault checks the value v of option key for an integer column.
func intDefault(key, v string, kind schema.Kind) (string, string) {
	if !integerRe.MatchString(v) {
		return "", "not a whole number: write a number such as " + key + "=0, or an SQL expression in parentheses"
	}
	bits := map[schema.Kind]int{schema.Int16: 16, schema.Int32: 32, schema.Int64: 64}[kind]
	if _, err := strconv.ParseInt(v, 10, bits); err != nil {
		return "", fmt.Sprintf("out of range for %s", kind)
	}
	return v, ""
}

// isSQLString reports whether v is one SQL string literal: 'text', with
// quotes inside doubled.
func isSQLString(v string) bool {
	if len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return false
	}
	inner := v[1 : len(v)-1]
	return !strings.Contains(strings.ReplaceAll(inner, "''", ""), "'")
}

// quoteSQL writes v as an SQL string literal, taking off the quotes it may
// already have (single or double).
func quoteSQL(v string) string {
	if len(v) >= 2 && (v[0] == '\'' && v[len(v)-1] == '\'' || v[0] == '"' && v[len(v)-1] == '"') {
		v = v[1 : len(v)-1]
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// isParenthesized reports whether v is one parenthesized expression: its
// first parenthesis closes at its end.
func isParenthesized(v string) bool {
	return v != "" && v[0] == '(' && sqltext.ClosingParen(v, 0) == len(v)-1
}

// goRangeProblem says why the number sql, a default or backfill of a field
// of Go type g, is not a value of that Go type, which is narrower than its
// column's SQL type for an unsigned or 8-bit integer, or is out of range
// for a float; "" when it is a value, or not a plain number.
func goRangeProblem(g goType, sql string) string {
	b := basicOf(g.typ)
	if b == nil || !decimalRe.MatchString(sql) {
		return ""
	}
	info := b.Info()
	switch {
	case info&types.IsInteger != 0:
		if !integerRe.MatchString(sql) {
			return ""
		}
		var err error
		if info&types.IsUnsigned != 0 {
			_, err = strconv.ParseUint(strings.TrimPrefix(sql, "+"), 10, intBits(b.Kind()))
		} else {
			_, err = strconv.ParseInt(sql, 10, intBits(b.Kind()))
		}
		if err != nil {
			return fmt.Sprintf("%s is not a value of the field's Go type %s", sql, g.display())
		}
	case info&types.IsFloat != 0:
		bits := 64
		if b.Kind() == types.Float32 {
			bits = 32
		}
		if _, err := strconv.ParseFloat(sql, bits); err != nil {
			return fmt.Sprintf("%s is out of range for the field's Go type %s", sql, g.display())
		}
	}
	return ""
}

// basicOf returns the basic type under t, through a pointer, or nil.
func basicOf(t types.Type) *types.Basic {
	if t == nil {
		return nil
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	b, _ := t.Underlying().(*types.Basic)
	return b
}

// intBits returns the width of the integer kind k.
func intBits(k types.BasicKind) int {
	switch k {
	case types.Int8, types.Uint8:
		return 8
	case types.Int16, types.Uint16:
		return 16
	case types.Int32, types.Uint32:
		return 32
	}
	return 64
}
