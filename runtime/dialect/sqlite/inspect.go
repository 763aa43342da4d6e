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
// pragma_foreign_key_list. What the pragmas do not report is read from the
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
	s := &schema.Schema{}
	for _, obj := range tables {
		t, enums, err := inspectTable(ctx, tx, obj, indexSQL)
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

// inspectTable reads one table, and the enums of its enum columns.
func inspectTable(ctx context.Context, tx *sql.Tx, obj object, indexSQL map[string]string) (schema.Table, []schema.Enum, error) {
	ddl, err := parseCreateTable(obj.sql)
	if err != nil {
		return schema.Table{}, nil, err
	}
	t := schema.Table{Name: obj.name, Checks: ddl.checks}
	enums, err := readColumns(ctx, tx, &t, ddl)
	if err != nil {
		return schema.Table{}, nil, err
	}
	if err := readIndexes(ctx, tx, &t, indexSQL); err != nil {
		return schema.Table{}, nil, err
	}
	if err := readForeignKeys(ctx, tx, &t, ddl.foreignKeys); err != nil {
		return schema.Table{}, nil, err
	}
	return t, enums, nil
}

// columnRow is one row of pragma_table_xinfo.
type columnRow struct {
	name, decl string
	notNull    bool
	dflt       sql.NullString
	pk, hidden int
}

// readColumns reads the columns and primary key of t.
func readColumns(ctx context.Context, tx *sql.Tx, t *schema.Table, ddl *tableDDL) ([]schema.Enum, error) {
	var rows []columnRow
	err := each(ctx, tx, `SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?, 'main') ORDER BY cid`, []any{t.Name},
		func(r *sql.Rows) error {
			var c columnRow
			if err := r.Scan(&c.name, &c.decl, &c.notNull, &c.dflt, &c.pk, &c.hidden); err != nil {
				return err
			}
			rows = append(rows, c)
			return nil
		})
	if err != nil {
		return nil, err
	}
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

// readIndexes reads the indexes and unique constraints of t.
func readIndexes(ctx context.Context, tx *sql.Tx, t *schema.Table, indexSQL map[string]string) error {
	type indexRow struct {
		name, origin string
		unique       bool
	}
	var list []indexRow
	err := each(ctx, tx, `SELECT name, "unique", origin FROM pragma_index_list(?, 'main') ORDER BY name`, []any{t.Name},
		func(r *sql.Rows) error {
			var ix indexRow
			if err := r.Scan(&ix.name, &ix.unique, &ix.origin); err != nil {
				return err
			}
			list = append(list, ix)
			return nil
		})
	if err != nil {
		return err
	}
	for _, ix := range list {
		if ix.origin == "pk" {
			continue
		}
		columns, err := indexColumns(ctx, tx, ix.name)
		if err != nil {
			return err
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

// indexColumns returns the key columns of the index named index, in order.
func indexColumns(ctx context.Context, tx *sql.Tx, index string) ([]string, error) {
	var columns []string
	err := each(ctx, tx, `SELECT name FROM pragma_index_info(?, 'main') ORDER BY seqno`, []any{index},
		func(r *sql.Rows) error {
			var name sql.NullString
			if err := r.Scan(&name); err != nil {
				return err
			}
			if !name.Valid {
				return fmt.Errorf("index %s is on an expression, which strata does not model", index)
			}
			columns = append(columns, name.String)
			return nil
		})
	return columns, err
}

// readForeignKeys reads the foreign keys of t, naming each after the
// declaration in the stored CREATE TABLE that matches it.
func readForeignKeys(ctx context.Context, tx *sql.Tx, t *schema.Table, declared []fkDDL) error {
	var fks []schema.ForeignKey
	last := -1
	err := each(ctx, tx, `SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?, 'main') ORDER BY id, seq`, []any{t.Name},
		func(r *sql.Rows) error {
			var id int
			var ref, from, onUpdate, onDelete string
			var to sql.NullString
			if err := r.Scan(&id, &ref, &from, &to, &onUpdate, &onDelete); err != nil {
				return err
			}
			if id != last {
				fks = append(fks, schema.ForeignKey{RefTable: ref, OnDelete: action(onDelete), OnUpdate: action(onUpdate)})
				last = id
			}
			fk := &fks[len(fks)-1]
			fk.Columns = append(fk.Columns, from)
			fk.RefColumns = append(fk.RefColumns, to.String)
			return nil
		})
	if err != nil {
		return err
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
	return nil
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
