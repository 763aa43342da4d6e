package introspect

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/strata-go/strata/runtime/dialect/sqlite"
)

// sqliteObject is a row of sqlite_schema.
type sqliteObject struct {
	typ, name, table, sql string
}

// readSQLite reads a SQLite database. SQLite's Inspect refuses an index
// on an expression and a generated column, which strata does not model;
// when the database has one, Read inspects a copy of it without them
// (made with VACUUM INTO, in a temporary directory) and lists them.
func readSQLite(ctx context.Context, db *sql.DB) (*Result, error) {
	objects, err := sqliteObjects(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("introspect: read sqlite_schema: %w", err)
	}
	res := &Result{Dialect: "sqlite"}
	var drop []string // statements that remove from a copy what Inspect refuses
	for _, o := range objects {
		lines, stmts, err := sqliteExtras(ctx, db, o)
		if err != nil {
			return nil, fmt.Errorf("introspect: read %s %s: %w", o.typ, o.name, err)
		}
		res.Skipped = append(res.Skipped, lines...)
		drop = append(drop, stmts...)
	}
	target := db
	if len(drop) > 0 {
		copyDB, cleanup, err := copyWithout(ctx, db, drop)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		target = copyDB
	}
	s, err := sqlite.Inspect(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("introspect: %w", err)
	}
	res.Schema = s
	return res, nil
}

// sqliteObjects lists the views, triggers, tables and indexes of the main
// database, SQLite's and strata's own left out.
func sqliteObjects(ctx context.Context, db *sql.DB) ([]sqliteObject, error) {
	rows, err := db.QueryContext(ctx, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM main.sqlite_schema
		WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND tbl_name NOT LIKE 'strata\_%' ESCAPE '\' ORDER BY type, name`)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var list []sqliteObject
	for rows.Next() {
		var o sqliteObject
		if err := rows.Scan(&o.typ, &o.name, &o.table, &o.sql); err != nil {
			return nil, err
		}
		list = append(list, o)
	}
	return list, rows.Err()
}

// sqliteExtras returns the lines that say what of o the schema model does
// not hold, and the statements that remove from a copy of the database
// what Inspect would refuse.
func sqliteExtras(ctx context.Context, db *sql.DB, o sqliteObject) ([]string, []string, error) {
	upper := strings.ToUpper(o.sql)
	switch o.typ {
	case "view":
		return []string{"view " + o.name + ": views are not in the model language; create it in a RunSQL step"}, nil, nil
	case "trigger":
		if strings.HasPrefix(o.name, "strata_auto_now_") {
			return nil, nil, nil
		}
		return []string{"trigger " + o.name + " on " + o.table + ": only strata's auto_now trigger is in the model language; create it in a RunSQL step"}, nil, nil
	case "index":
		n, err := countRows(ctx, db, `SELECT count(*) FROM pragma_index_xinfo(?, 'main') WHERE cid = -2`, o.name)
		if err != nil || n == 0 {
			return nil, nil, err
		}
		return []string{"index " + o.name + " on " + o.table + ": on an expression (" + o.sql + "); it is left out"},
			[]string{`DROP INDEX main."` + strings.ReplaceAll(o.name, `"`, `""`) + `"`}, nil
	case "table":
		var lines, drop []string
		if strings.HasPrefix(upper, "CREATE VIRTUAL TABLE") {
			return []string{"table " + o.name + ": a virtual table; it is left out"}, nil, nil
		}
		if strings.Contains(upper, "AUTOINCREMENT") {
			lines = append(lines, "table "+o.name+": AUTOINCREMENT; strata's identity is the rowid alias without it, which may reuse the ids of deleted rows")
		}
		if strings.Contains(upper, "WITHOUT ROWID") {
			lines = append(lines, "table "+o.name+": WITHOUT ROWID; the models make it a rowid table")
		}
		cols, err := generatedColumns(ctx, db, o.name)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cols {
			lines = append(lines, "column "+o.name+"."+c+": generated (GENERATED ALWAYS AS ...); it is left out")
			drop = append(drop, `ALTER TABLE main."`+strings.ReplaceAll(o.name, `"`, `""`)+`" DROP COLUMN "`+strings.ReplaceAll(c, `"`, `""`)+`"`)
		}
		return lines, drop, nil
	}
	return nil, nil, nil
}

// generatedColumns lists the generated columns of table.
func generatedColumns(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_xinfo(?, 'main') WHERE hidden IN (2, 3) ORDER BY cid`, table)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func countRows(ctx context.Context, db *sql.DB, query string, args ...any) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// copyWithout copies db into a temporary file, runs drop there, and
// returns the copy, open, and what closes and removes it.
func copyWithout(ctx context.Context, db *sql.DB, drop []string) (*sql.DB, func(), error) {
	dir, err := os.MkdirTemp("", "strata-inspect-")
	if err != nil {
		return nil, nil, fmt.Errorf("introspect: %w", err)
	}
	path := filepath.Join(dir, "copy.db")
	cleanup := func() { _ = os.RemoveAll(dir) }
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("introspect: copy the database to leave out what strata does not model: %w", err)
	}
	c, err := sql.Open("sqlite", path)
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("introspect: %w", err)
	}
	for _, stmt := range drop {
		if _, err := c.ExecContext(ctx, stmt); err != nil {
			_ = c.Close()
			cleanup()
			return nil, nil, fmt.Errorf("introspect: %s, in a copy of the database: %w", stmt, err)
		}
	}
	return c, func() { _ = c.Close(); cleanup() }, nil
}
