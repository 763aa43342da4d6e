package runtime_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// historySizes are the lengths of history the benchmarks run at, so that
// one run shows how the cost grows with it.
var historySizes = []int{50, 500, 2000}

// chain returns n migrations as strata makemigrations writes them for a
// model added to models that already hold the one before: migration i
// creates table t_i with an index and a foreign key to t_{i-1}, the
// workload of the side-by-side harness in shared/bench.
func chain(n int) *runtime.Migrator {
	m := runtime.NewMigrator()
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("t_%d", i)
		t := schema.Table{
			Name: name,
			Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Kind: schema.Int64}},
				{Name: "name", Type: schema.Type{Kind: schema.Text}},
				{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Nullable: true},
				{Name: "ref_id", Type: schema.Type{Kind: schema.Int64}, Nullable: true},
			},
			PrimaryKey: []string{"id"},
			Indexes:    []schema.Index{{Name: "idx_" + name + "_name", Columns: []string{"name"}}},
		}
		if i > 1 {
			t.ForeignKeys = []schema.ForeignKey{{Name: name + "_ref_id_fkey", Columns: []string{"ref_id"}, RefTable: fmt.Sprintf("t_%d", i-1), RefColumns: []string{"id"}}}
		}
		m.Register(runtime.Migration{
			ID:   fmt.Sprintf("%04d_create_%s", i, name),
			Up:   []schema.Operation{schema.CreateTable{Table: t}},
			Down: []schema.Operation{schema.DropTable{Name: name}},
		})
	}
	return m
}

// benchEngines are the engines the benchmarks run on; PostgreSQL's skip
// without STRATA_TEST_POSTGRES_URL.
var benchEngines = []struct {
	name string
	open func(testing.TB) *sql.DB
}{
	{"sqlite", testdb.SQLite},
	{"sqlite-wal", sqliteWAL},
	{"postgres", testdb.Postgres},
}

// sqliteWAL opens a new SQLite database in WAL mode, where a run takes the
// write lock anew in each migration's transaction (in rollback-journal
// mode, on a database that holds no migration yet, it keeps it).
func sqliteWAL(t testing.TB) *sql.DB {
	db := testdb.SQLite(t)
	if _, err := db.Exec("PRAGMA journal_mode = WAL"); err != nil {
		t.Fatal(err)
	}
	return db
}

// BenchmarkUp applies a whole history to a fresh database, as an app's
// first start does: per migration, its statements and its ledger row in
// one transaction. Its x-raw metric divides it by the same statements run
// without strata, each migration's in a transaction of its own on one
// connection and no bookkeeping (the side-by-side harness's floor),
// measured on another fresh database in the same loop. The two take turns
// going first, so that neither always meets the server just after the
// other's work.
func BenchmarkUp(b *testing.B) {
	for _, e := range benchEngines {
		for _, n := range historySizes {
			b.Run(fmt.Sprintf("%s/%d", e.name, n), func(b *testing.B) {
				ctx := context.Background()
				m := chain(n)
				var up, raw time.Duration
				var statements [][]string
				timed := func(apply func(*sql.DB) error) time.Duration {
					db := e.open(b)
					if err := db.Ping(); err != nil {
						b.Fatal(err)
					}
					if statements == nil {
						statements = render(b, db, m.Migrations())
					}
					start := time.Now()
					if err := apply(db); err != nil {
						b.Fatal(err)
					}
					return time.Since(start)
				}
				strata := func(db *sql.DB) error { _, err := m.Up(ctx, db); return err }
				plain := func(db *sql.DB) error { return applyRaw(ctx, db, statements) }
				for k := 0; b.Loop(); k++ {
					if k%2 == 0 {
						up += timed(strata)
						raw += timed(plain)
					} else {
						raw += timed(plain)
						up += timed(strata)
					}
				}
				b.ReportMetric(float64(up.Microseconds())/float64(b.N*n), "µs/migration")
				b.ReportMetric(float64(up)/float64(raw), "x-raw")
			})
		}
	}
}

