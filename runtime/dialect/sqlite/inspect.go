package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// Inspect reads the live schema of the main database db is connected to
// back into a [schema.Schema], in canonical form (see
// [schema.Schema.Normalize]). It skips SQLite's internal tables (sqlite_%)
// and strata's own (strata_%), and reads everything in one read
// transaction.
//
// Columns, their order, declared types, NOT NULL, defaults and the primary
// key come from pragma_table_xinfo; indexes from pragma_index_list and
// pragma_index_info; foreign keys and their actions from
// pragma_foreign_key_list; each pragma is read for every table at once. What the pragmas do not report is read from the
// CREATE statements SQLite stores, which strata wrote: CHECK constraints,
// the enum CHECK of a column, a partial index's WHERE, and the names of
// foreign keys.
//
// Declared types read back this way: those [Dialect.ColumnType] writes come
// back as their Kind, a table's only primary-key column declared INTEGER
// (the rowid alias) as an Int64 Identity column, any other type as a
// custom type for "sqlite", as written.
//
// Some things do not round-trip, because SQLite does not hold them:
//
//   - JSON and UUID columns are TEXT, and read back as Text.
//   - An enum is a TEXT column with CHECK ("col" IN (...)); enum types have
//     no names in SQLite, so Inspect gives each such column an enum of its
//     own named "table.column", holding the values of its CHECK.
//   - The primary key's constraint name, and the order and collation of
//     index columns, are not part of the schema model.
//
// AutoNow is set on the columns that the trigger Render writes for a
// table, strata_auto_now_{table}, keeps current; other triggers are not
// reported.
//
// A unique constraint and a unique index are both unique indexes on SQLite.
// Render marks the one that carries a unique constraint with a comment,
// /* unique constraint */, right after its name, which SQLite keeps in the
// stored statement; Inspect reads a unique index with that mark and no
// WHERE as a [schema.Unique], any other as a [schema.Index]. Unlike a
// naming rule (a _key suffix), this cannot be fooled by the name a model
// gives an index. A UNIQUE declared inside a CREATE TABLE, which strata
// does not write, reads back as a constraint named after its automatic
// index.
//
// Inspect returns an error for what the schema model cannot hold, rather
// than leave it out: a generated column, an index on an expression.
//
// [Comparable] puts a schema and what Inspect read back in the same form, so
// that the two compare equal when the database holds the schema.
func Inspect(ctx context.Context, db *sql.DB) (*schema.Schema, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: inspect: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	tables, indexSQL, err := readObjects(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: inspect: %w", err)
	}
	cat, err := readCatalog(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: inspect: %w", err)
	}
	s := &schema.Schema{}
	for _, obj := range tables {
		t, enums, err := inspectTable(obj, indexSQL, cat)
		if err != nil {
			return nil, fmt.Errorf("sqlite: inspect table %s: %w", obj.name, err)
		}
		s.Tables = append(s.Tables, t)
		s.Enums = append(s.Enums, enums...)
	}
	if err := readAutoNow(ctx, tx, s); err != nil {
		return nil, fmt.Errorf("sqlite: inspect auto_now triggers: %w", err)
	}
	s.Normalize()
	return s, nil
}

// object is a table or index as sqlite_schema lists it.
type object struct {
	name, sql string
}

// readObjects returns the tables Inspect reads, by name, and the stored
// statement of every index, by index name.
func readObjects(ctx context.Context, tx *sql.Tx) ([]object, map[string]string, error) {
	var tables []object
	indexSQL := map[string]string{}
	err := each(ctx, tx, `SELECT type, name, sql FROM main.sqlite_schema WHERE type IN ('table', 'index') ORDER BY name`, nil,
		func(rows *sql.Rows) error {
			var typ, name string
			var text sql.NullString
			if err := rows.Scan(&typ, &name, &text); err != nil {
				return err
			}
			switch {
			case typ == "index":
				indexSQL[name] = text.String
			case !internal(name):
				tables = append(tables, object{name: name, sql: text.String})
			}
			return nil
		})
	return tables, indexSQL, err
}

// internal reports whether table is SQLite's or strata's own.
func internal(table string) bool {
	return strings.HasPrefix(strings.ToLower(table), "sqlite_") || strings.HasPrefix(table, "strata_")
}

