package runtimeproof

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/migratecli"
	"github.com/strata-go/strata/runtime/schema"
)

// The logged scenario: loggedCount migrations, every statement of which but
// those that create a table or an index writes a row of its own to the
// table logTable, which has no unique key, so that a statement run twice
// shows as two rows. The migration at position loggedNonTxAt is marked
// NonTransactional and logs loggedNonTxInserts statements, then creates an
// index: concurrently, outside any transaction, on PostgreSQL, and with a
// plain CREATE INDEX on SQLite, which has no CONCURRENTLY.
const (
	scenarioLogged     = "logged"
	loggedCount        = 30
	loggedNonTxAt      = 14
	loggedNonTxInserts = 6
	logTable           = "applied_log"
	logIndex           = "applied_log_entry_idx"
)

// leaseTTL is the ttl of the lease replicas take through PgBouncer, and
// leaseRounds how many times the race runs, each on a fresh database.
const (
	leaseTTL    = 10 * time.Second
	leaseRounds = 5
)

// TestEightReplicasWithALeaseThroughPgBouncerApplyEachMigrationOnce starts
// eight replicas at the same instant on a fresh database, through a
// PgBouncer in transaction pooling, each calling Up with a lease of
// leaseTTL, and does so leaseRounds times. Each replica must succeed;
// between them they must apply each migration exactly once, as their
// reports and the ledger both show; every logged statement must have run
// exactly once, those of the non-transactional migration included; the
// index that migration creates concurrently must exist; and no lease may
// be left held.
func TestEightReplicasWithALeaseThroughPgBouncerApplyEachMigrationOnce(t *testing.T) {
	t.Setenv(envLease, leaseTTL.String())
	migrations, _ := loggedScenario()
	want := migrationIDs(migrations)
	for round := range leaseRounds {
		t.Run(fmt.Sprintf("round %d", round+1), func(t *testing.T) {
			direct, bounced := testdb.PgBouncerURL(t)
			released, outcomes := race(t, bounced, scenarioLogged, replicas)

			appliedBy := map[string][]int{}
			counts := make([]int, len(outcomes))
			for i, o := range outcomes {
				if o.err != nil {
					t.Errorf("replica %d failed: %v\n%s", i, o.err, o.stderr)
				}
				for _, id := range o.report.Applied {
					appliedBy[id] = append(appliedBy[id], i)
				}
				counts[i] = len(o.report.Applied)
			}
			t.Logf("the replicas applied %v migrations; the last finished %v after the release",
				counts, lastFinish(released, outcomes).Round(time.Millisecond))
			for _, id := range want {
				if len(appliedBy[id]) != 1 {
					t.Errorf("%s was applied by replicas %v, want exactly one", id, appliedBy[id])
				}
			}
			for id := range appliedBy {
				if !slices.Contains(want, id) {
					t.Errorf("replicas %v report applying %s, which is not a migration", appliedBy[id], id)
				}
			}

			assertLoggedOnce(t, direct)
		})
	}
}

// TestEightUpCommandsWithALeaseThroughPgBouncerApplyEachMigrationOnce runs
// the command line's "up --lease" eight times at once, in this process,
// on a fresh database through a PgBouncer in transaction pooling, its URL
// passed to --db as it is. Each run must succeed, and between them they
// must run each migration, and each logged statement, exactly once.
func TestEightUpCommandsWithALeaseThroughPgBouncerApplyEachMigrationOnce(t *testing.T) {
	direct, bounced := testdb.PgBouncerURL(t)
	migrations, _ := loggedScenario()
	m := runtime.NewMigrator()
	m.Register(migrations...)
	ctx, cancel := context.WithTimeout(t.Context(), replicaTimeout)
	defer cancel()

	outputs := make([]bytes.Buffer, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			app := migratecli.App(m)
			app.Writer, app.ErrWriter = &outputs[i], &outputs[i]
			errs[i] = app.RunContext(ctx, []string{"migrate", "up", "--lease", leaseTTL.String(), "--db", bounced})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d failed: %v\n%s", i, err, outputs[i].String())
		}
	}
	assertLoggedOnce(t, direct)
}

