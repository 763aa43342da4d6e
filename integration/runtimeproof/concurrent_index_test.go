package runtimeproof

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// The index scenarios: a first migration creates the table items, filled
// with rows, and the table indexLog; the second, marked NonTransactional,
// indexes items with the README's recipe, CREATE INDEX CONCURRENTLY on
// PostgreSQL and CREATE INDEX on SQLite; quick migrations follow.
const (
	scenarioConcurrentIndex = "concurrent-index"
	scenarioSignalledIndex  = "signalled-index"

	itemsID      = "0001_create_items"
	indexItemsID = "0002_index_items_concurrently"
	itemsTable   = "items"
	itemsIndex   = "items_n_idx"
	indexLog     = "index_log"
)

// indexRecipe is the README's recipe for an index built without locking
// writes out: the only step of a migration marked NonTransactional.
var indexRecipe = schema.RunSQL{
	Postgres: "CREATE INDEX CONCURRENTLY " + itemsIndex + " ON " + itemsTable + " (n)",
	SQLite:   "CREATE INDEX " + itemsIndex + " ON " + itemsTable + " (n)",
}

// concurrentIndexRows is how many rows the scenario concurrent-index fills
// items with, so that building its index takes a while: replicas started
// with it pending wait during the build.
const concurrentIndexRows = 50000

// concurrentIndexMigrations returns the scenario concurrent-index: the
// index migration holds the recipe alone.
func concurrentIndexMigrations() []runtime.Migration {
	return indexMigrations(concurrentIndexRows, indexRecipe)
}

// signalledIndexRows is how many rows the scenario signalled-index fills
// items with: its index migration is held by the test, not by its size.
const signalledIndexRows = 1000

// The entries the index migration of the scenario signalled-index writes
// to indexLog, before and after its index.
const (
	entryBeforeIndex = indexItemsID + "/before"
	entryAfterIndex  = indexItemsID + "/after"
)

// signalledIndexMigrations returns the scenario signalled-index: the index
// migration writes an entry to indexLog, runs holdStep, the recipe, then
// writes another entry, so that a statement run twice shows.
func signalledIndexMigrations() []runtime.Migration {
	logEntry := func(entry string) schema.Operation {
		return schema.RunSQL{SQL: fmt.Sprintf("INSERT INTO %s (entry) VALUES ('%s')", indexLog, entry)}
	}
	return indexMigrations(signalledIndexRows, logEntry(entryBeforeIndex), holdStep(), indexRecipe, logEntry(entryAfterIndex))
}

// indexMigrations returns an index scenario whose items table holds rows
// rows and whose index migration runs steps.
func indexMigrations(rows int, steps ...schema.Operation) []runtime.Migration {
	items := schema.CreateTable{Table: schema.Table{
		Name: itemsTable,
		Columns: []schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
			{Name: "n", Type: schema.Type{Kind: schema.Int64}},
			{Name: "label", Type: schema.Type{Kind: schema.Text}},
		},
		PrimaryKey: []string{"id"},
	}}
	fill := schema.RunSQL{
		Postgres: fmt.Sprintf("INSERT INTO %s (n, label) SELECT g, 'item ' || g FROM generate_series(1, %d) AS g", itemsTable, rows),
		SQLite: fmt.Sprintf("INSERT INTO %s (n, label) WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < %d) SELECT x, 'item ' || x FROM s",
			itemsTable, rows),
	}
	return []runtime.Migration{
		{ID: itemsID, Up: []schema.Operation{items, fill, createTable(indexLog, "entry")}},
		{ID: indexItemsID, NonTransactional: true, Up: steps},
		{ID: "0003_create_tags", Up: []schema.Operation{createTable("tags", "name")}},
		{ID: "0004_create_labels", Up: []schema.Operation{createTable("labels", "name")}},
		{ID: "0005_create_notes", Up: []schema.Operation{createTable("notes", "body")}},
	}
}

// The race on a pending CREATE INDEX CONCURRENTLY: how many replicas start
// together, and how many times, each on a fresh database.
const (
	concurrentIndexReplicas = 16
	concurrentIndexRounds   = 20
)

// lockWaitWarning is what the runtime logs once a run has waited a second
// for the migration lock.
const lockWaitWarning = "waiting for the migration lock"