// each runs query in tx and calls row for each row of the result.
func each(ctx context.Context, tx *sql.Tx, query string, args []any, row func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// catalog is what the pragmas report of every table, read with one query
// per pragma for the whole database rather than one per table, so that
// reading a schema of a thousand tables costs four queries, not thousands.
type catalog struct {
	columns      map[string][]columnRow // by table, in column order
	indexes      map[string][]indexRow  // by table, sorted by name
	indexColumns map[string][]sql.NullString
	foreignKeys  map[string][]fkRow // by table, in key and column order
}

// columnRow is one row of pragma_table_xinfo.
type columnRow struct {
	name, decl string
	notNull    bool
	dflt       sql.NullString
	pk, hidden int
}

// indexRow is one row of pragma_index_list.
type indexRow struct {
	name, origin string
	unique       bool
}

// fkRow is one row of pragma_foreign_key_list.
type fkRow struct {
	id                            int
	ref, from, onUpdate, onDelete string
	to                            sql.NullString
}

// The queries of readCatalog: each pragma over every table of the main
// database, joined to sqlite_schema.
const (
	columnsQuery = `SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
		FROM main.sqlite_schema AS m JOIN pragma_table_xinfo(m.name, 'main') AS p
		WHERE m.type = 'table' ORDER BY m.name, p.cid`
	indexListQuery = `SELECT m.name, i.name, i."unique", i.origin
		FROM main.sqlite_schema AS m JOIN pragma_index_list(m.name, 'main') AS i
		WHERE m.type = 'table' ORDER BY m.name, i.name`
	indexInfoQuery = `SELECT i.name, c.name
		FROM main.sqlite_schema AS m JOIN pragma_index_list(m.name, 'main') AS i
		JOIN pragma_index_info(i.name, 'main') AS c
		WHERE m.type = 'table' ORDER BY i.name, c.seqno`
	foreignKeysQuery = `SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete
		FROM main.sqlite_schema AS m JOIN pragma_foreign_key_list(m.name, 'main') AS f
		WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`
)

// readCatalog reads what the pragmas report of every table.
func readCatalog(ctx context.Context, tx *sql.Tx) (*catalog, error) {
	cat := &catalog{
		columns: map[string][]columnRow{}, indexes: map[string][]indexRow{},
		indexColumns: map[string][]sql.NullString{}, foreignKeys: map[string][]fkRow{},
	}
	err := each(ctx, tx, columnsQuery, nil, func(r *sql.Rows) error {
		var table string
		var c columnRow
		if err := r.Scan(&table, &c.name, &c.decl, &c.notNull, &c.dflt, &c.pk, &c.hidden); err != nil {
			return err
		}
		cat.columns[table] = append(cat.columns[table], c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	err = each(ctx, tx, indexListQuery, nil, func(r *sql.Rows) error {
		var table string
		var ix indexRow
		if err := r.Scan(&table, &ix.name, &ix.unique, &ix.origin); err != nil {
			return err
		}
		cat.indexes[table] = append(cat.indexes[table], ix)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("indexes: %w", err)
	}
	err = each(ctx, tx, indexInfoQuery, nil, func(r *sql.Rows) error {
		var index string
		var column sql.NullString
		if err := r.Scan(&index, &column); err != nil {
			return err
		}
		cat.indexColumns[index] = append(cat.indexColumns[index], column)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index columns: %w", err)
	}
	err = each(ctx, tx, foreignKeysQuery, nil, func(r *sql.Rows) error {
		var table string
		var fk fkRow
		if err := r.Scan(&table, &fk.id, &fk.ref, &fk.from, &fk.to, &fk.onUpdate, &fk.onDelete); err != nil {
			return err
		}
		cat.foreignKeys[table] = append(cat.foreignKeys[table], fk)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("foreign keys: %w", err)
	}
	return cat, nil
}

// inspectTable reads one table, and the enums of its enum columns, from
// its CREATE TABLE and the catalog.
func inspectTable(obj object, indexSQL map[string]string, cat *catalog) (schema.Table, []schema.Enum, error) {
	ddl, err := parseCreateTable(obj.sql)
	if err != nil {
		return schema.Table{}, nil, err
	}
	t := schema.Table{Name: obj.name, Checks: ddl.checks}
	enums, err := readColumns(&t, ddl, cat.columns[obj.name])
	if err != nil {
		return schema.Table{}, nil, err
	}
	if err := readIndexes(&t, indexSQL, cat); err != nil {
		return schema.Table{}, nil, err
	}
	readForeignKeys(&t, ddl.foreignKeys, cat.foreignKeys[obj.name])
	return t, enums, nil
}

// readColumns sets the columns and primary key of t from its rows of
// pragma_table_xinfo.
func readColumns(t *schema.Table, ddl *tableDDL, rows []columnRow) ([]schema.Enum, error) {
	var pk []columnRow
	for _, c := range rows {
		if c.pk > 0 {
			pk = append(pk, c)
		}
	}
	slices.SortFunc(pk, func(a, b columnRow) int { return cmp.Compare(a.pk, b.pk) })
	for _, c := range pk {
		t.PrimaryKey = append(t.PrimaryKey, c.name)
	}
	rowid := len(pk) == 1 && !ddl.withoutRowid
	var enums []schema.Enum
	for _, c := range rows {
		if c.hidden != 0 {
			return nil, fmt.Errorf("column %s is generated or hidden, which strata does not model", c.name)
		}
		typ, identity := declaredType(c.decl, rowid && c.pk == 1)
		col := schema.Column{Name: c.name, Type: typ, Nullable: !c.notNull && !identity, Default: inspectedDefault(typ, c.dflt.String), Identity: identity}
		cd := ddl.column(c.name)
		if cd != nil && cd.enum != nil && typ.Kind == schema.Text && typ.Size == 0 {
			e := schema.Enum{Name: enumName(t.Name, c.name), Values: cd.enum}
			col.Type = schema.Type{Kind: schema.EnumKind, Enum: e.Name}
			enums = append(enums, e)
		} else if cd != nil && cd.enum != nil {
			t.Checks = append(t.Checks, schema.Check{Expr: cd.enumExpr})
		}
		if cd != nil {
			t.Checks = append(t.Checks, cd.checks...)
		}
		t.Columns = append(t.Columns, col)
	}
	return enums, nil
}

// enumName is the name Inspect and [Comparable] give the enum of a column.
func enumName(table, column string) string { return table + "." + column }

// readIndexes sets the indexes and unique constraints of t from the
// catalog.
func readIndexes(t *schema.Table, indexSQL map[string]string, cat *catalog) error {
	for _, ix := range cat.indexes[t.Name] {
		if ix.origin == "pk" {
			continue
		}
		var columns []string
		for _, c := range cat.indexColumns[ix.name] {
			if !c.Valid {
				return fmt.Errorf("index %s is on an expression, which strata does not model", ix.name)
			}
			columns = append(columns, c.String)
		}
		if ix.origin == "u" {
			t.Uniques = append(t.Uniques, schema.Unique{Name: ix.name, Columns: columns})
			continue
		}
		def, err := parseIndex(indexSQL[ix.name])
		if err != nil {
			return fmt.Errorf("index %s: %w", ix.name, err)
		}
		if ix.unique && def.marked && def.where == "" {
			t.Uniques = append(t.Uniques, schema.Unique{Name: ix.name, Columns: columns})
			continue
		}
		t.Indexes = append(t.Indexes, schema.Index{Name: ix.name, Columns: columns, Unique: ix.unique, Where: def.where})
	}
	return nil
}

// readForeignKeys sets the foreign keys of t from its rows of
// pragma_foreign_key_list, naming each after the declaration in the
// stored CREATE TABLE that matches it.
func readForeignKeys(t *schema.Table, declared []fkDDL, rows []fkRow) {
	var fks []schema.ForeignKey
	last := -1
	for _, r := range rows {
		if r.id != last {
			fks = append(fks, schema.ForeignKey{RefTable: r.ref, OnDelete: action(r.onDelete), OnUpdate: action(r.onUpdate)})
			last = r.id
		}
		fk := &fks[len(fks)-1]
		fk.Columns = append(fk.Columns, r.from)
		fk.RefColumns = append(fk.RefColumns, r.to.String)
	}
	used := make([]bool, len(declared))
	for i := range fks {
		for k, d := range declared {
			if !used[k] && d.matches(fks[i]) {
				fks[i].Name, used[k] = d.name, true
				break
			}
		}
	}
	t.ForeignKeys = fks
}

// action maps a foreign-key action as pragma_foreign_key_list reports it,
// such as "SET NULL", to a [schema.Action].
func action(sqlText string) schema.Action {
	if strings.EqualFold(sqlText, "NO ACTION") {
		return schema.NoAction
	}
	return schema.Action(strings.ToLower(strings.ReplaceAll(sqlText, " ", "_")))
}

// Inspect reads the live schema of db; see the package function [Inspect].
func (Dialect) Inspect(ctx context.Context, db *sql.DB) (*schema.Schema, error) {
	return Inspect(ctx, db)
}

// Comparable returns s as SQLite reads it back; see the package function
// [Comparable].
func (Dialect) Comparable(s *schema.Schema) *schema.Schema { return Comparable(s) }
