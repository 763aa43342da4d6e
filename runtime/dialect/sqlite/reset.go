package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Tables returns the names of the tables of the main database conn is
// connected to, sorted by byte order, leaving out SQLite's own (sqlite_%,
// such as sqlite_sequence and sqlite_stat1). strata's own tables
// (strata_migrations, strata_lock and any other ledger) are included: the
// caller filters them. So are virtual tables and the shadow tables SQLite
// keeps for them.
//
// Tables takes a *sql.Conn, as [Dialect.DropAll] does; a read on a
// connection of the app's pool sees the same database.
func (Dialect) Tables(ctx context.Context, conn *sql.Conn) ([]string, error) {
	objs, err := listSchema(ctx, conn)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, o := range objs {
		if o.typ == "table" {
			names = append(names, o.name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// DropAll drops every view, trigger and table of the main database conn is
// connected to, strata's ledger and lock tables included, with their
// indexes, so that a fresh run of every migration starts from nothing.
// SQLite's own tables (sqlite_%) stay: SQLite empties sqlite_sequence of a
// dropped table itself. Attached and temporary databases are not touched.
// DropAll does not VACUUM: the file keeps its size.
//
// Foreign keys must not act while the tables go: enforced, dropping a
// table deletes its rows first, which cascades to the rows that reference
// them or fails. So DropAll turns enforcement off on conn (PRAGMA
// foreign_keys = OFF), which SQLite only allows outside a transaction,
// drops everything in one transaction, views first, then triggers, then
// tables (virtual tables before the others, as their shadow tables go with
// them), and puts conn's setting back. It fails, dropping nothing, when
// conn is inside a transaction, where SQLite ignores the change; and when
// it cannot put the setting back, it closes conn's connection rather than
// leave it in the app's pool with enforcement off.
//
// DropAll does not take the migration lock itself; its transaction takes
// SQLite's write lock at its first drop, waiting for other writers up to
// conn's busy timeout. On an empty database it does nothing and succeeds.
// Errors start with "sqlite: " and name the object that could not be
// dropped.
func (d Dialect) DropAll(ctx context.Context, conn *sql.Conn) (err error) {
	previous, err := readSession(ctx, conn)
	if err != nil {
		return err
	}
	if previous.foreignKeys {
		off := previous
		off.foreignKeys = false
		defer func() {
			if restoreErr := previous.set(context.WithoutCancel(ctx), conn); restoreErr != nil {
				// Not back in the pool with enforcement off.
				discardConn(conn)
				err = errors.Join(err, restoreErr)
			}
		}()
		if err := off.set(ctx, conn); err != nil {
			return err
		}
	}
	// The first list is read outside the transaction, so that the
	// transaction's first statement writes and so waits out other writers
	// through SQLite's busy handler; a transaction that read first would
	// fail at once with SQLITE_BUSY on finding the database changed. What
	// the transaction lists after that, once it holds the write lock, is
	// final.
	objs, err := listSchema(ctx, conn)
	if err != nil || len(objs) == 0 {
		return err
	}
	// As in Begin, the transaction does not end with ctx behind the
	// caller's back; it is rolled back below on failure.
	tx, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("sqlite: drop all: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	// The first pass drops what the list outside the transaction showed;
	// the second what another connection made meanwhile. A third finds
	// nothing, unless a drop left its object in place.
	for pass := 1; len(objs) > 0; pass++ {
		if pass > 3 {
			return fmt.Errorf("sqlite: drop %s %s: it is still there after being dropped", objs[0].describe(), objs[0].name)
		}
		for _, o := range dropOrder(objs) {
			stmt := "DROP " + strings.ToUpper(o.typ) + " IF EXISTS main." + d.QuoteIdent(o.name)
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("sqlite: drop %s %s: %w", o.describe(), o.name, err)
			}
		}
		if objs, err = listSchema(ctx, tx); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: drop all: commit: %w", err)
	}
	return nil
}

// schemaObject is a view, trigger or table of the main database.
type schemaObject struct {
	typ     string // "view", "trigger" or "table"
	name    string
	virtual bool // a virtual table
}

func (o schemaObject) describe() string {
	if o.virtual {
		return "virtual table"
	}
	return o.typ
}

// dropOrder returns objs in the order DropAll drops them: views, triggers,
// virtual tables, other tables; by name within each.
func dropOrder(objs []schemaObject) []schemaObject {
	rank := func(o schemaObject) int {
		switch {
		case o.typ == "view":
			return 0
		case o.typ == "trigger":
			return 1
		case o.virtual:
			return 2
		}
		return 3
	}
	sorted := slices.Clone(objs)
	slices.SortStableFunc(sorted, func(a, b schemaObject) int {
		if c := rank(a) - rank(b); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	return sorted
}

// querier runs a query: a *sql.Conn or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// listSchema returns the views, triggers and tables of the main database,
// leaving out SQLite's own (sqlite_%). Indexes go with their tables.
func listSchema(ctx context.Context, q querier) ([]schemaObject, error) {
	rows, err := q.QueryContext(ctx, `SELECT type, name, coalesce(sql, '') FROM main.sqlite_schema WHERE type IN ('table', 'view', 'trigger')`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list the schema: %w", err)
	}
	defer rows.Close()
	var objs []schemaObject
	for rows.Next() {
		var o schemaObject
		var text string
		if err := rows.Scan(&o.typ, &o.name, &text); err != nil {
			return nil, fmt.Errorf("sqlite: list the schema: %w", err)
		}
		if strings.HasPrefix(strings.ToLower(o.name), "sqlite_") {
			continue
		}
		o.virtual = o.typ == "table" && isVirtual(text)
		objs = append(objs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list the schema: %w", err)
	}
	return objs, nil
}

// isVirtual reports whether the CREATE statement text, as SQLite stores
// it, creates a virtual table.
func isVirtual(text string) bool {
	words := strings.Fields(text)
	return len(words) >= 2 && strings.EqualFold(words[0], "CREATE") && strings.EqualFold(words[1], "VIRTUAL")
}
