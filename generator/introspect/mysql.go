package introspect

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/strata-go/strata/runtime/dialect/mysql"
	"github.com/strata-go/strata/runtime/schema"
)

// mysqlExtras are the catalog queries that list, a line each, what a MySQL
// or MariaDB database holds beyond strata's model: the objects of the
// current database that are not tables, and the partitioning of tables.
var mysqlExtras = []struct{ what, query string }{
	{"views", `SELECT CONCAT('view ', TABLE_NAME) FROM information_schema.VIEWS
		WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1`},
	{"triggers", `SELECT CONCAT('trigger ', TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE) FROM information_schema.TRIGGERS
		WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1`},
	{"routines", `SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME, '()') FROM information_schema.ROUTINES
		WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1`},
	{"events", `SELECT CONCAT('event ', EVENT_NAME) FROM information_schema.EVENTS
		WHERE EVENT_SCHEMA = DATABASE() ORDER BY 1`},
	{"sequences", `SELECT CONCAT('sequence ', TABLE_NAME) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE' ORDER BY 1`},
	{"partitions", `SELECT CONCAT('table ', TABLE_NAME, ': partitioned by ', PARTITION_METHOD, ' (', COALESCE(PARTITION_EXPRESSION, ''),
		') into ', COUNT(*), ' partitions; the models make it a plain table')
		FROM information_schema.PARTITIONS
		WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL AND TABLE_NAME NOT LIKE 'strata\_%'
		GROUP BY TABLE_NAME, PARTITION_METHOD, PARTITION_EXPRESSION ORDER BY 1`},
}

// mysqlGeneratedQuery finds the generated columns, which Inspect reads as
// plain ones: the models leave them out.
const mysqlGeneratedQuery = `SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS
	WHERE TABLE_SCHEMA = DATABASE() AND EXTRA LIKE '%GENERATED%' AND TABLE_NAME NOT LIKE 'strata\_%'
	ORDER BY TABLE_NAME, ORDINAL_POSITION`

// mysqlOtherIndexesQuery finds the full-text and spatial indexes, which
// Inspect reads as plain ones and the models would turn into B-trees: they
// are left out.
const mysqlOtherIndexesQuery = `SELECT DISTINCT TABLE_NAME, INDEX_NAME, INDEX_TYPE FROM information_schema.STATISTICS
	WHERE TABLE_SCHEMA = DATABASE() AND INDEX_TYPE IN ('FULLTEXT', 'SPATIAL') AND TABLE_NAME NOT LIKE 'strata\_%'
	ORDER BY TABLE_NAME, INDEX_NAME`

// readMySQL reads a MySQL or MariaDB database: its current database.
func readMySQL(ctx context.Context, db *sql.DB) (*Result, error) {
	s, err := mysql.Inspect(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("introspect: %w", err)
	}
	res := &Result{Schema: s, Dialect: "mysql"}
	for _, q := range mysqlExtras {
		lines, err := queryLines(ctx, db, q.query)
		if err != nil {
			return nil, fmt.Errorf("introspect: read the %s: %w", q.what, err)
		}
		res.Skipped = append(res.Skipped, lines...)
	}
	generated, err := queryPairs(ctx, db, mysqlGeneratedQuery)
	if err != nil {
		return nil, fmt.Errorf("introspect: read the generated columns: %w", err)
	}
	for _, p := range generated {
		dropColumn(s, p[0], p[1])
		res.Skipped = append(res.Skipped, fmt.Sprintf("column %s.%s: generated (AS ...); it is left out", p[0], p[1]))
	}
	rows, err := db.QueryContext(ctx, mysqlOtherIndexesQuery)
	if err != nil {
		return nil, fmt.Errorf("introspect: read the full-text and spatial indexes: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var table, index, kind string
		if err := rows.Scan(&table, &index, &kind); err != nil {
			return nil, fmt.Errorf("introspect: read the full-text and spatial indexes: %w", err)
		}
		dropIndex(s, table, index)
		res.Skipped = append(res.Skipped, fmt.Sprintf("index %s on %s: %s, which the models would make a plain index; it is left out", index, table, kind))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("introspect: read the full-text and spatial indexes: %w", err)
	}
	return res, nil
}

// dropIndex removes the index or unique constraint named index from table
// in s.
func dropIndex(s *schema.Schema, table, index string) {
	t := s.Table(table)
	if t == nil {
		return
	}
	t.Indexes = slices.DeleteFunc(t.Indexes, func(ix schema.Index) bool { return ix.Name == index })
	t.Uniques = slices.DeleteFunc(t.Uniques, func(u schema.Unique) bool { return u.Name == index })
}
