package postgres

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// kindTypes maps each kind to the type PostgreSQL declares for it. Text with
// a size and enums are spelt out by [columnType].
var kindTypes = map[schema.Kind]string{
	schema.Bool:      "BOOLEAN",
	schema.Int16:     "SMALLINT",
	schema.Int32:     "INTEGER",
	schema.Int64:     "BIGINT",
	schema.Float32:   "REAL",
	schema.Float64:   "DOUBLE PRECISION",
	schema.Text:      "TEXT",
	schema.Bytes:     "BYTEA",
	schema.Timestamp: "TIMESTAMPTZ",
	schema.JSON:      "JSONB",
	schema.UUID:      "UUID",
}

// ColumnType returns the SQL type the dialect declares for t: the type the
// model spelt out for PostgreSQL when there is one (see
// [schema.Type.CustomFor]), and otherwise the type of its kind, such as
// BIGINT, VARCHAR(320) or the quoted name of its enum type.
func (Dialect) ColumnType(t schema.Type) (string, error) {
	sql, err := columnType(t)
	if err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	return sql, nil
}

func columnType(t schema.Type) (string, error) {
	if custom, ok := t.CustomFor(name); ok {
		if strings.TrimSpace(custom) == "" {
			return "", fmt.Errorf("empty custom type")
		}
		return custom, nil
	}
	switch {
	case t.Kind == schema.Text && t.Size < 0:
		return "", fmt.Errorf("negative text size %d", t.Size)
	case t.Kind == schema.Text && t.Size > 0:
		return "VARCHAR(" + strconv.Itoa(t.Size) + ")", nil
	case t.Kind == schema.EnumKind && t.Enum == "":
		return "", fmt.Errorf("enum column without an enum type name")
	case t.Kind == schema.EnumKind:
		return Dialect{}.QuoteIdent(t.Enum), nil
	}
	sql, ok := kindTypes[t.Kind]
	if !ok {
		return "", fmt.Errorf("unknown column kind %q", t.Kind)
	}
	return sql, nil
}

// isInteger reports whether k is one of the integer kinds, the only ones an
// identity column may have.
func isInteger(k schema.Kind) bool {
	return k == schema.Int16 || k == schema.Int32 || k == schema.Int64
}

// printedKinds maps the names PostgreSQL's format_type prints for the types
// of [kindTypes] back to their kinds.
var printedKinds = map[string]schema.Kind{
	"boolean":                  schema.Bool,
	"smallint":                 schema.Int16,
	"integer":                  schema.Int32,
	"bigint":                   schema.Int64,
	"real":                     schema.Float32,
	"double precision":         schema.Float64,
	"text":                     schema.Text,
	"bytea":                    schema.Bytes,
	"timestamp with time zone": schema.Timestamp,
	"jsonb":                    schema.JSON,
	"uuid":                     schema.UUID,
}

// typeAliases maps the other names PostgreSQL accepts for a type to the one
// format_type prints.
var typeAliases = map[string]string{
	"bool":        "boolean",
	"int2":        "smallint",
	"int":         "integer",
	"int4":        "integer",
	"int8":        "bigint",
	"float4":      "real",
	"float8":      "double precision",
	"float":       "double precision",
	"timestamptz": "timestamp with time zone",
	"timestamp":   "timestamp without time zone",
	"timetz":      "time with time zone",
	"time":        "time without time zone",
	"varchar":     "character varying",
	"char":        "character",
	"decimal":     "numeric",
}

// typeFromSQL turns a PostgreSQL type, as format_type prints it or as a
// model spells it, into the [schema.Type] strata means by it: the kind when
// the type is one strata declares for a kind, and otherwise a custom type
// holding the text in the form PostgreSQL prints (lower case, aliases
// resolved, no spaces around parentheses and commas).
func typeFromSQL(sql string) schema.Type {
	text := canonicalType(sql)
	if kind, ok := printedKinds[text]; ok {
		return schema.Type{Kind: kind}
	}
	if size, ok := strings.CutPrefix(text, "character varying("); ok {
		if n, err := strconv.Atoi(strings.TrimSuffix(size, ")")); err == nil && strings.HasSuffix(size, ")") && n > 0 {
			return schema.Type{Kind: schema.Text, Size: n}
		}
	}
	return schema.Type{Custom: []schema.CustomType{{Dialect: name, SQL: text}}}
}

// canonicalType lowercases a type outside double quotes, collapses its
// spaces, drops those next to parentheses and commas, and resolves the
// alias of its base name.
func canonicalType(sql string) string {
	var b strings.Builder
	quoted, space := false, false
	for _, r := range strings.TrimSpace(sql) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == ' ' || r == '\t' || r == '\n':
			space = true
			continue
		case r == '(' || r == ')' || r == ',' || r == '[' || r == ']':
			space = false
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		if space {
			if last := b.String(); last != "" && !strings.ContainsAny(last[len(last)-1:], "(,[") {
				b.WriteByte(' ')
			}
			space = false
		}
		b.WriteRune(r)
	}
	return resolveAlias(b.String())
}

// resolveAlias replaces the base name of a type in canonical spelling by the
// name format_type prints for it, keeping its parameters and array brackets:
// int8 becomes bigint, timestamptz(3)[] becomes
// timestamp(3) with time zone[].
func resolveAlias(text string) string {
	base, params, array := text, "", ""
	if i := strings.Index(base, "["); i >= 0 {
		base, array = base[:i], base[i:]
	}
	if i := strings.Index(base, "("); i >= 0 && strings.HasSuffix(base, ")") {
		base, params = base[:i], base[i:]
	}
	alias, ok := typeAliases[base]
	if !ok {
		return text
	}
	if head, zone, ok := strings.Cut(alias, " with"); ok {
		return head + params + " with" + zone + array
	}
	return alias + params + array
}

// castGroups gathers the types, by the base name format_type prints, that
// PostgreSQL converts between by itself in an assignment: numbers, bit
// strings, JSON, and dates and timestamps.
var castGroups = map[string]string{
	"smallint":                    "number",
	"integer":                     "number",
	"bigint":                      "number",
	"real":                        "number",
	"double precision":            "number",
	"numeric":                     "number",
	"bit":                         "bit",
	"bit varying":                 "bit",
	"json":                        "json",
	"jsonb":                       "json",
	"date":                        "time",
	"timestamp without time zone": "time",
	"timestamp with time zone":    "time",
}

// stringTypes are the base names of the string types, to which PostgreSQL
// converts any value in an assignment.
var stringTypes = map[string]bool{
	"text":              true,
	"character varying": true,
	"character":         true,
	"bpchar":            true,
	"name":              true,
}

// typeParams matches the parameters of a type, as in numeric(10,2) or
// timestamp(3) with time zone.
var typeParams = regexp.MustCompile(`\([^)]*\)`)

// castsByAssignment reports whether PostgreSQL converts a column of SQL type
// from to SQL type to by itself, as ALTER COLUMN ... TYPE does without a
// USING clause: to a string type from anything, and within one of
// [castGroups], element by element between arrays.
func castsByAssignment(from, to string) bool {
	from, to = canonicalType(from), canonicalType(to)
	if stringTypes[typeParams.ReplaceAllString(to, "")] {
		return true
	}
	fromElem, fromArray := strings.CutSuffix(from, "[]")
	toElem, toArray := strings.CutSuffix(to, "[]")
	if fromArray || toArray {
		return fromArray && toArray && castsByAssignment(fromElem, toElem)
	}
	group := castGroups[typeParams.ReplaceAllString(from, "")]
	return group != "" && group == castGroups[typeParams.ReplaceAllString(to, "")]
}
