package diff

import (
	"context"
	"database/sql"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// allPlanCases are the table-driven cases of every Compare test.
func allPlanCases() []planCase {
	var all []planCase
	for _, cases := range [][]planCase{tableCases(), cycleCases(), columnCases(), constraintCases(), keyCases(), orderCases(),
		renameCases(), alterCases(), checkCases(), enumCases(), pkCases()} {
		all = append(all, cases...)
	}
	return all
}

// TestPlansRunOnPostgreSQL runs plans on a real database, which enforces
// what Operation.Apply does not: foreign keys need their referenced table
// and key to exist, and what they reference cannot go first. Each plan's Up
// runs on a database holding the old schema, then its Down, then its Up
// again.
func TestPlansRunOnPostgreSQL(t *testing.T) {
	db := testdb.Postgres(t)
	fresh := func(t *testing.T) *sql.DB {
		t.Helper()
		if _, err := db.Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
			t.Fatalf("reset the database: %v", err)
		}
		return db
	}
	for _, tc := range allPlanCases() {
		t.Run(tc.name, func(t *testing.T) {
			runPlan(t, fresh(t), postgres.Dialect{}, tc.old, tc.new, tc.hints)
		})
	}
	t.Run("random pairs of schemas", func(t *testing.T) {
		runRandomPlans(t, postgres.Dialect{}, 1, fresh)
	})
}

// runRandomPlans runs plans between random pairs of schemas, with the
// hints of the second, on fresh databases of dialect d. stream sets apart
// the random numbers of each engine.
func runRandomPlans(t *testing.T, d dialect.Dialect, stream uint64, fresh func(t *testing.T) *sql.DB) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	pairs := 60
	if testing.Short() {
		pairs = 15
	}
	rng := rand.New(rand.NewPCG(seed, stream))
	for n := 0; n < pairs; {
		cat := newCatalog(rng)
		a, b := cat.draw(rng), cat.draw(rng)
		hints, _ := hintsBetween(rng, a, b)
		n++
		if !runPlan(t, fresh(t), d, a.s, b.s, hints) {
			t.Fatalf("seed %d (rerun with -diff.seed=%d), pair %d\nold: %s\nnew: %s\nhints: %+v",
				seed, seed, n, describe(a.s), describe(b.s), hints)
		}
	}
}

// TestPlansRunOnSQLite runs the table-driven plans on SQLite, as
// [TestPlansRunOnPostgreSQL] does, except those the SQLite dialect refuses
// to render, such as a foreign key added to an existing table (it needs a
// table rebuild).
func TestPlansRunOnSQLite(t *testing.T) {
	for _, tc := range allPlanCases() {
		t.Run(tc.name, func(t *testing.T) {
			runPlan(t, testdb.SQLite(t), sqlite.Dialect{}, tc.old, tc.new, tc.hints)
		})
	}
	t.Run("random pairs of schemas", func(t *testing.T) {
		if !*sqliteRandom {
			t.Skip("pass -diff.sqlite-random to run plans between random schemas on SQLite too")
		}
		runRandomPlans(t, sqlite.Dialect{}, 2, func(t *testing.T) *sql.DB { return testdb.SQLite(t) })
	})
}

// sqliteRandom turns on the random plans of TestPlansRunOnSQLite. They are
// off by default because the random schemas include shapes SQLite cannot
// hold, such as an identity column in a composite primary key, which the
// loader refuses before any plan is made.
var sqliteRandom = flag.Bool("diff.sqlite-random", false, "run random plans on SQLite too")

// runPlan creates the old schema in db, then runs the plan from old to new,
// its Down and its Up again. It reports whether all ran.
func runPlan(t *testing.T, db *sql.DB, d dialect.Dialect, old, new *schema.Schema, hints Hints) bool {
	t.Helper()
	initial, err := Compare(nil, old, Hints{})
	if err != nil {
		t.Fatalf("Compare(nil, old): %v", err)
	}
	plan, err := Compare(old, new, hints)
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	return execute(t, db, d, "the old schema", &schema.Schema{}, initial.Ops()) &&
		execute(t, db, d, "Up", old, plan.Ops()) &&
		execute(t, db, d, "Down", new, plan.Down) &&
		execute(t, db, d, "Up again", old, plan.Ops())
}

// execute renders ops on d from before and runs them as the runtime runs a
// migration: on one connection holding the dialect's lock, in a
// transaction the dialect begins, Go steps included.
func execute(t *testing.T, db *sql.DB, d dialect.Dialect, what string, before *schema.Schema, ops []schema.Operation) bool {
	t.Helper()
	steps, err := d.Render(before, ops)
	if err != nil {
		t.Errorf("%s: render: %v\noperations: %v", what, err, ops)
		return false
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer func() { _ = conn.Close() }()
	unlock, err := d.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("%s: lock: %v", what, err)
	}
	defer func() { _ = unlock(ctx) }()
	if err := dialecttest.RunParts(ctx, conn, d, steps); err != nil {
		t.Errorf("%s: %v\noperations: %v", what, err, ops)
		return false
	}
	return true
}