// TestSixteenReplicasWithAPendingConcurrentIndexApplyItOnce migrates a
// fresh database up to a migration marked NonTransactional whose only step
// is CREATE INDEX CONCURRENTLY, then starts sixteen replicas at the same
// instant, which all find it pending, and does so twenty times per engine.
// The replicas that do not hold the lock wait while the index is built: on
// PostgreSQL, a waiter that held a snapshot would keep the build from
// ending, and the build the waiter from the lock. Each replica must
// succeed; between them they must apply each pending migration exactly
// once, as their reports and the ledger both show; the index must exist
// and be valid, and no progress row or advisory lock may be left. How many
// replicas were still waiting when the index was committed, and how many
// warned that they had waited a second, is logged, not checked.
func TestSixteenReplicasWithAPendingConcurrentIndexApplyItOnce(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		var w waits
		for round := range concurrentIndexRounds {
			if !t.Run(fmt.Sprintf("round %d", round+1), func(t *testing.T) { w.add(concurrentIndexRound(t, e)) }) {
				break
			}
		}
		t.Logf("over %d rounds of %d replicas, %s", w.races, concurrentIndexReplicas, w)
	})
}

// concurrentIndexRound is one round of
// TestSixteenReplicasWithAPendingConcurrentIndexApplyItOnce on a fresh
// database of e. It returns how long the replicas waited.
func concurrentIndexRound(t *testing.T, e engine) waits {
	url := e.url(t)
	// The replicas start, and connect, while the database is migrated up
	// to the index: they call Up only once released.
	replicas := make([]*replica, concurrentIndexReplicas)
	for i := range replicas {
		replicas[i] = startReplica(t, e.replicaURL(url), scenarioConcurrentIndex)
	}
	db := open(t, url)
	ms := concurrentIndexMigrations()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := migrator(ms).UpTo(ctx, db, itemsID); err != nil {
		t.Fatalf("migrate up to %s: %v", itemsID, err)
	}

	released, outcomes := raceStarted(t, replicas)
	pending := migrationIDs(ms)[1:]
	appliedBy := map[string][]int{}
	for i, o := range outcomes {
		if o.err != nil {
			t.Errorf("replica %d failed: %v\n%s", i, o.err, o.stderr)
		}
		for _, id := range o.report.Applied {
			appliedBy[id] = append(appliedBy[id], i)
		}
	}
	for _, id := range pending {
		if len(appliedBy[id]) != 1 {
			t.Errorf("%s was applied by replicas %v, want exactly one", id, appliedBy[id])
		}
	}
	for id, by := range appliedBy {
		if !slices.Contains(pending, id) {
			t.Errorf("replicas %v report applying %s, which was not pending", by, id)
		}
	}

	if got, want := e.ledgerIDs(t, db), migrationIDs(ms); !slices.Equal(got, want) {
		t.Errorf("ledger holds %d rows %v, want the %d migrations once each", len(got), got, len(want))
	}
	if !e.hasValidIndex(t, db, itemsIndex) {
		t.Errorf("index %s is missing or invalid; the indexes are %v", itemsIndex, queryStrings(t, db, e.indexes))
	}
	if n := progressRows(t, db); n != 0 {
		t.Errorf("%d progress rows are left, want none", n)
	}
	if locks := e.heldAdvisoryLocks(t, db); len(locks) != 0 {
		t.Errorf("advisory locks are left: %v", locks)
	}
	return measureWaits(released, outcomes)
}

// waits is how the replicas of races waited for the one that built the
// index.
type waits struct {
	// replicas counts the replicas that applied nothing.
	replicas int
	// duringIndex counts those of them that were still waiting when the
	// index migration was committed.
	duringIndex int
	// warned counts those of them that logged lockWaitWarning.
	warned int
	// build sums, over the races, how long after the release the index
	// migration was committed.
	build time.Duration
	races int
}

// measureWaits returns how the replicas of a race released at released,
// which ended as outcomes, waited.
func measureWaits(released time.Time, outcomes []outcome) waits {
	w := waits{races: 1}
	var committed time.Time // when the index migration was, by whichever replica
	for _, o := range outcomes {
		if k := slices.Index(o.report.Applied, indexItemsID); k >= 0 && k < len(o.report.Committed) {
			committed = time.Unix(0, o.report.Committed[k])
		}
	}
	w.build = committed.Sub(released)
	for _, o := range outcomes {
		if len(o.report.Applied) > 0 {
			continue
		}
		w.replicas++
		if !time.Unix(0, o.report.Finished).Before(committed) {
			w.duringIndex++
		}
		if strings.Contains(o.stderr, lockWaitWarning) {
			w.warned++
		}
	}
	return w
}

// add counts the waits of another race in w.
func (w *waits) add(more waits) {
	w.replicas += more.replicas
	w.duringIndex += more.duringIndex
	w.warned += more.warned
	w.build += more.build
	w.races += more.races
}

// String tells how the replicas waited.
func (w waits) String() string {
	if w.races == 0 {
		return "no race ran"
	}
	return fmt.Sprintf("the index migration was committed %v after the release on average; of the %d replicas that applied nothing, %d were still waiting then, and %d warned that they had waited for the lock",
		(w.build / time.Duration(w.races)).Round(time.Millisecond), w.replicas, w.duringIndex, w.warned)
}
