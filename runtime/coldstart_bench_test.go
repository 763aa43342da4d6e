package runtime_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
)

// BenchmarkColdStart is BenchmarkStart as a restarted app meets it, and as
// the side-by-side harness in shared/bench measures it: each start opens a
// new pool and one connection (outside the timer), so on SQLite the first
// statement of the run reads the whole schema of the database, and on
// PostgreSQL no statement is prepared yet. Its x-select metric divides it
// by one SELECT of the whole ledger, also on a new pool, measured in the
// same loop.
func BenchmarkColdStart(b *testing.B) {
	engines := []struct {
		name string
		dsn  func(testing.TB) (driver, dsn string)
	}{
		{"sqlite", func(t testing.TB) (string, string) {
			// The harness's settings: SQLite's defaults otherwise.
			return "sqlite", "file:" + filepath.Join(t.TempDir(), "cold.db") + "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
		}},
		{"postgres", func(t testing.TB) (string, string) { return "pgx", testdb.PostgresURL(t) }},
	}
	for _, e := range engines {
		for _, n := range historySizes {
			b.Run(fmt.Sprintf("%s/%d", e.name, n), func(b *testing.B) {
				ctx := context.Background()
				driver, dsn := e.dsn(b)
				open := func() *sql.DB {
					db, err := sql.Open(driver, dsn)
					if err != nil {
						b.Fatal(err)
					}
					if err := db.PingContext(ctx); err != nil {
						b.Fatal(err)
					}
					return db
				}
				db := open()
				if _, err := chain(n).Up(ctx, db); err != nil {
					b.Fatal(err)
				}
				_ = db.Close()
				ms := chain(n).Migrations()
				var up, sel time.Duration
				for b.Loop() {
					db := open()
					start := time.Now()
					if err := selectLedger(ctx, db); err != nil {
						b.Fatal(err)
					}
					sel += time.Since(start)
					_ = db.Close()

					db = open()
					up += startOnce(b, db, ms)
					_ = db.Close()
				}
				b.ReportMetric(float64(up.Nanoseconds())/float64(b.N), "start-ns/op")
				b.ReportMetric(float64(sel.Nanoseconds())/float64(b.N), "select-ns/op")
				b.ReportMetric(float64(up)/float64(sel), "x-select")
			})
		}
	}
}
