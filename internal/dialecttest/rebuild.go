package dialecttest

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// RebuildSQLiteTable changes a table of a SQLite database behind strata's
// back, as SQLite's documentation says to make a change ALTER TABLE cannot:
// it creates the table anew from its stored CREATE TABLE with the first old
// replaced by new, copies the rows, drops the old table, renames the new
// one, and creates the old one's indexes and triggers again. Foreign keys
// are off while it runs.
func RebuildSQLiteTable(t *testing.T, db *sql.DB, table, old, new string) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	var create string
	if err := conn.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&create); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(create, old) {
		t.Fatalf("the CREATE TABLE of %s has no %q:\n%s", table, old, create)
	}
	again := QueryRows(t, conn, `SELECT sql FROM sqlite_schema
		WHERE type IN ('index', 'trigger') AND tbl_name = '`+strings.ReplaceAll(table, "'", "''")+`' AND sql IS NOT NULL`)
	changed := strings.Replace(strings.Replace(create, old, new, 1), `CREATE TABLE "`+table+`"`, `CREATE TABLE "strata_changed"`, 1)
	steps := append([]string{
		`PRAGMA foreign_keys = OFF`,
		changed,
		`INSERT INTO "strata_changed" SELECT * FROM "` + table + `"`,
		`DROP TABLE "` + table + `"`,
		`ALTER TABLE "strata_changed" RENAME TO "` + table + `"`,
	}, again...)
	for _, s := range append(steps, `PRAGMA foreign_keys = ON`) {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
