package modelgen

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime/schema"
)

// Import paths of the types fields may take.
const (
	importTime   = "time"
	importJSON   = "encoding/json"
	importUUID   = "github.com/google/uuid"
	importColumn = "github.com/strata-go/strata/runtime/column"
)

// kindGoTypes are the Go types of strata's kinds, as the loader maps them
// back.
var kindGoTypes = map[schema.Kind]string{
	schema.Bool: "bool", schema.Int16: "int16", schema.Int32: "int32", schema.Int64: "int64",
	schema.Float32: "float32", schema.Float64: "float64", schema.Text: "string", schema.Bytes: "[]byte",
	schema.Timestamp: "time.Time", schema.JSON: "json.RawMessage", schema.UUID: "uuid.UUID",
}

// goKinds are the kinds the loader reads from the Go types above.
var goKinds = map[string]schema.Kind{}

func init() {
	for k, t := range kindGoTypes {
		goKinds[t] = k
	}
}

// column returns the field of column c of t, or nil when the models leave
// the column out (and say why).
func (g *gen) column(t *schema.Table, c *schema.Column) *field {
	f := &field{col: c}
	base := g.baseType(t, c, f)
	if base == "" {
		return nil
	}
	f.typ.Kind = goKinds[base]
	if c.Type.Kind == schema.EnumKind && f.typ.Kind == "" {
		f.typ.Kind = schema.EnumKind
	}
	if f.typ.Kind == schema.EnumKind {
		f.typ.Enum = c.Type.Enum
	}
	if f.typ.Kind == schema.Text && len(c.Type.Custom) == 0 {
		f.size, f.typ.Size = c.Type.Size, c.Type.Size
	}
	f.goType = g.nullable(t, c, base)
	if c.Identity {
		if onePK(t, c.Name) && (f.typ.Kind == schema.Int16 || f.typ.Kind == schema.Int32 || f.typ.Kind == schema.Int64) {
			f.identity = true
		} else {
			g.skip("column %s.%s: identity on a column that is not a table's one integer key column; the models drop identity", t.Name, c.Name)
		}
	}
	g.defaultOf(t, c, f)
	return f
}

// baseType returns the Go type of c's values, NULL aside, and sets the
// type= options of f; "" leaves the column out.
func (g *gen) baseType(t *schema.Table, c *schema.Column, f *field) string {
	for _, ct := range c.Type.Custom {
		if p := sqltext.Type(ct.SQL); p != nil {
			g.skip("column %s.%s: its type %s is not one strata can write (%s); it is left out", t.Name, c.Name, ct.SQL, p.Why)
			return ""
		}
		key := "type"
		if ct.Dialect != "" {
			key += "." + ct.Dialect
		}
		f.custom = append(f.custom, key+"="+ct.SQL)
		f.typ.Custom = append(f.typ.Custom, ct)
	}
	switch {
	case c.Type.Kind == schema.EnumKind:
		em := g.enumOf[c.Type.Enum]
		if em == nil || em.problem != "" {
			why := "its enum " + c.Type.Enum + " is unknown"
			if em != nil {
				why = em.problem
			}
			g.skip("column %s.%s: %s; the models make it a string column", t.Name, c.Name, why)
			return "string"
		}
		em.used = true
		return em.goName
	case c.Type.Kind != "":
		base := kindGoTypes[c.Type.Kind]
		g.use(base)
		return base
	case len(c.Type.Custom) > 0:
		base := goTypeOfSQL(c.Type.Custom[0].SQL)
		g.use(base)
		return base
	}
	g.skip("column %s.%s: it has no type; it is left out", t.Name, c.Name)
	return ""
}

// use records the import a Go type needs.
func (g *gen) use(goType string) {
	switch {
	case strings.HasPrefix(goType, "time."):
		g.imports[importTime] = true
	case strings.HasPrefix(goType, "json."):
		g.imports[importJSON] = true
	case strings.HasPrefix(goType, "uuid."):
		g.imports[importUUID] = true
	}
}

// sqlTypeBase matches the name of an SQL type, without its parameters.
var sqlTypeBase = regexp.MustCompile(`^[a-z0-9_ ]+`)

