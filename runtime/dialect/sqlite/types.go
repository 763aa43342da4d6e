package sqlite

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// rowidType is the declared type that, on a table's only primary-key column,
// makes that column an alias of the rowid: SQLite's identity column.
const rowidType = "INTEGER"

// ColumnType returns the SQL type the dialect declares for t: the type the
// model spelt out for SQLite with type= when there is one, and otherwise
//
//	Bool      BOOLEAN
//	Int16     SMALLINT
//	Int32     INT
//	Int64     BIGINT
//	Float32   REAL
//	Float64   DOUBLE
//	Text      TEXT, or VARCHAR(n) when Size is n > 0
//	Bytes     BLOB
//	Timestamp TIMESTAMP
//	JSON      TEXT
//	UUID      TEXT
//	enum      TEXT (the column adds a CHECK listing the values, unless
//	          type= overrides its type)
//
// Int32 is INT rather than INTEGER so that the one column declared INTEGER
// is an identity primary key, which Render declares INTEGER PRIMARY KEY
// whatever its Kind.
func (Dialect) ColumnType(t schema.Type) (string, error) {
	if custom, ok := t.CustomFor(dialectName); ok {
		return custom, nil
	}
	switch t.Kind {
	case schema.Bool:
		return "BOOLEAN", nil
	case schema.Int16:
		return "SMALLINT", nil
	case schema.Int32:
		return "INT", nil
	case schema.Int64:
		return "BIGINT", nil
	case schema.Float32:
		return "REAL", nil
	case schema.Float64:
		return "DOUBLE", nil
	case schema.Text:
		if t.Size > 0 {
			return "VARCHAR(" + strconv.Itoa(t.Size) + ")", nil
		}
		return "TEXT", nil
	case schema.Bytes:
		return "BLOB", nil
	case schema.Timestamp:
		return "TIMESTAMP", nil
	case schema.JSON, schema.UUID, schema.EnumKind:
		return "TEXT", nil
	}
	return "", fmt.Errorf("sqlite: unknown column kind %q", t.Kind)
}

// declaredType maps a declared SQL type back to the [schema.Type] that
// [Dialect.ColumnType] declares that way. It is the inverse of ColumnType on
// the types ColumnType produces, with the kinds SQLite stores alike folded
// (JSON and UUID read back as Text, an enum as Text until its CHECK is
// seen). INTEGER, which ColumnType never produces, and any other text come
// back as a custom type for SQLite, as written. rowid reports whether the
// column is its table's only primary-key column, in which case INTEGER
// is the identity column and reads back as Int64 with identity set.
func declaredType(decl string, rowid bool) (t schema.Type, identity bool) {
	upper := strings.ToUpper(strings.TrimSpace(decl))
	if rowid && upper == rowidType {
		return schema.Type{Kind: schema.Int64}, true
	}
	if k, ok := declaredKinds[upper]; ok {
		return schema.Type{Kind: k}, false
	}
	if size, ok := varcharSize(upper); ok {
		return schema.Type{Kind: schema.Text, Size: size}, false
	}
	return schema.Type{Custom: []schema.CustomType{{Dialect: dialectName, SQL: decl}}}, false
}

// declaredKinds maps the declared types ColumnType writes for a bare Kind
// back to that Kind.
var declaredKinds = map[string]schema.Kind{
	"BOOLEAN":   schema.Bool,
	"SMALLINT":  schema.Int16,
	"INT":       schema.Int32,
	"BIGINT":    schema.Int64,
	"REAL":      schema.Float32,
	"DOUBLE":    schema.Float64,
	"TEXT":      schema.Text,
	"BLOB":      schema.Bytes,
	"TIMESTAMP": schema.Timestamp,
}

// varcharSize returns n for a declared type VARCHAR(n) with n > 0, written
// as ColumnType writes it.
func varcharSize(upper string) (int, bool) {
	digits, ok := strings.CutPrefix(upper, "VARCHAR(")
	if !ok {
		return 0, false
	}
	digits, ok = strings.CutSuffix(digits, ")")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n <= 0 || strconv.Itoa(n) != digits {
		return 0, false
	}
	return n, true
}
