package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime/schema"
)

// Inspect reads the schema of the database db is connected to, in its
// current schema (current_schema(), usually public), back into a canonical
// [schema.Schema]: enum types with their values in order; tables with their
// columns in the order the database holds them, their types, nullability,
// defaults and identity; primary keys; unique constraints; the other indexes,
// with their column order, uniqueness and predicate; foreign keys with their
// actions; and check constraints. Tables whose names start with "strata_"
// (strata's own) and everything outside the current schema are left out.
// Inspect reads the catalog in one read-only transaction, so what it returns
// is one consistent picture.
//
// It is exact where PostgreSQL can say, and reads back what it cannot the
// way [Comparable] expects:
//   - AutoNow is set on the columns that the trigger and function Render
//     writes for a table keep current (strata_auto_now, calling
//     strata_auto_now_{table}); other triggers are not reported.
//   - A type strata has no kind for comes back as a custom type for
//     "postgres" holding PostgreSQL's spelling of it, such as numeric(10,2).
//   - Defaults, check expressions and index predicates lose the parentheses
//     around all of them, the casts PostgreSQL adds to text literals
//     ('x'::text is 'x') and the quotes and casts it puts on numbers
//     ('-1'::integer is -1). A default that is a literal loses its cast
//     whatever the type ('active'::status is 'active'), and now() reads as
//     CURRENT_TIMESTAMP. Otherwise they come back as PostgreSQL prints them,
//     which a model matches by writing them that way: a >= 0 and
//     (a > 0) AND (b > 0) read back as written, but a IN ('x', 'y') reads
//     back as a = ANY (ARRAY['x', 'y']).
//   - The indexes behind primary keys and unique constraints are not
//     reported as indexes, and the primary key's name is not reported.
//   - An expression in an index reads back as a column named by that
//     expression; sort orders, operator classes and INCLUDE columns are not
//     reported, nor are exclusion constraints, views or sequences.
func Inspect(ctx context.Context, db *sql.DB) (*schema.Schema, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("postgres: inspect: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	in := &inspector{tx: tx, tables: map[string]*schema.Table{}}
	for _, step := range []struct {
		what  string
		query string
		scan  func(*sql.Rows) error
	}{
		{"enums", enumsQuery, in.enum},
		{"tables", tablesQuery, in.table},
		{"columns", columnsQuery, in.column},
		{"auto_now triggers", autoNowQuery, in.autoNow},
		{"constraints", constraintsQuery, in.constraint},
		{"indexes", indexesQuery, in.index},
	} {
		if err := in.each(ctx, step.query, step.scan); err != nil {
			return nil, fmt.Errorf("postgres: inspect %s: %w", step.what, err)
		}
	}
	s := &schema.Schema{Enums: in.enums}
	for _, name := range in.order {
		s.Tables = append(s.Tables, *in.tables[name])
	}
	s.Normalize()
	return s, nil
}

// inspector gathers the schema Inspect reads, one catalog query at a time.
type inspector struct {
	tx     *sql.Tx
	enums  []schema.Enum
	order  []string // table names, in the order read
	tables map[string]*schema.Table
}

func (in *inspector) each(ctx context.Context, query string, scan func(*sql.Rows) error) error {
	rows, err := in.tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

const enumsQuery = `
SELECT t.typname,
       array_to_json(ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e
                           WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder))::text
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = current_schema() AND t.typtype = 'e'
ORDER BY t.typname`

func (in *inspector) enum(rows *sql.Rows) error {
	var e schema.Enum
	var values string
	if err := rows.Scan(&e.Name, &values); err != nil {
		return err
	}
	var err error
	e.Values, err = decodeNames(values)
	in.enums = append(in.enums, e)
	return err
}

// relationFilter keeps the ordinary and partitioned tables of the current
// schema, c being the table's pg_class row and n its namespace.
const relationFilter = `n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`

const tablesQuery = `
SELECT c.relname
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ` + relationFilter + `
ORDER BY c.relname`

func (in *inspector) table(rows *sql.Rows) error {
	var name string
	if err := rows.Scan(&name); err != nil {
		return err
	}
	if !strings.HasPrefix(name, "strata_") {
		in.order = append(in.order, name)
		in.tables[name] = &schema.Table{Name: name}
	}
	return nil
}

const columnsQuery = `
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       t.typtype = 'e' AND t.typnamespace = n.oid, t.typname,
       a.attnotnull, COALESCE(pg_get_expr(d.adbin, d.adrelid), ''),
       a.attidentity IN ('a', 'd')
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE ` + relationFilter + ` AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`

func (in *inspector) column(rows *sql.Rows) error {
	var table, typ, typeName, def string
	var isEnum, notNull bool
	var c schema.Column
	if err := rows.Scan(&table, &c.Name, &typ, &isEnum, &typeName, &notNull, &def, &c.Identity); err != nil {
		return err
	}
	t := in.tables[table]
	if t == nil {
		return nil
	}
	if isEnum {
		c.Type = schema.Type{Kind: schema.EnumKind, Enum: typeName}
	} else {
		c.Type = typeFromSQL(typ)
	}
	c.Nullable = !notNull
	c.Default = normalizeDefault(def)
	t.Columns = append(t.Columns, c)
	return nil
}

// attnames lists, as a JSON array, the names of the columns whose numbers
// are in the array keys of the table relid, in the array's order.
func attnames(keys, relid string) string {
	return `array_to_json(ARRAY(
           SELECT a.attname FROM unnest(` + keys + `) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_catalog.pg_attribute a ON a.attrelid = ` + relid + ` AND a.attnum = k.attnum
           ORDER BY k.ord))::text`
}

var constraintsQuery = `
SELECT c.relname, co.conname, co.contype, ` + attnames("co.conkey", "co.conrelid") + `,
       COALESCE(r.relname, ''), ` + attnames("co.confkey", "co.confrelid") + `,
       co.confdeltype, co.confupdtype, pg_get_constraintdef(co.oid)
FROM pg_catalog.pg_constraint co
JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class r ON r.oid = co.confrelid
WHERE ` + relationFilter + ` AND co.contype IN ('p', 'u', 'f', 'c')
ORDER BY c.relname, co.conname`

// actions maps pg_constraint's confdeltype and confupdtype codes to actions.
var actions = map[string]schema.Action{
	"a": schema.NoAction,
	"r": schema.Restrict,
	"c": schema.Cascade,
	"n": schema.SetNull,
	"d": schema.SetDefault,
}

func (in *inspector) constraint(rows *sql.Rows) error {
	var table, name, kind, cols, refTable, refCols, onDelete, onUpdate, def string
	if err := rows.Scan(&table, &name, &kind, &cols, &refTable, &refCols, &onDelete, &onUpdate, &def); err != nil {
		return err
	}
	t := in.tables[table]
	if t == nil {
		return nil
	}
	columns, err := decodeNames(cols)
	if err != nil {
		return err
	}
	switch kind {
	case "p":
		t.PrimaryKey = columns
	case "u":
		t.Uniques = append(t.Uniques, schema.Unique{Name: name, Columns: columns})
	case "c":
		t.Checks = append(t.Checks, schema.Check{Name: name, Expr: checkExpr(def)})
	case "f":
		fk := schema.ForeignKey{Name: name, Columns: columns, RefTable: refTable,
			OnDelete: actions[onDelete], OnUpdate: actions[onUpdate]}
		if fk.RefColumns, err = decodeNames(refCols); err != nil {
			return err
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
	}
	return nil
}

// indexesQuery reads the indexes that back no primary-key, unique or
// exclusion constraint. A key that is an expression (attnum 0) is named by
// its text.
const indexesQuery = `
SELECT c.relname, i.relname, x.indisunique, COALESCE(pg_get_expr(x.indpred, x.indrelid), ''),
       array_to_json(ARRAY(
           SELECT COALESCE(a.attname, pg_get_indexdef(x.indexrelid, k.ord::int, true))
           FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
           WHERE k.ord <= x.indnkeyatts
           ORDER BY k.ord))::text
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ` + relationFilter + `
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co
                  WHERE co.conindid = x.indexrelid AND co.conrelid = x.indrelid
                    AND co.contype IN ('p', 'u', 'x'))
ORDER BY c.relname, i.relname`

func (in *inspector) index(rows *sql.Rows) error {
	var table, cols string
	var ix schema.Index
	if err := rows.Scan(&table, &ix.Name, &ix.Unique, &ix.Where, &cols); err != nil {
		return err
	}
	t := in.tables[table]
	if t == nil {
		return nil
	}
	var err error
	ix.Columns, err = decodeNames(cols)
	ix.Where = normalizeExpr(ix.Where)
	t.Indexes = append(t.Indexes, ix)
	return err
}

// decodeNames decodes a JSON array of names; an empty one is nil, as in a
// schema built by hand.
func decodeNames(text string) ([]string, error) {
	var names []string
	if err := json.Unmarshal([]byte(text), &names); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, nil
	}
	return names, nil
}

// Comparable returns a copy of s in the form [Inspect] reads a schema back
// in, so that a schema built from operations and one inspected from the
// database they ran on compare equal exactly when the database holds what
// the operations describe:
//   - a column's type is the one PostgreSQL declares: a custom type for
//     "postgres" (or for every dialect) becomes the kind it spells when it
//     is one of strata's (BIGINT, varchar(20)), and otherwise a custom type
//     for "postgres" in PostgreSQL's spelling (numeric(10,2)); custom types
//     for other dialects are dropped;
//   - defaults, check expressions and index predicates are normalised as
//     Inspect normalises them;
//   - empty lists are nil, and the schema is canonical (see
//     [schema.Schema.Normalize]).
//
// PostgreSQL folds none of strata's kinds together, so kinds are compared
// as they are.
func Comparable(s *schema.Schema) *schema.Schema {
	c := s.Clone()
	for i := range c.Enums {
		c.Enums[i].Values = nilIfEmpty(c.Enums[i].Values)
	}
	if len(c.Enums) == 0 {
		c.Enums = nil
	}
	for i := range c.Tables {
		comparableTable(&c.Tables[i])
	}
	if len(c.Tables) == 0 {
		c.Tables = nil
	}
	c.Normalize()
	return c
}

func comparableTable(t *schema.Table) {
	for i := range t.Columns {
		col := &t.Columns[i]
		col.Type = comparableType(col.Type)
		col.Default = normalizeDefault(col.Default)
	}
	for i := range t.Indexes {
		t.Indexes[i].Where = normalizeExpr(t.Indexes[i].Where)
		t.Indexes[i].Columns = nilIfEmpty(t.Indexes[i].Columns)
	}
	for i := range t.Uniques {
		t.Uniques[i].Columns = nilIfEmpty(t.Uniques[i].Columns)
	}
	for i := range t.ForeignKeys {
		t.ForeignKeys[i].Columns = nilIfEmpty(t.ForeignKeys[i].Columns)
		t.ForeignKeys[i].RefColumns = nilIfEmpty(t.ForeignKeys[i].RefColumns)
	}
	for i := range t.Checks {
		t.Checks[i].Expr = normalizeExpr(t.Checks[i].Expr)
	}
	t.Columns = nilIfEmpty(t.Columns)
	t.PrimaryKey = nilIfEmpty(t.PrimaryKey)
	t.Indexes = nilIfEmpty(t.Indexes)
	t.Uniques = nilIfEmpty(t.Uniques)
	t.ForeignKeys = nilIfEmpty(t.ForeignKeys)
	t.Checks = nilIfEmpty(t.Checks)
}

func comparableType(t schema.Type) schema.Type {
	if custom, ok := t.CustomFor(name); ok {
		return typeFromSQL(custom)
	}
	t.Custom = nil
	if t.Kind != schema.Text {
		t.Size = 0
	}
	if t.Kind != schema.EnumKind {
		t.Enum = ""
	}
	return t
}

func nilIfEmpty[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

// literalCasts matches the casts PostgreSQL appends to a literal default,
// such as ::text, ::character varying, ::"Status" or
// ::timestamp(3) with time zone[].
var literalCasts = regexp.MustCompile(`(?i)^(?:::[a-z_"][a-z0-9_ ."]*(?:\([0-9, ]*\))?[a-z ]*(?:\[\])*)+$`)

// normalizeDefault puts a column default in the form strata writes it: a
// literal without the casts PostgreSQL adds to it, a number unquoted,
// CURRENT_TIMESTAMP for now(), true and false in lower case, no default for
// NULL, and any other expression normalised as [normalizeExpr] does.
func normalizeDefault(expr string) string {
	expr = strings.TrimSpace(expr)
	if end := literalEnd(expr); end > 0 && literalCasts.MatchString(expr[end:]) {
		literal, cast := expr[:end], strings.ToLower(strings.TrimPrefix(expr[end:], "::"))
		expr = literal
		if number := literal[1 : len(literal)-1]; isNumericType(cast) && isNumber(number) {
			expr = number
		}
	}
	expr = normalizeExpr(expr)
	if null, _, ok := strings.Cut(expr, "::"); ok && strings.EqualFold(null, "NULL") {
		expr = null
	}
	switch strings.ToUpper(expr) {
	case "NOW()", "CURRENT_TIMESTAMP":
		return "CURRENT_TIMESTAMP"
	case "TRUE", "FALSE":
		return strings.ToLower(expr)
	case "NULL":
		return ""
	}
	return expr
}

// normalizeExpr puts an SQL expression (a check, an index predicate, a
// default) in the form strata writes it: without the parentheses around
// all of it, without the casts to text PostgreSQL adds to string literals,
// and with the numbers it quotes and casts bare: (a <> 'x'::text) becomes
// a <> 'x', and price >= '-1'::integer becomes price >= -1.
func normalizeExpr(expr string) string {
	expr = unwrapParens(expr)
	var b strings.Builder
	for i := 0; i < len(expr); {
		end := i + 1
		switch expr[i] {
		case '"':
			if n := strings.IndexByte(expr[end:], '"'); n >= 0 {
				end += n + 1
			}
		case '(':
			// PostgreSQL prints a number compared with a float column as
			// (0)::double precision; the model wrote 0.
			if closing := sqltext.ClosingParen(expr, i); closing > i {
				inner, cast := expr[i+1:closing], literalCast(expr[closing+1:])
				if isNumber(inner) && isNumericType(strings.TrimPrefix(cast, "::")) {
					b.WriteString(inner)
					i = closing + 1 + len(cast)
					continue
				}
			}
		case '\'':
			if n := literalEnd(expr[i:]); n > 0 {
				end = i + n
				literal, cast := expr[i:end], literalCast(expr[end:])
				switch number := literal[1 : len(literal)-1]; {
				case strings.HasPrefix(cast, "::text"), strings.HasPrefix(cast, "::character varying"):
					b.WriteString(literal)
				case isNumericType(strings.TrimPrefix(cast, "::")) && isNumber(number):
					b.WriteString(number)
				default:
					b.WriteString(literal)
					cast = ""
				}
				i = end + len(cast)
				continue
			}
		}
		if end > len(expr) {
			end = len(expr)
		}
		b.WriteString(expr[i:end])
		i = end
	}
	return b.String()
}

// literalCast returns the cast to a text or number type that rest, the
// text following a string literal, starts with, or "".
func literalCast(rest string) string {
	for _, typ := range []string{"text", "character varying", "smallint", "integer", "bigint", "numeric", "real", "double precision"} {
		cast := "::" + typ
		if strings.HasPrefix(rest, cast) && (len(rest) == len(cast) || !isIdentStart(rest[len(cast)]) && rest[len(cast)] != '(' && rest[len(cast)] != '[') {
			return cast
		}
	}
	return ""
}

// isNumericType reports whether typ, as PostgreSQL prints it, is a number
// type, whose literal defaults it may print quoted, as in '-1'::integer.
func isNumericType(typ string) bool {
	for _, numeric := range []string{"smallint", "integer", "bigint", "numeric", "real", "double precision"} {
		if strings.HasPrefix(typ, numeric) {
			return true
		}
	}
	return false
}

// number matches a decimal number as PostgreSQL prints one.
var number = regexp.MustCompile(`^-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?$`)

func isNumber(s string) bool { return number.MatchString(s) }

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

// checkExpr returns the expression of a check constraint as
// pg_get_constraintdef prints it, such as CHECK ((a >= 0)) NOT VALID.
func checkExpr(def string) string {
	expr := strings.TrimPrefix(def, "CHECK ")
	for _, suffix := range []string{" NOT VALID", " NO INHERIT"} {
		expr = strings.TrimSuffix(expr, suffix)
	}
	return normalizeExpr(expr)
}

// unwrapParens removes the parentheses that enclose all of expr, as many
// pairs as there are.
func unwrapParens(expr string) string {
	expr = strings.TrimSpace(expr)
	for strings.HasPrefix(expr, "(") && sqltext.ClosingParen(expr, 0) == len(expr)-1 {
		expr = strings.TrimSpace(expr[1 : len(expr)-1])
	}
	return expr
}

// Inspect reads the live schema of db; see the package function [Inspect].
func (Dialect) Inspect(ctx context.Context, db *sql.DB) (*schema.Schema, error) {
	return Inspect(ctx, db)
}

// Comparable returns s as PostgreSQL reads it back; see the package
// function [Comparable].
func (Dialect) Comparable(s *schema.Schema) *schema.Schema { return Comparable(s) }
