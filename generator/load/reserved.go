package load

import "strings"

// The names each engine keeps for itself, which a model must not take.

// systemColumns are the columns every table has already: PostgreSQL's
// system columns, and SQLite's names of the row id, which strata's table
// rebuilds on SQLite copy rows by.
var systemColumns = map[string]string{
	"tableoid": "PostgreSQL", "xmin": "PostgreSQL", "cmin": "PostgreSQL",
	"xmax": "PostgreSQL", "cmax": "PostgreSQL", "ctid": "PostgreSQL",
	"oid": "PostgreSQL and SQLite", "rowid": "SQLite", "_rowid_": "SQLite",
}

// columnReserved says why column cannot be a column's name, naming the
// engine, or returns "".
func columnReserved(column string) string {
	if engine, ok := systemColumns[column]; ok {
		return "every table of " + engine + " has a column " + column + " of its own"
	}
	return ""
}

// tableReserved says why table cannot be a table's name, naming the
// engine, or returns "".
func tableReserved(table string) string {
	switch {
	case strings.HasPrefix(table, "strata_"):
		return `the prefix "strata_" is reserved for strata's own tables`
	case strings.HasPrefix(table, "sqlite_"):
		return `SQLite reserves the prefix "sqlite_" for its own tables`
	case strings.HasPrefix(table, "pg_"):
		return `PostgreSQL names its catalogues with the prefix "pg_", and they come first on the search path: one of the same name would hide the table`
	}
	return ""
}

// builtinTypes are the names of PostgreSQL's own types, with their
// aliases: an enum of one of those names is not found where a column
// names it (the built-in type, in pg_catalog, comes first on the search
// path), so the column silently takes the built-in type.
var builtinTypes = map[string]bool{
	"bigint": true, "bigserial": true, "bit": true, "bool": true, "boolean": true, "box": true, "bpchar": true,
	"bytea": true, "char": true, "character": true, "cidr": true, "circle": true, "date": true, "decimal": true,
	"float4": true, "float8": true, "inet": true, "int": true, "int2": true, "int4": true, "int8": true,
	"integer": true, "interval": true, "json": true, "jsonb": true, "line": true, "lseg": true, "macaddr": true,
	"macaddr8": true, "money": true, "name": true, "numeric": true, "oid": true, "path": true, "point": true,
	"polygon": true, "real": true, "record": true, "regclass": true, "serial": true, "serial2": true,
	"serial4": true, "serial8": true, "smallint": true, "smallserial": true, "text": true, "time": true,
	"timestamp": true, "timestamptz": true, "timetz": true, "tsquery": true, "tsvector": true, "uuid": true,
	"varbit": true, "varchar": true, "void": true, "xml": true,
}

// enumReserved says why enum cannot be an enum type's name, naming the
// engine, or returns "".
func enumReserved(enum string) string {
	if builtinTypes[enum] {
		return "PostgreSQL has a type " + enum + " of its own, which a column naming the enum would take instead"
	}
	return ""
}