// goTypeOfSQL returns the natural Go type of an SQL type strata has no
// kind for: the column keeps its SQL type through a type= option.
func goTypeOfSQL(sql string) string {
	lower := strings.ToLower(strings.TrimSpace(sql))
	if strings.HasSuffix(lower, "]") {
		return "string" // an array: its text form
	}
	base := strings.TrimSpace(sqlTypeBase.FindString(lower))
	switch {
	case base == "interval" || base == "point":
		return "string"
	case strings.Contains(base, "int") || strings.Contains(base, "serial"):
		return "int64"
	case strings.HasPrefix(base, "numeric"), strings.HasPrefix(base, "decimal"), strings.HasPrefix(base, "real"),
		strings.HasPrefix(base, "double"), strings.HasPrefix(base, "float"):
		return "float64"
	case strings.HasPrefix(base, "bool"):
		return "bool"
	case strings.HasPrefix(base, "timestamp"), base == "date", base == "datetime":
		return "time.Time"
	case base == "bytea" || base == "blob":
		return "[]byte"
	case base == "json" || base == "jsonb":
		return "json.RawMessage"
	}
	return "string"
}

// nullable returns the field's Go type for a column of values of type
// base: a pointer when the column is NULL-able, except a slice, which is
// NULL-able already; column.JSON for JSON that is not.
func (g *gen) nullable(t *schema.Table, c *schema.Column, base string) string {
	nilable := strings.HasPrefix(base, "[]") || base == "json.RawMessage"
	switch {
	case inKey(t, c.Name) || (c.Nullable && nilable):
		return base
	case c.Nullable:
		return "*" + base
	case base == "json.RawMessage":
		g.imports[importColumn] = true
		return "column.JSON[json.RawMessage]"
	case nilable:
		g.skip("column %s.%s: NOT NULL, but a %s field is NULL-able, and strata has no NOT NULL %s; the models make it NULL-able", t.Name, c.Name, base, base)
	}
	return base
}

var (
	integerRe = regexp.MustCompile(`^[-+]?[0-9]+$`)
	decimalRe = regexp.MustCompile(`^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$`)
)

// intRanges are the ranges of the Go integer types fields take.
var intRanges = map[schema.Kind][2]int64{
	schema.Int16: {math.MinInt16, math.MaxInt16},
	schema.Int32: {math.MinInt32, math.MaxInt32},
	schema.Int64: {math.MinInt64, math.MaxInt64},
}

// defaultOf sets the default= and auto_now options of f from c.
func (g *gen) defaultOf(t *schema.Table, c *schema.Column, f *field) {
	d := c.Default
	if c.AutoNow {
		if f.typ.Kind != schema.Timestamp {
			g.skip("column %s.%s: an auto_now trigger on a column that is not a time; the models drop auto_now", t.Name, c.Name)
		} else {
			f.autoNow = true
			if d == "" {
				g.skip("column %s.%s: auto_now without a default; the models give it the default now", t.Name, c.Name)
			}
			if d == "CURRENT_TIMESTAMP" {
				return
			}
		}
	}
	if d == "" {
		return
	}
	if v, ok := literalDefault(f.typ.Kind, d); ok {
		f.def = v
		return
	}
	expr := d
	if !parenthesized(d) {
		expr = "(" + d + ")"
	}
	if p := sqltext.Expression(expr); p != nil {
		g.skip("column %s.%s: its default %s is not one SQL expression strata can write (%s); it is left out", t.Name, c.Name, d, p.Why)
		return
	}
	f.def = expr
}

// literalDefault returns d as a default= value without parentheses, when
// the loader takes it so for a column of kind.
func literalDefault(kind schema.Kind, d string) (string, bool) {
	switch kind {
	case schema.Timestamp:
		return "now", d == "CURRENT_TIMESTAMP"
	case schema.Text, schema.EnumKind:
		return d, isSQLString(d) && sqltext.Expression(d) == nil
	case schema.Int16, schema.Int32, schema.Int64:
		if !integerRe.MatchString(d) {
			return "", false
		}
		n, err := strconv.ParseInt(d, 10, 64)
		r := intRanges[kind]
		return d, err == nil && n >= r[0] && n <= r[1]
	case schema.Float32, schema.Float64:
		return d, decimalRe.MatchString(d)
	case schema.Bool:
		return d, d == "true" || d == "false"
	}
	return "", false
}

// isSQLString reports whether s is one SQL string literal.
func isSQLString(s string) bool {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return false
	}
	inner := s[1 : len(s)-1]
	return !strings.Contains(strings.ReplaceAll(inner, "''", ""), "'")
}

// parenthesized reports whether one pair of parentheses encloses all of s.
func parenthesized(s string) bool {
	return strings.HasPrefix(s, "(") && sqltext.ClosingParen(s, 0) == len(s)-1
}
