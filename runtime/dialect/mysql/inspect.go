package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// Inspect reads the schema of the database db is connected to, its current
// database (DATABASE()), back from information_schema into a canonical
// [schema.Schema], in the form [Comparable] puts a schema in: tables with
// their columns in the order the database holds them, their types,
// nullability, defaults, identity (AUTO_INCREMENT) and auto_now (ON UPDATE
// CURRENT_TIMESTAMP); primary keys; unique constraints; the other indexes;
// foreign keys with their actions; and check constraints. Tables whose
// names start with "strata_" (strata's own) are left out.
//
// It is exact where MySQL can say, and reads back what it cannot the way
// Comparable expects:
//   - MySQL's enums are column types, not named types: each enum column
//     gets an enum of its own, named "table.column", holding its values.
//   - A LONGTEXT column with MariaDB's check json_valid on it is JSON, and
//     that check is not reported; a type strata has no kind for comes back
//     as a custom type for "mysql" in MySQL's spelling, such as
//     decimal(10,2).
//   - A unique index and a unique constraint are one thing on MySQL: both
//     read back as unique constraints. The index InnoDB keeps for a
//     foreign key, named as the key, is not reported.
//   - RESTRICT and NO ACTION are one action on InnoDB: both read back as
//     NO ACTION.
//   - Defaults and check expressions come back as MySQL prints them,
//     normalised as Comparable normalises them (see normalizeExpr).
func Inspect(ctx context.Context, db *sql.DB) (*schema.Schema, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("mysql: inspect: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	in := &inspector{tx: tx, tables: map[string]*schema.Table{}, json: map[string]bool{}, fks: map[string]bool{}}
	for _, step := range []struct {
		what  string
		query string
		scan  func(*sql.Rows) error
	}{
		{"tables", tablesQuery, in.table},
		{"checks", checksQuery, in.check},
		{"columns", columnsQuery, in.column},
		{"foreign keys", foreignKeysQuery, in.foreignKey},
		{"indexes", indexesQuery, in.index},
	} {
		if err := in.each(ctx, step.query, step.scan); err != nil {
			return nil, fmt.Errorf("mysql: inspect %s: %w", step.what, err)
		}
	}
	s := &schema.Schema{Enums: in.enums}
	for _, n := range in.order {
		s.Tables = append(s.Tables, *in.tables[n])
	}
	s.Normalize()
	emptyToNil(s)
	return s, nil
}

// inspector gathers the schema Inspect reads, one query at a time.
type inspector struct {
	tx     *sql.Tx
	enums  []schema.Enum
	order  []string // table names, in the order read
	tables map[string]*schema.Table
	json   map[string]bool // "table.column" of MariaDB's JSON columns, the column in lower case
	fks    map[string]bool // "table.name" of foreign keys
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

const tablesQuery = `
SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
ORDER BY TABLE_NAME`

func (in *inspector) table(rows *sql.Rows) error {
	var n string
	if err := rows.Scan(&n); err != nil {
		return err
	}
	if !strings.HasPrefix(n, "strata_") {
		in.order = append(in.order, n)
		in.tables[n] = &schema.Table{Name: n}
	}
	return nil
}

// checksQuery reads MariaDB's check constraints, which name their table.
const checksQuery = `
SELECT TABLE_NAME, CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, CONSTRAINT_NAME`

func (in *inspector) check(rows *sql.Rows) error {
	var table, cname, level, clause string
	if err := rows.Scan(&table, &cname, &level, &clause); err != nil {
		return err
	}
	t := in.tables[table]
	if t == nil {
		return nil
	}
	// MariaDB's JSON: a column check json_valid(column), named as the
	// column was named when it was declared JSON.
	if m := jsonValid.FindStringSubmatch(normalizeExpr(clause)); level == "Column" && m != nil {
		in.json[table+"."+m[1]] = true
		return nil
	}
	t.Checks = append(t.Checks, schema.Check{Name: cname, Expr: normalizeExpr(clause)})
	return nil
}

// jsonValid matches the check MariaDB puts on a JSON column, as
// normalizeExpr leaves it, and the column's name, in lower case.
var jsonValid = regexp.MustCompile(`^json_valid\(([^()]+)\)$`)

const columnsQuery = `
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION`

func (in *inspector) column(rows *sql.Rows) error {
	var table, typ, nullable, extra string
	var def sql.NullString
	var c schema.Column
	if err := rows.Scan(&table, &c.Name, &typ, &nullable, &def, &extra); err != nil {
		return err
	}
	t := in.tables[table]
	if t == nil {
		return nil
	}
	c.Nullable = nullable == "YES"
	extra = strings.ToLower(extra)
	c.Identity = strings.Contains(extra, "auto_increment")
	c.AutoNow = strings.Contains(extra, "on update current_timestamp")
	switch values, ok := enumValues(typ); {
	case ok:
		e := schema.Enum{Name: enumName(table, c.Name), Values: values}
		in.enums = append(in.enums, e)
		c.Type = schema.Type{Kind: schema.EnumKind, Enum: e.Name}
	case in.json[table+"."+strings.ToLower(c.Name)] && canonicalType(typ) == "longtext":
		c.Type = schema.Type{Kind: schema.JSON}
	default:
		c.Type = typeFromSQL(typ)
	}
	if def.Valid {
		c.Default = normalizeDefault(def.String, c.Type.Kind)
	}
	t.Columns = append(t.Columns, c)
	return nil
}

// enumName names the enum of one enum column, as [Inspect] and
// [Comparable] do: MySQL's enums belong to their column.
func enumName(table, column string) string { return table + "." + column }

// enumValues returns the values of an ENUM type as COLUMN_TYPE prints it,
// such as enum('a','it”s'), and reports whether typ is one.
func enumValues(typ string) ([]string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(typ), "enum(")
	if !ok || !strings.HasSuffix(rest, ")") {
		return nil, false
	}
	rest = strings.TrimSuffix(rest, ")")
	var values []string
	for rest != "" {
		n := literalEnd(rest)
		if n == 0 {
			return nil, false
		}
		values = append(values, strings.ReplaceAll(rest[1:n-1], "''", "'"))
		rest = strings.TrimPrefix(strings.TrimSpace(rest[n:]), ",")
	}
	return values, true
}

const foreignKeysQuery = `
SELECT rc.TABLE_NAME, rc.CONSTRAINT_NAME, rc.REFERENCED_TABLE_NAME, rc.DELETE_RULE, rc.UPDATE_RULE,
       k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME
FROM information_schema.REFERENTIAL_CONSTRAINTS rc
JOIN information_schema.KEY_COLUMN_USAGE k
  ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = rc.TABLE_NAME AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME
WHERE rc.CONSTRAINT_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.ORDINAL_POSITION`

// rules maps the rules information_schema prints to actions; InnoDB makes
// no difference between RESTRICT and NO ACTION.
var rules = map[string]schema.Action{
	"NO ACTION":   schema.NoAction,
	"RESTRICT":    schema.NoAction,
	"CASCADE":     schema.Cascade,
	"SET NULL":    schema.SetNull,
	"SET DEFAULT": schema.SetDefault,
}

func (in *inspector) foreignKey(rows *sql.Rows) error {
	var table, fkName, refTable, onDelete, onUpdate, column, refColumn string
	if err := rows.Scan(&table, &fkName, &refTable, &onDelete, &onUpdate, &column, &refColumn); err != nil {
		return err
	}
	t := in.tables[table]
	if t == nil {
		return nil
	}
	in.fks[table+"."+strings.ToLower(fkName)] = true
	if n := len(t.ForeignKeys); n > 0 && t.ForeignKeys[n-1].Name == fkName {
		fk := &t.ForeignKeys[n-1]
		fk.Columns = append(fk.Columns, column)
		fk.RefColumns = append(fk.RefColumns, refColumn)
		return nil
	}
	t.ForeignKeys = append(t.ForeignKeys, schema.ForeignKey{
		Name: fkName, Columns: []string{column}, RefTable: refTable, RefColumns: []string{refColumn},
		OnDelete: rules[onDelete], OnUpdate: rules[onUpdate],
	})
	return nil
}

// indexesQuery reads every index, the primary key's (PRIMARY) included,
// column by column. A key that is an expression (MySQL 8) is named by
// its text.
const indexesQuery = `
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COALESCE(COLUMN_NAME, '')
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`

func (in *inspector) index(rows *sql.Rows) error {
	var table, ixName, column string
	var nonUnique int
	if err := rows.Scan(&table, &ixName, &nonUnique, &column); err != nil {
		return err
	}
	t := in.tables[table]
	switch {
	case t == nil:
	case ixName == "PRIMARY":
		t.PrimaryKey = append(t.PrimaryKey, column)
	case nonUnique == 0:
		if n := len(t.Uniques); n > 0 && t.Uniques[n-1].Name == ixName {
			t.Uniques[n-1].Columns = append(t.Uniques[n-1].Columns, column)
		} else {
			t.Uniques = append(t.Uniques, schema.Unique{Name: ixName, Columns: []string{column}})
		}
	case in.fks[table+"."+strings.ToLower(ixName)]:
		// InnoDB's index for the foreign key of that name.
	default:
		if n := len(t.Indexes); n > 0 && t.Indexes[n-1].Name == ixName {
			t.Indexes[n-1].Columns = append(t.Indexes[n-1].Columns, column)
		} else {
			t.Indexes = append(t.Indexes, schema.Index{Name: ixName, Columns: []string{column}})
		}
	}
	return nil
}

// Inspect reads the live schema of db; see the package function [Inspect].
func (Dialect) Inspect(ctx context.Context, db *sql.DB) (*schema.Schema, error) {
	return Inspect(ctx, db)
}

// Comparable returns s as MySQL reads it back; see the package function
// [Comparable].
func (Dialect) Comparable(s *schema.Schema) *schema.Schema { return Comparable(s) }
