package mysql

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// kindTypes maps each kind to the type MySQL declares for it. Text with a
// size and enums are spelt out by [columnType].
//
//   - Timestamp is DATETIME(6), not TIMESTAMP: TIMESTAMP ends in January
//     2038 and converts every value between the session's time zone and
//     UTC as it stores and reads it, so the same row reads differently in
//     two sessions; DATETIME(6) holds years 1000 to 9999 as written, to
//     the microsecond, as PostgreSQL's TIMESTAMPTZ does. strata writes UTC
//     into it: see the package documentation on the session's time zone.
//   - JSON is JSON: a type of its own on MySQL 8, an alias of LONGTEXT with
//     a CHECK (json_valid(...)) on MariaDB; either refuses text that is not
//     JSON.
//   - UUID is CHAR(36): a google/uuid UUID (or any [16]byte UUID type with
//     the usual Valuer) is written as its 36-character text and scanned
//     back from it by database/sql without help. BINARY(16) would be half
//     the size, but the UUID's Value is text, which does not fit 16 bytes,
//     so every client would have to convert on each write.
//   - Text is LONGTEXT and Bytes LONGBLOB, unbounded like PostgreSQL's
//     TEXT and BYTEA: TEXT and BLOB stop at 64 KiB.
//   - Bool is BOOLEAN, which MySQL stores as TINYINT(1).
var kindTypes = map[schema.Kind]string{
	schema.Bool:      "BOOLEAN",
	schema.Int16:     "SMALLINT",
	schema.Int32:     "INT",
	schema.Int64:     "BIGINT",
	schema.Float32:   "FLOAT",
	schema.Float64:   "DOUBLE",
	schema.Text:      "LONGTEXT",
	schema.Bytes:     "LONGBLOB",
	schema.Timestamp: "DATETIME(6)",
	schema.JSON:      "JSON",
	schema.UUID:      "CHAR(36)",
}

// maxVarchar is the longest VARCHAR strata declares, in characters: a
// row's VARCHAR columns share 65,535 bytes, 4 of them per character in
// utf8mb4.
const maxVarchar = 16383

// ColumnType returns the SQL type the dialect declares for t: the type the
// model spelt out for MySQL when there is one (see
// [schema.Type.CustomFor]), and otherwise the type of its kind, such as
// BIGINT, VARCHAR(320) or DATETIME(6). An enum column's type lists its
// values, which need the schema: ColumnType refuses one; Render declares
// it.
func (Dialect) ColumnType(t schema.Type) (string, error) {
	sql, err := columnType(nil, t)
	if err != nil {
		return "", fmt.Errorf("mysql: %w", err)
	}
	return sql, nil
}

// columnType returns the type of t, whose enum, when it is one, s holds.
func columnType(s *schema.Schema, t schema.Type) (string, error) {
	if custom, ok := t.CustomFor(name); ok {
		if strings.TrimSpace(custom) == "" {
			return "", errors.New("empty custom type")
		}
		return custom, nil
	}
	switch {
	case t.Kind == schema.Text && t.Size < 0:
		return "", fmt.Errorf("negative text size %d", t.Size)
	case t.Kind == schema.Text && t.Size > maxVarchar:
		return "", fmt.Errorf("text size %d is over the %d characters of a VARCHAR on MySQL: drop the size for an unbounded text", t.Size, maxVarchar)
	case t.Kind == schema.Text && t.Size > 0:
		return "VARCHAR(" + strconv.Itoa(t.Size) + ")", nil
	case t.Kind == schema.EnumKind && t.Enum == "":
		return "", errors.New("enum column without an enum type name")
	case t.Kind == schema.EnumKind && s == nil:
		return "", fmt.Errorf("enum %s: MySQL declares an enum column with its values", t.Enum)
	case t.Kind == schema.EnumKind:
		e := s.Enum(t.Enum)
		if e == nil {
			return "", fmt.Errorf("no enum type %s", t.Enum)
		}
		return enumType(e.Values), nil
	}
	sql, ok := kindTypes[t.Kind]
	if !ok {
		return "", fmt.Errorf("unknown column kind %q", t.Kind)
	}
	return sql, nil
}

