package postgres_test

import (
	"context"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/postgres"
)

func TestSettleTellsWhetherAConcurrentIndexStatementTookEffectAndClearsAFailedBuild(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	conn := sessionConn(t, db)
	d := postgres.Dialect{}
	for _, stmt := range []string{
		`CREATE SCHEMA app`,
		`CREATE TABLE app."Notes" (body TEXT)`,
		`INSERT INTO app."Notes" VALUES ('twice'), ('twice')`,
		`CREATE INDEX CONCURRENTLY notes_body_idx ON app."Notes" (body)`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	// A unique build over duplicates fails the way an interrupted one
	// does: it leaves the index behind, invalid.
	failed := `CREATE UNIQUE INDEX CONCURRENTLY "Notes Body Key" ON app."Notes" (body)`
	if _, err := db.ExecContext(ctx, failed); err == nil {
		t.Fatal("a unique index over duplicates was built")
	}

	cases := []struct {
		name              string
		statement         string
		tookEffect, known bool
	}{
		{"a valid index built", "CREATE INDEX CONCURRENTLY notes_body_idx ON app.\"Notes\" (body)", true, true},
		{"an index never built", "CREATE INDEX CONCURRENTLY IF NOT EXISTS other_idx ON ONLY app.\"Notes\" USING btree (body)", false, true},
		{"an index whose build failed, which is dropped", "-- a comment\n" + failed, false, true},
		{"the same once dropped", failed, false, true},
		{"a drop of an index still there", "DROP INDEX CONCURRENTLY IF EXISTS app.notes_body_idx", false, true},
		{"a drop of an index gone", `DROP INDEX CONCURRENTLY app."Notes Body Key" CASCADE`, true, true},
		{"a drop of several indexes", "DROP INDEX CONCURRENTLY a, b", false, false},
		{"an index without a name", "CREATE INDEX CONCURRENTLY ON app.\"Notes\" (body)", false, false},
		{"an index built in a transaction", "CREATE INDEX plain_idx ON app.\"Notes\" (body)", false, false},
		{"another statement", "VACUUM app.\"Notes\"", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tookEffect, known, err := d.Settle(ctx, conn, tc.statement)
			if err != nil {
				t.Fatalf("Settle: %v", err)
			}
			if tookEffect != tc.tookEffect || known != tc.known {
				t.Errorf("Settle(%q) = took effect %v, known %v; want %v, %v", tc.statement, tookEffect, known, tc.tookEffect, tc.known)
			}
		})
	}
	var left int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_class WHERE relname = 'Notes Body Key'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("the invalid index is still there (%d, %v), want it dropped", left, err)
	}
}
