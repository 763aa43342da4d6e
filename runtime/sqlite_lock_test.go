package runtime_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// On SQLite in rollback-journal mode, a run on a database that holds no
// migration yet keeps the write lock from its first migration to its end;
// a run on one that holds some, or in WAL mode, lets other connections in
// between two migrations, as its lock is each migration's transaction.
func TestOnSQLiteARunKeepsTheLockOnlyOnADatabaseThatHoldsNoMigrationYet(t *testing.T) {
	for _, tt := range []struct {
		name    string
		journal string
		fresh   bool
		kept    bool
	}{
		{"a fresh database in rollback-journal mode", "DELETE", true, true},
		{"a migrated database in rollback-journal mode", "DELETE", false, false},
		{"a fresh database in WAL mode", "WAL", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := testdb.SQLite(t)
			if _, err := db.ExecContext(ctx, "PRAGMA journal_mode = "+tt.journal); err != nil {
				t.Fatal(err)
			}
			if !tt.fresh {
				if _, err := newMigrator(blog()[:1]...).Up(ctx, db); err != nil {
					t.Fatalf("Up: %v", err)
				}
			}
			other, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = other.Close() }()
			if _, err := other.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
				t.Fatal(err)
			}
			// A step of the last migration looks through another
			// connection, after the run committed the migrations before.
			var seen error
			look := runtime.Migration{ID: "0009_look", Up: []schema.Operation{schema.RunGo{Func: func(ctx context.Context, _ *sql.Tx) error {
				var n int
				seen = other.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n)
				return nil
			}}}}
			if _, err := newMigrator(append(blog()[:2], look)...).Up(ctx, db); err != nil {
				t.Fatalf("Up: %v", err)
			}
			switch locked := seen != nil && strings.Contains(seen.Error(), "database is locked"); {
			case tt.kept && !locked:
				t.Errorf("another connection's read during the run: err = %v, want the database locked", seen)
			case !tt.kept && seen != nil:
				t.Errorf("another connection's read between two migrations: %v, want it to succeed", seen)
			}
			// Once the run is over, everyone is let in.
			if _, err := other.ExecContext(ctx, "CREATE TABLE after_the_run (id INTEGER)"); err != nil {
				t.Errorf("a write after the run: %v", err)
			}
		})
	}
}
