// Package introspect reads the schema of a live database for strata
// inspect and strata adopt --db: the dialect's Inspect reads what strata's
// schema model holds, and introspect adds, one line each, what the
// database holds beyond it (views, functions, triggers that are not
// strata's, partitions, sequences, extensions, generated columns, index
// features, domains), so that the models written from the schema can say
// what they leave out. Where the model language holds a construct in
// another form, introspect rewrites the schema to that form and says so: a
// serial key becomes an identity column, a column of a domain type takes
// the domain's base type and checks; an index that is not a B-tree, which
// the models would turn into one, is left out.
//
//	database  --(introspect: dialect Inspect + catalog)-->  schema.Schema, skipped   <- this package
//	schema    --(modelgen)-->                              models.go
package introspect

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// Result is what Read found.
type Result struct {
	// Schema is the live schema as strata's model holds it, canonical.
	Schema *schema.Schema
	// Dialect is the engine: "postgres", "sqlite" or "mysql".
	Dialect string
	// Skipped lists, one line each, what the database holds that the
	// schema does not: views, functions, triggers, partitions, ...
	Skipped []string
}

// Read reads the schema of db, an engine of the named dialect. tables,
// when not empty, keeps those tables only; naming one the database lacks
// is an error.
func Read(ctx context.Context, db *sql.DB, dialect string, tables []string) (*Result, error) {
	var res *Result
	var err error
	switch dialect {
	case "postgres":
		res, err = readPostgres(ctx, db)
	case "sqlite":
		res, err = readSQLite(ctx, db)
	case "mysql":
		res, err = readMySQL(ctx, db)
	default:
		return nil, fmt.Errorf("introspect: %s databases cannot be inspected (postgres, sqlite and mysql can)", dialect)
	}
	if err != nil {
		return nil, err
	}
	if err := keepTables(res, tables); err != nil {
		return nil, err
	}
	return res, nil
}

// keepTables leaves in res the tables named in names, and the enums their
// columns use; all of them when names is empty.
func keepTables(res *Result, names []string) error {
	if len(names) == 0 {
		return nil
	}
	s := res.Schema
	var missing []string
	for _, n := range names {
		if s.Table(n) == nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("introspect: the database has no table %s", strings.Join(missing, ", "))
	}
	kept := &schema.Schema{}
	used := map[string]bool{}
	for _, t := range s.Tables {
		if slices.Contains(names, t.Name) {
			kept.Tables = append(kept.Tables, t)
			for _, c := range t.Columns {
				used[c.Type.Enum] = c.Type.Kind == schema.EnumKind || used[c.Type.Enum]
			}
		}
	}
	for _, e := range s.Enums {
		if used[e.Name] {
			kept.Enums = append(kept.Enums, e)
		}
	}
	res.Schema = kept
	return nil
}

// readPostgres reads a PostgreSQL database.
func readPostgres(ctx context.Context, db *sql.DB) (*Result, error) {
	s, err := postgres.Inspect(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("introspect: %w", err)
	}
	res := &Result{Schema: s, Dialect: "postgres"}
	for _, q := range postgresExtras {
		lines, err := queryLines(ctx, db, q.query)
		if err != nil {
			return nil, fmt.Errorf("introspect: read the %s: %w", q.what, err)
		}
		res.Skipped = append(res.Skipped, lines...)
	}
	lines, err := domains(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("introspect: read the domains: %w", err)
	}
	res.Skipped = append(res.Skipped, lines...)
	if err := domainColumns(ctx, db, s); err != nil {
		return nil, fmt.Errorf("introspect: read the columns of a domain type: %w", err)
	}
	lines, err = otherMethodIndexes(ctx, db, s)
	if err != nil {
		return nil, fmt.Errorf("introspect: read the indexes that are not B-trees: %w", err)
	}
	res.Skipped = append(res.Skipped, lines...)
	generated, err := queryPairs(ctx, db, generatedColumnsQuery)
	if err != nil {
		return nil, fmt.Errorf("introspect: read the generated columns: %w", err)
	}
	for _, p := range generated {
		dropColumn(s, p[0], p[1])
		res.Skipped = append(res.Skipped, fmt.Sprintf("column %s.%s: generated (GENERATED ALWAYS AS ... STORED); it is left out", p[0], p[1]))
	}
	res.Skipped = append(res.Skipped, serialColumns(s)...)
	return res, nil
}

// serialColumns turns the serial columns of s (an integer column whose
// default takes the next value of a sequence) into what strata has for
// them: the one key column of its table becomes an identity column, any
// other loses the default. It returns a line for each.
func serialColumns(s *schema.Schema) []string {
	var lines []string
	for ti := range s.Tables {
		t := &s.Tables[ti]
		for ci := range t.Columns {
			c := &t.Columns[ci]
			if !strings.HasPrefix(c.Default, "nextval(") {
				continue
			}
			if len(t.PrimaryKey) == 1 && t.PrimaryKey[0] == c.Name {
				lines = append(lines, fmt.Sprintf("column %s.%s: serial (DEFAULT %s); the models make it an identity column", t.Name, c.Name, c.Default))
				c.Default, c.Identity = "", true
				continue
			}
			lines = append(lines, fmt.Sprintf("column %s.%s: its default %s takes a sequence the models do not create; it is left out", t.Name, c.Name, c.Default))
			c.Default = ""
		}
	}
	return lines
}

// dropColumn removes column from table in s.
func dropColumn(s *schema.Schema, table, column string) {
	t := s.Table(table)
	if t == nil {
		return
	}
	t.Columns = slices.DeleteFunc(t.Columns, func(c schema.Column) bool { return c.Name == column })
}

// queryLines runs query, whose rows are one text column each.
func queryLines(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	return lines, rows.Err()
}

// queryPairs runs query, whose rows are two text columns each.
func queryPairs(ctx context.Context, db *sql.DB, query string) ([][2]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var pairs [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	return pairs, rows.Err()
}