// enumType declares an ENUM of values.
func enumType(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = quoteLiteral(v)
	}
	return "ENUM(" + strings.Join(quoted, ", ") + ")"
}

// isInteger reports whether k is one of the integer kinds, the only ones an
// identity (AUTO_INCREMENT) column may have.
func isInteger(k schema.Kind) bool {
	return k == schema.Int16 || k == schema.Int32 || k == schema.Int64
}

// isLong reports whether the SQL type typ, as declared, is one MySQL
// indexes only by a prefix: TEXT, BLOB and JSON of every size.
func isLong(typ string) bool {
	base := strings.ToLower(strings.TrimSpace(typ))
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob", "json":
		return true
	}
	return false
}

// printedKinds maps the types information_schema.COLUMNS.COLUMN_TYPE
// prints for the types of [kindTypes] back to their kinds. MariaDB prints
// integer display widths, MySQL 8 does not.
var printedKinds = map[string]schema.Kind{
	"tinyint(1)":  schema.Bool,
	"smallint":    schema.Int16,
	"smallint(6)": schema.Int16,
	"int":         schema.Int32,
	"int(11)":     schema.Int32,
	"bigint":      schema.Int64,
	"bigint(20)":  schema.Int64,
	"float":       schema.Float32,
	"double":      schema.Float64,
	"longtext":    schema.Text,
	"longblob":    schema.Bytes,
	"datetime(6)": schema.Timestamp,
	"json":        schema.JSON,
	"char(36)":    schema.UUID,
}

// typeAliases maps the names MySQL accepts for a type to the one it
// prints.
var typeAliases = map[string]string{
	"boolean":          "tinyint(1)",
	"bool":             "tinyint(1)",
	"integer":          "int",
	"numeric":          "decimal",
	"real":             "double",
	"double precision": "double",
	"character":        "char",
	"dec":              "decimal",
}

// typeFromSQL turns a MySQL type, as COLUMN_TYPE prints it or as a model
// spells it, into the [schema.Type] strata means by it: the kind when the
// type is one strata declares for a kind, and otherwise a custom type for
// "mysql" holding the text in the form MySQL prints (see canonicalType).
// An ENUM comes back as a custom type too: [Inspect] names its enum.
func typeFromSQL(sql string) schema.Type {
	text := canonicalType(sql)
	if kind, ok := printedKinds[text]; ok {
		return schema.Type{Kind: kind}
	}
	if size, ok := strings.CutPrefix(text, "varchar("); ok {
		if n, err := strconv.Atoi(strings.TrimSuffix(size, ")")); err == nil && strings.HasSuffix(size, ")") && n > 0 {
			return schema.Type{Kind: schema.Text, Size: n}
		}
	}
	return schema.Type{Custom: []schema.CustomType{{Dialect: name, SQL: text}}}
}

// canonicalType lowercases a type outside quotes, collapses its spaces,
// drops those next to parentheses and commas, and resolves the alias of
// its base name: "NUMERIC(10, 2)" becomes "decimal(10,2)".
func canonicalType(sql string) string {
	var b strings.Builder
	var quote rune
	space := false
	for _, r := range strings.TrimSpace(sql) {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			quote = r
		case r == ' ' || r == '\t' || r == '\n':
			space = true
			continue
		case r == '(' || r == ')' || r == ',':
			space = false
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		if space {
			if last := b.String(); last != "" && !strings.ContainsAny(last[len(last)-1:], "(,") {
				b.WriteByte(' ')
			}
			space = false
		}
		b.WriteRune(r)
	}
	text := b.String()
	base, params := text, ""
	if i := strings.Index(text, "("); i >= 0 {
		base, params = text[:i], text[i:]
	}
	if alias, ok := typeAliases[base]; ok {
		if strings.Contains(alias, "(") {
			return alias
		}
		return alias + params
	}
	return text
}
