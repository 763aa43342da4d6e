package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Tables returns the names of the tables of conn's current schema (the
// first existing schema of its search path, current_schema()), sorted by
// byte order: ordinary, partitioned (with their partitions) and foreign
// tables, the ones [Dialect.DropAll] drops. Tables that belong to an
// extension are left out, as DropAll leaves them alone. strata's own
// tables (strata_migrations, strata_lock and any other ledger) are
// included: the caller filters them. Without a current schema there are no
// tables.
//
// Tables takes a *sql.Conn, so that the current schema is that of the
// session the caller works on.
func (Dialect) Tables(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rows, err := conn.QueryContext(ctx, tablesOfSchemaQuery)
	if err != nil {
		return nil, fmt.Errorf("postgres: list tables: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("postgres: list tables: %w", err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list tables: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

var tablesOfSchemaQuery = `
SELECT c.relname
FROM pg_catalog.pg_class c
WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())
  AND c.relkind IN ('r', 'p', 'f')
  AND ` + notExtensionMember("pg_class", "c.oid")

// DropAll drops everything strata's migrations may have made in conn's
// current schema (current_schema()), so that a fresh run of every
// migration starts from nothing: tables, strata's ledger and lock tables
// included, with their indexes, constraints, rules and policies; views and
// materialized views; sequences; triggers; functions, procedures and
// aggregates; and user-defined types (enums, composite types, domains,
// ranges). It does so in one transaction, on conn: when a drop fails,
// nothing is dropped.
//
// It drops nothing outside the current schema, and neither the schema
// itself, which the app's role may not own, nor objects that belong to an
// extension (pg_depend deptype 'e' or 'x'), wherever they are. It does not
// use CASCADE: each object is dropped by itself, qualified with its schema,
// in an order in which no drop needs another: triggers; views and
// materialized views, each before the views it reads; the foreign keys
// between the schema's tables, which is what lets tables in a cycle of
// foreign keys go; tables, inheriting and partition tables before their
// parents; sequences left over (those a column owns went with its table);
// and last functions and types, each before the ones it uses (a function
// before the enum of its argument, a domain before the function its CHECK
// calls). So when something outside the schema depends on an object in it,
// a view or foreign key of another schema, or a trigger there that calls a
// function here, DropAll fails, naming the object PostgreSQL refused to
// drop, and drops nothing. Operators, collations, text-search objects and
// conversions are not dropped, since strata makes none.
//
// DropAll does not take the migration lock: the caller holds it, or knows
// that nothing else migrates the database. On an empty schema it does
// nothing and succeeds. Errors start with "postgres: " and name the object
// that could not be dropped.
func (d Dialect) DropAll(ctx context.Context, conn *sql.Conn) (err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: drop all: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var schema sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("postgres: drop all: read the current schema: %w", err)
	}
	if !schema.Valid {
		return errors.New("postgres: drop all: there is no current schema: no schema of the search path exists")
	}
	edges, err := dependencies(ctx, tx)
	if err != nil {
		return err
	}
	// Each phase lists its objects when it starts, so that it does not see
	// those that went with an object of an earlier phase (a column's
	// sequence with its table, a trigger with its table).
	for _, phase := range dropPhases {
		objs, err := listDroppable(ctx, tx, phase)
		if err != nil {
			return err
		}
		for _, o := range dropOrder(objs, edges) {
			if _, err := tx.ExecContext(ctx, o.statement(d, schema.String)); err != nil {
				return fmt.Errorf("postgres: drop %s: %w", o.describe(schema.String), err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: drop all: commit: %w", err)
	}
	return nil
}

// droppable is one object DropAll drops.
type droppable struct {
	key   string // catalog oid ":" object oid, as dependencies keys them
	kind  string // what the DROP statement names: TABLE, VIEW, FUNCTION...
	name  string // the object's name in the schema
	on    string // the table of a trigger or foreign key
	args  string // the identity arguments of a routine
	order int    // the object's place in its phase's list
}

// statement returns the statement that drops o from schema.
func (o droppable) statement(d Dialect, schema string) string {
	qualified := func(name string) string { return d.QuoteIdent(schema) + "." + d.QuoteIdent(name) }
	switch o.kind {
	case "TRIGGER":
		return "DROP TRIGGER IF EXISTS " + d.QuoteIdent(o.name) + " ON " + qualified(o.on)
	case "CONSTRAINT":
		return "ALTER TABLE IF EXISTS " + qualified(o.on) + " DROP CONSTRAINT IF EXISTS " + d.QuoteIdent(o.name)
	case "FUNCTION", "PROCEDURE", "AGGREGATE":
		return "DROP " + o.kind + " IF EXISTS " + qualified(o.name) + "(" + o.args + ")"
	}
	return "DROP " + o.kind + " IF EXISTS " + qualified(o.name)
}

// describe names o in an error, the way a reader finds it.
func (o droppable) describe(schema string) string {
	switch o.kind {
	case "TRIGGER":
		return fmt.Sprintf("trigger %s on table %s.%s", o.name, schema, o.on)
	case "CONSTRAINT":
		return fmt.Sprintf("foreign key %s of table %s.%s", o.name, schema, o.on)
	case "FUNCTION", "PROCEDURE", "AGGREGATE":
		return fmt.Sprintf("%s %s.%s(%s)", strings.ToLower(o.kind), schema, o.name, o.args)
	}
	return fmt.Sprintf("%s %s.%s", strings.ToLower(o.kind), schema, o.name)
}

// dropPhases are the queries listing, in the order DropAll drops them, the
// objects of the current schema. Each returns the object's key, the kind
// its DROP statement names, its name, the table it is on and a routine's
// identity arguments, in the order that breaks ties between objects that
// do not depend on each other.
var dropPhases = []string{
	// Triggers on the schema's tables and views, except those PostgreSQL
	// makes for foreign keys and those a partition inherits (deptype 'P'),
	// which go with their parent's.
	`SELECT ` + key("pg_trigger", "t.oid") + `, 'TRIGGER', t.tgname, c.relname, ''
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = ` + currentSchema + `
  AND NOT t.tgisinternal
  AND ` + notExtensionMember("pg_class", "c.oid") + `
  AND ` + notOwned("pg_trigger", "t.oid") + `
ORDER BY c.relname, t.tgname`,

	// Views and materialized views.
	`SELECT ` + key("pg_class", "c.oid") + `, CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, c.relname, '', ''
FROM pg_catalog.pg_class c
WHERE c.relnamespace = ` + currentSchema + `
  AND c.relkind IN ('v', 'm')
  AND ` + notExtensionMember("pg_class", "c.oid") + `
ORDER BY c.relname`,

	// Foreign keys between two tables of the schema, except the copies
	// PostgreSQL makes for partitions, which go with the original.
	`SELECT ` + key("pg_constraint", "k.oid") + `, 'CONSTRAINT', k.conname, c.relname, ''
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
WHERE k.contype = 'f' AND k.conparentid = 0
  AND c.relnamespace = ` + currentSchema + `
  AND r.relnamespace = ` + currentSchema + `
  AND ` + notExtensionMember("pg_class", "c.oid") + `
ORDER BY c.relname, k.conname`,

	// Tables.
	`SELECT ` + key("pg_class", "c.oid") + `, CASE c.relkind WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.relname, '', ''
FROM pg_catalog.pg_class c
WHERE c.relnamespace = ` + currentSchema + `
  AND c.relkind IN ('r', 'p', 'f')
  AND ` + notExtensionMember("pg_class", "c.oid") + `
ORDER BY c.relname`,

	// Sequences no column owns (identity sequences are internal).
	`SELECT ` + key("pg_class", "c.oid") + `, 'SEQUENCE', c.relname, '', ''
FROM pg_catalog.pg_class c
WHERE c.relnamespace = ` + currentSchema + `
  AND c.relkind = 'S'
  AND ` + notExtensionMember("pg_class", "c.oid") + `
  AND ` + notOwned("pg_class", "c.oid") + `
ORDER BY c.relname`,

	// Routines and types together, since either may depend on the other:
	// routines first where nothing says otherwise, aggregates before the
	// functions they call. The types are enums, standalone composite
	// types, domains, ranges, base and shell types; not the row types of
	// tables and views, nor array and multirange types, which PostgreSQL
	// makes and drops with another type (deptype 'i').
	`SELECT key, kind, name, '', args FROM (
  SELECT ` + key("pg_proc", "p.oid") + ` AS key,
         CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS kind,
         p.proname AS name, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
         CASE p.prokind WHEN 'a' THEN 0 ELSE 1 END AS rank
  FROM pg_catalog.pg_proc p
  WHERE p.pronamespace = ` + currentSchema + `
    AND ` + notExtensionMember("pg_proc", "p.oid") + `
    AND ` + notOwned("pg_proc", "p.oid") + `
  UNION ALL
  SELECT ` + key("pg_type", "t.oid") + `,
         CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
         t.typname, '', 2
  FROM pg_catalog.pg_type t
  LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
  WHERE t.typnamespace = ` + currentSchema + `
    AND t.typtype IN ('b', 'c', 'd', 'e', 'p', 'r')
    AND (t.typrelid = 0 OR c.relkind = 'c')
    AND ` + notExtensionMember("pg_type", "t.oid") + `
    AND ` + notOwned("pg_type", "t.oid") + `
) o
ORDER BY rank, name, args`,
}

// currentSchema is the oid of the current schema, in the queries above.
const currentSchema = `(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())`

// key returns the expression of an object's key: the oid of its catalog,
// a colon, and its own oid.
func key(catalog, oid string) string {
	return `'pg_catalog.` + catalog + `'::regclass::oid::text || ':' || ` + oid + `::text`
}

// notExtensionMember returns the condition that the object of catalog
// whose oid is oid does not belong to an extension, as a member (deptype
// 'e') or by ALTER ... DEPENDS ON EXTENSION (deptype 'x').
func notExtensionMember(catalog, oid string) string {
	return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
  WHERE d.classid = 'pg_catalog.` + catalog + `'::regclass AND d.objid = ` + oid + ` AND d.deptype IN ('e', 'x'))`
}

// notOwned returns the condition that the object of catalog whose oid is
// oid is not part of another object, which PostgreSQL drops with it and
// will not drop alone: an identity column's sequence, an array type, a
// partition's copy of its parent's trigger (deptypes 'i', 'P' and 'S').
// A sequence a column owns (OWNED BY, deptype 'a') may be dropped alone;
// it is gone by the time DropAll lists sequences unless its table is in
// another schema.
func notOwned(catalog, oid string) string {
	return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
  WHERE d.classid = 'pg_catalog.` + catalog + `'::regclass AND d.objid = ` + oid + ` AND d.deptype IN ('i', 'P', 'S'))`
}

// listDroppable runs one of dropPhases.
func listDroppable(ctx context.Context, tx *sql.Tx, query string) ([]droppable, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("postgres: drop all: list objects: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var objs []droppable
	for rows.Next() {
		o := droppable{order: len(objs)}
		if err := rows.Scan(&o.key, &o.kind, &o.name, &o.on, &o.args); err != nil {
			return nil, fmt.Errorf("postgres: drop all: list objects: %w", err)
		}
		objs = append(objs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: drop all: list objects: %w", err)
	}
	return objs, nil
}

// dependencies returns, by the key of each object, the keys of the objects
// it depends on (pg_depend, deptypes 'n' and 'a'), as DropAll needs them
// to order its drops. What pg_depend records against a part of an object
// counts for the object: a view's dependencies are its rewrite rule's, a
// composite type's are those of its attributes (recorded for its pg_class
// row), a domain's include its constraints'; and a dependency on the row
// type of a view or table is one on the view or table.
func dependencies(ctx context.Context, tx *sql.Tx) (map[string][]string, error) {
	rows, err := tx.QueryContext(ctx, dependenciesQuery)
	if err != nil {
		return nil, fmt.Errorf("postgres: drop all: read dependencies: %w", err)
	}
	defer func() { _ = rows.Close() }()
	edges := map[string][]string{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("postgres: drop all: read dependencies: %w", err)
		}
		if from != to {
			edges[from] = append(edges[from], to)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: drop all: read dependencies: %w", err)
	}
	return edges, nil
}

var dependenciesQuery = `
SELECT CASE
         WHEN d.classid = 'pg_catalog.pg_rewrite'::regclass THEN ` + key("pg_class", "rw.ev_class") + `
         WHEN d.classid = 'pg_catalog.pg_constraint'::regclass AND k.contypid <> 0 THEN ` + key("pg_type", "k.contypid") + `
         WHEN d.classid = 'pg_catalog.pg_class'::regclass AND oc.relkind = 'c' THEN ` + key("pg_type", "oc.reltype") + `
         ELSE d.classid::text || ':' || d.objid::text
       END,
       CASE
         WHEN d.refclassid = 'pg_catalog.pg_class'::regclass AND rc.relkind = 'c' THEN ` + key("pg_type", "rc.reltype") + `
         WHEN d.refclassid = 'pg_catalog.pg_type'::regclass AND rtc.relkind IS NOT NULL AND rtc.relkind <> 'c' THEN ` + key("pg_class", "rtc.oid") + `
         ELSE d.refclassid::text || ':' || d.refobjid::text
       END
FROM pg_catalog.pg_depend d
LEFT JOIN pg_catalog.pg_rewrite rw ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND rw.oid = d.objid
LEFT JOIN pg_catalog.pg_constraint k ON d.classid = 'pg_catalog.pg_constraint'::regclass AND k.oid = d.objid
LEFT JOIN pg_catalog.pg_class oc ON d.classid = 'pg_catalog.pg_class'::regclass AND oc.oid = d.objid
LEFT JOIN pg_catalog.pg_class rc ON d.refclassid = 'pg_catalog.pg_class'::regclass AND rc.oid = d.refobjid
LEFT JOIN pg_catalog.pg_type rt ON d.refclassid = 'pg_catalog.pg_type'::regclass AND rt.oid = d.refobjid
LEFT JOIN pg_catalog.pg_class rtc ON rtc.oid = rt.typrelid
WHERE d.deptype IN ('n', 'a')`

// dropOrder returns objs in an order in which each comes before the
// objects of objs it depends on, and otherwise in their listed order. In a
// cycle of dependencies, which PostgreSQL refuses to drop without
// CASCADE, the first listed of the cycle comes first, and its drop fails.
func dropOrder(objs []droppable, edges map[string][]string) []droppable {
	index := make(map[string]int, len(objs))
	for i, o := range objs {
		index[o.key] = i
	}
	// dependents[i] counts the objects of objs, not yet dropped, that
	// depend on objs[i].
	dependents := make([]int, len(objs))
	for _, o := range objs {
		for _, to := range edges[o.key] {
			if j, ok := index[to]; ok {
				dependents[j]++
			}
		}
	}
	done := make([]bool, len(objs))
	out := make([]droppable, 0, len(objs))
	for len(out) < len(objs) {
		next := -1
		for i := range objs {
			if !done[i] && dependents[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 { // a cycle
			next = slices.Index(done, false)
		}
		done[next] = true
		out = append(out, objs[next])
		for _, to := range edges[objs[next].key] {
			if j, ok := index[to]; ok {
				dependents[j]--
			}
		}
	}
	return out
}
