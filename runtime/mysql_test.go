package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
)

// TestMySQLWorksThroughAPoolOpenedWithTheDriversDefaults applies, reverts
// and lists migrations, with and without a lease, through a pool opened
// as an app may open it: no parseTime, so that times come back as text,
// and the server's own SQL mode, which reads "a" as a string. The runtime
// quotes its names with backticks, reads the ledger's times from their
// text, and sets up the migration's session itself.
func TestMySQLWorksThroughAPoolOpenedWithTheDriversDefaults(t *testing.T) {
	cfg, err := mysql.ParseDSN(testdb.MySQLURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ParseTime = false
	cfg.Params = nil
	e := engines[2]
	db := e.openDSN(t, cfg.FormatDSN())
	ctx := context.Background()
	m := newMigrator(blog()...)
	if _, err := m.UpTo(ctx, db, "0002_add_users_bio"); err != nil {
		t.Fatalf("UpTo: %v", err)
	}
	if _, err := m.Up(ctx, db, runtime.WithLease(time.Second)); err != nil {
		t.Fatalf("Up with a lease: %v", err)
	}
	statuses, err := m.Status(ctx, db)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	for _, s := range statuses {
		if !s.Applied || time.Since(s.AppliedAt) > time.Hour || time.Since(s.AppliedAt) < -time.Hour {
			t.Errorf("status of %s: applied %v at %v, want applied just now", s.ID, s.Applied, s.AppliedAt)
		}
	}
	if _, err := m.Down(ctx, db, 4); err != nil {
		t.Fatalf("Down: %v", err)
	}
	e.assertSchema(t, db, nil)
}