// assertLoggedOnce checks, as [engine.assertLogged] does, that the logged
// scenario is applied to the PostgreSQL database at url, each migration
// and each logged statement exactly once.
func assertLoggedOnce(t *testing.T, url string) {
	t.Helper()
	pg := engines[slices.IndexFunc(engines, func(e engine) bool { return e.name == "postgres" })]
	pg.assertLogged(t, open(t, url))
}

// assertLogged checks that the logged scenario is applied to db, a
// database of e, each migration and each logged statement exactly once,
// that the index its non-transactional migration creates exists and is
// valid, and that no progress row, no lease and no advisory lock is left.
func (e engine) assertLogged(t *testing.T, db *sql.DB) {
	t.Helper()
	migrations, entries := loggedScenario()
	slices.Sort(entries)
	if got, want := e.ledgerIDs(t, db), migrationIDs(migrations); !slices.Equal(got, want) {
		t.Errorf("ledger holds %d rows %v, want the %d migrations once each", len(got), got, len(want))
	}
	if diff := cmp.Diff(entries, queryStrings(t, db, "SELECT entry FROM "+logTable)); diff != "" {
		t.Errorf("the logged statements ran other than once each (-want +got):\n%s", diff)
	}
	if !e.hasValidIndex(t, db, logIndex) {
		t.Errorf("index %s is missing or invalid; the indexes are %v", logIndex, queryStrings(t, db, e.indexes))
	}
	if n := progressRows(t, db); n != 0 {
		t.Errorf("%d progress rows are left, want none", n)
	}
	if e.hasTable(t, db, "strata_lease") {
		if n := countRows(t, db, "strata_lease"); n != 0 {
			t.Errorf("%d leases are still held, want none", n)
		}
	}
	if locks := e.heldAdvisoryLocks(t, db); len(locks) != 0 {
		t.Errorf("advisory locks are left: %v", locks)
	}
}

// loggedScenario returns the migrations of the logged scenario and the
// entries its statements write to logTable, one each.
func loggedScenario() (ms []runtime.Migration, entries []string) {
	logged := func(id string, k int) schema.Operation {
		entry := fmt.Sprintf("%s/%d", id, k)
		entries = append(entries, entry)
		return schema.RunSQL{SQL: fmt.Sprintf("INSERT INTO %s (entry) VALUES ('%s')", logTable, entry)}
	}
	for i := range loggedCount {
		var m runtime.Migration
		switch i {
		case 0:
			m.ID = "0001_create_log"
			m.Up = []schema.Operation{createTable(logTable, "entry"), logged(m.ID, 1)}
		case loggedNonTxAt:
			m.ID = fmt.Sprintf("%04d_log_in_parts", i+1)
			m.NonTransactional = true
			for k := range loggedNonTxInserts {
				m.Up = append(m.Up, logged(m.ID, k+1))
			}
			m.Up = append(m.Up, schema.RunSQL{
				Postgres: "CREATE INDEX CONCURRENTLY " + logIndex + " ON " + logTable + " (entry)",
				SQLite:   "CREATE INDEX " + logIndex + " ON " + logTable + " (entry)",
				// MySQL's: it indexes a TEXT column by a prefix only.
				SQL: "CREATE INDEX " + logIndex + " ON " + logTable + " (entry(255))",
			})
		default:
			table := fmt.Sprintf("logged%02d", i)
			m.ID = fmt.Sprintf("%04d_create_%s", i+1, table)
			m.Up = []schema.Operation{createTable(table, "note"), logged(m.ID, 1), logged(m.ID, 2)}
		}
		ms = append(ms, m)
	}
	return ms, entries
}

// replicaOptions returns the options a replica calls Up with, from its
// environment: a lease when envLease gives its ttl.
func replicaOptions() ([]runtime.Option, error) {
	ttl := os.Getenv(envLease)
	if ttl == "" {
		return nil, nil
	}
	d, err := time.ParseDuration(ttl)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envLease, err)
	}
	return []runtime.Option{runtime.WithLease(d)}, nil
}
