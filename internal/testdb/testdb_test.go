package testdb_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
)

func TestEachEngineGivesAFreshWritableDatabase(t *testing.T) {
	engines := map[string]func(testing.TB) *sql.DB{"sqlite": testdb.SQLite, "postgres": testdb.Postgres, "mysql": testdb.MySQL}
	for name, open := range engines {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			if _, err := db.ExecContext(ctx, "CREATE TABLE probe (id INTEGER PRIMARY KEY)"); err != nil {
				t.Fatalf("a fresh database should accept a new table: %v", err)
			}
			var n int
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM probe").Scan(&n); err != nil || n != 0 {
				t.Fatalf("count = %d, %v; want 0, nil", n, err)
			}
		})
	}
}
