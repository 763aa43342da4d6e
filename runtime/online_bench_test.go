package runtime_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// busyRows is how many rows the table of BenchmarkOnlineChangeUnderWrites
// holds.
const busyRows = 1_000_000

// busyTable returns the migrations that create table items, with a table
// refs it may reference, and fill it with busyRows rows whose note is
// NULL.
func busyTable() []runtime.Migration {
	bigint := schema.Type{Kind: schema.Int64}
	return []runtime.Migration{
		{
			ID: "0001_create_items",
			Up: []schema.Operation{
				schema.CreateTable{Table: schema.Table{Name: "refs", Columns: []schema.Column{{Name: "id", Type: bigint}}, PrimaryKey: []string{"id"}}},
				schema.CreateTable{Table: schema.Table{
					Name: "items",
					Columns: []schema.Column{
						{Name: "id", Type: bigint, Identity: true},
						{Name: "n", Type: bigint},
						{Name: "code", Type: schema.Type{Kind: schema.Text}},
						{Name: "ref", Type: bigint},
						{Name: "note", Type: schema.Type{Kind: schema.Text}, Nullable: true},
					},
					PrimaryKey: []string{"id"},
				}},
			},
		},
		{
			ID: "0002_fill_items",
			Up: []schema.Operation{schema.RunSQL{SQL: fmt.Sprintf(`INSERT INTO "refs" SELECT g FROM generate_series(1, 1000) g;
INSERT INTO "items" ("n", "code", "ref") SELECT g, 'c' || g, 1 + g %% 1000 FROM generate_series(1, %d) g;
ANALYZE "items"`, busyRows)}},
		},
	}
}

// busyChanges are the changes BenchmarkOnlineChangeUnderWrites makes to
// the busy table, each with an online form.
var busyChanges = []struct {
	name string
	op   schema.Operation
}{
	{"index", schema.CreateIndex{Table: "items", Index: schema.Index{Name: "items_n_idx", Columns: []string{"n"}}}},
	{"unique", schema.AddUnique{Table: "items", Unique: schema.Unique{Name: "items_code_key", Columns: []string{"code"}}}},
	{"foreign_key", schema.AddForeignKey{Table: "items", ForeignKey: schema.ForeignKey{
		Name: "items_ref_fkey", Columns: []string{"ref"}, RefTable: "refs", RefColumns: []string{"id"},
	}}},
	{"check", schema.AddCheck{Table: "items", Check: schema.Check{Name: "items_n_check", Expr: "n >= 0"}}},
	{"not_null", schema.AlterColumn{Table: "items", Column: schema.Column{Name: "note", Type: schema.Type{Kind: schema.Text}}, Backfill: "'none'"}},
}

// BenchmarkOnlineChangeUnderWrites makes each change of busyChanges to a
// table of a million rows while a writer inserts and updates rows of it
// at a steady 500 requests a second, on 8 connections, and reports the
// writer's latency while the migration runs: p99 and max, each request
// timed from when it was due, so that requests held up behind a lock
// count for as long as they waited to start. It does so in the online
// form and in the plain one (offline), which shows the stall, or fails
// (metric failed).
//
//	STRATA_TEST_POSTGRES_URL=... go test ./runtime -run '^$' -bench OnlineChangeUnderWrites
func BenchmarkOnlineChangeUnderWrites(b *testing.B) {
	for _, change := range busyChanges {
		for _, form := range []string{"online", "offline"} {
			b.Run(change.name+"/"+form, func(b *testing.B) {
				for range b.N {
					b.StopTimer()
					db := testdb.Postgres(b)
					ms := append(busyTable(), runtime.Migration{ID: "0003_change", Up: []schema.Operation{change.op}})
					m := newMigrator(ms...)
					if _, err := m.UpTo(context.Background(), db, "0002_fill_items"); err != nil {
						b.Fatal(err)
					}
					var opts []runtime.Option
					if form == "offline" {
						opts = append(opts, runtime.WithOffline())
					}
					w := startWriter(b, db)
					time.Sleep(200 * time.Millisecond) // the writer at its pace
					b.StartTimer()
					start := time.Now()
					_, err := m.Up(context.Background(), db, opts...)
					took := time.Since(start)
					b.StopTimer()
					lat := w.stop(start, start.Add(took))
					switch {
					case err != nil && form == "online":
						b.Fatal(err)
					case err != nil:
						// The plain form under writes can fail outright: a
						// full-table UPDATE then SET NOT NULL deadlocks with
						// writers updating the same rows.
						b.Logf("the plain form failed: %v", err)
						b.ReportMetric(1, "failed")
					}
					b.ReportMetric(float64(took.Milliseconds()), "migrate-ms")
					b.ReportMetric(ms99(lat), "writer-p99-ms")
					b.ReportMetric(float64(slices.Max(lat))/float64(time.Millisecond), "writer-max-ms")
					b.ReportMetric(float64(len(lat)), "writes")
					b.ReportMetric(float64(w.failed.Load()), "failed-writes")
				}
			})
		}
	}
}

// writer keeps writing to items, each request due every interval.
type writer struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	due    []time.Time     // of each request done
	took   []time.Duration // from due to done
	failed atomic.Int64
}

// startWriter starts writing to items in db: a request is due every 2 ms,
// taken by the first of 8 connections free, alternately an insert of a new
// row and an update of a random one.
func startWriter(b *testing.B, db *sql.DB) *writer {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &writer{cancel: cancel}
	db.SetMaxOpenConns(16)
	dues := make(chan time.Time, 100_000)
	var seq atomic.Int64
	for range 8 {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for due := range dues {
				var err error
				if k := seq.Add(1); k%2 == 0 {
					_, err = db.ExecContext(ctx, `INSERT INTO "items" ("n", "code", "ref", "note") VALUES ($1, $2, 1, 'w')`, k, fmt.Sprintf("w%d", k))
				} else {
					_, err = db.ExecContext(ctx, `UPDATE "items" SET "n" = "n" + 1 WHERE "id" = $1`, 1+rand.IntN(busyRows))
				}
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					w.failed.Add(1)
					continue
				}
				w.mu.Lock()
				w.due, w.took = append(w.due, due), append(w.took, time.Since(due))
				w.mu.Unlock()
			}
		}()
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer close(dues)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case due := <-tick.C:
				dues <- due
			}
		}
	}()
	return w
}

// stop stops the writer once the requests due before to are done, and
// returns the latencies of those due between from and to.
func (w *writer) stop(from, to time.Time) []time.Duration {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		caught := len(w.due) > 0 && !w.due[len(w.due)-1].Before(to)
		w.mu.Unlock()
		if caught {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.cancel()
	w.wg.Wait()
	var lat []time.Duration
	for k, due := range w.due {
		if !due.Before(from) && due.Before(to) {
			lat = append(lat, w.took[k])
		}
	}
	if len(lat) == 0 {
		lat = []time.Duration{0}
	}
	return lat
}

// ms99 returns the 99th percentile of lat, in milliseconds.
func ms99(lat []time.Duration) float64 {
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	return float64(sorted[len(sorted)*99/100]) / float64(time.Millisecond)
}