// render returns the statements of each of ms, as db's dialect renders them.
func render(b *testing.B, db *sql.DB, ms []runtime.Migration) [][]string {
	d, err := runtime.DialectFor(db)
	if err != nil {
		b.Fatal(err)
	}
	s := &schema.Schema{}
	out := make([][]string, len(ms))
	for i, mig := range ms {
		steps, err := d.Render(s, mig.Up)
		if err != nil {
			b.Fatal(err)
		}
		for _, st := range steps {
			out[i] = append(out[i], st.SQL)
		}
		for _, op := range mig.Up {
			if err := op.Apply(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	return out
}

// applyRaw runs each migration's statements in a transaction of its own on
// one connection, and nothing else.
func applyRaw(ctx context.Context, db *sql.DB, migrations [][]string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	for _, statements := range migrations {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range statements {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkStart is what every start of a migrated app pays: Up with
// nothing pending, building the Migrator from its migrations as the init
// functions of a migrations package do. Its x-select metric divides it by
// one SELECT of the whole ledger on the same pool, the least a tool that
// checks every applied migration must do, measured in the same loop.
func BenchmarkStart(b *testing.B) {
	for _, e := range benchEngines {
		for _, n := range historySizes {
			b.Run(fmt.Sprintf("%s/%d", e.name, n), func(b *testing.B) {
				ctx := context.Background()
				db := e.open(b)
				if _, err := chain(n).Up(ctx, db); err != nil {
					b.Fatal(err)
				}
				ms := chain(n).Migrations()
				var up, sel time.Duration
				for b.Loop() {
					start := time.Now()
					if err := selectLedger(ctx, db); err != nil {
						b.Fatal(err)
					}
					sel += time.Since(start)

					up += startOnce(b, db, ms)
				}
				b.ReportMetric(float64(up.Nanoseconds())/float64(b.N), "start-ns/op")
				b.ReportMetric(float64(sel.Nanoseconds())/float64(b.N), "select-ns/op")
				b.ReportMetric(float64(up)/float64(sel), "x-select")
			})
		}
	}
}

// startOnce times what a start of an app with the migrations ms pays on
// db, where none is pending: building its Migrator, then Up.
func startOnce(b *testing.B, db *sql.DB, ms []runtime.Migration) time.Duration {
	b.Helper()
	start := time.Now()
	m := runtime.NewMigrator()
	m.Register(ms...)
	results, err := m.Up(context.Background(), db)
	if err != nil || len(results) != 0 {
		b.Fatalf("Up = %d results, %v; want nothing applied", len(results), err)
	}
	return time.Since(start)
}

// selectLedger reads every row of the ledger, as a tool that compares each
// applied migration with its own does at least.
func selectLedger(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT id, checksum, batch, applied_at, duration_ms FROM strata_migrations")
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			id, sum   string
			batch     int
			appliedAt time.Time
			took      int64
		)
		if err := rows.Scan(&id, &sum, &batch, &appliedAt, &took); err != nil {
			return err
		}
	}
	return rows.Err()
}

// verifySizes are the numbers of tables BenchmarkVerify runs at.
var verifySizes = []int{100, 1000}

// BenchmarkVerify is what WithVerify adds to a start: Verify of a
// database that holds n tables, each with an index and a foreign key, as
// migrated. Its x-start metric divides it by a start with nothing pending
// (see BenchmarkStart) on the same database, measured in the same loop.
func BenchmarkVerify(b *testing.B) {
	for _, e := range benchEngines {
		if e.name == "sqlite-wal" {
			continue
		}
		for _, n := range verifySizes {
			b.Run(fmt.Sprintf("%s/%d", e.name, n), func(b *testing.B) {
				ctx := context.Background()
				db := e.open(b)
				m := chain(n)
				if _, err := m.Up(ctx, db); err != nil {
					b.Fatal(err)
				}
				var verify, start time.Duration
				for b.Loop() {
					t0 := time.Now()
					v, err := m.Verify(ctx, db)
					if err != nil || v.Drifted() {
						b.Fatalf("Verify = %v, %v; want no difference", v, err)
					}
					verify += time.Since(t0)

					t0 = time.Now()
					if _, err := m.Up(ctx, db); err != nil {
						b.Fatal(err)
					}
					start += time.Since(t0)
				}
				b.ReportMetric(float64(verify.Milliseconds())/float64(b.N), "verify-ms/op")
				b.ReportMetric(float64(verify)/float64(start), "x-start")
			})
		}
	}
}

// BenchmarkStartWithSets is BenchmarkStart for an app whose n migrations
// are split in two sets: a library's, named "lib", with the first half of
// chain(n), and the app's, with the second, whose first migration depends
// on the library's last. The run orders them at every start.
func BenchmarkStartWithSets(b *testing.B) {
	for _, e := range benchEngines {
		for _, n := range historySizes {
			b.Run(fmt.Sprintf("%s/%d", e.name, n), func(b *testing.B) {
				ctx := context.Background()
				db := e.open(b)
				ms := chain(n).Migrations()
				libMs, appMs := ms[:n/2], slices.Clone(ms[n/2:])
				// The app's first table references the library's last.
				appMs[0].DependsOn = []string{"lib/" + libMs[len(libMs)-1].ID}
				build := func() *runtime.Migrator {
					lib := runtime.NewSet("lib")
					lib.Register(libMs...)
					app := runtime.NewMigrator()
					app.Register(appMs...)
					app.Include(lib)
					return app
				}
				if _, err := build().Up(ctx, db); err != nil {
					b.Fatal(err)
				}
				var up, sel time.Duration
				for b.Loop() {
					start := time.Now()
					if err := selectLedger(ctx, db); err != nil {
						b.Fatal(err)
					}
					sel += time.Since(start)

					start = time.Now()
					if results, err := build().Up(ctx, db); err != nil || len(results) != 0 {
						b.Fatalf("Up = %d results, %v; want nothing applied", len(results), err)
					}
					up += time.Since(start)
				}
				b.ReportMetric(float64(up.Nanoseconds())/float64(b.N), "start-ns/op")
				b.ReportMetric(float64(sel.Nanoseconds())/float64(b.N), "select-ns/op")
				b.ReportMetric(float64(up)/float64(sel), "x-select")
			})
		}
	}
}
