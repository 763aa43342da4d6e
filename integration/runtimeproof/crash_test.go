package runtimeproof

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
)

// seedFlag sets the seed of the crash test's kill delays, to replay a run.
var seedFlag = flag.Uint64("proof.seed", 0,
	"seed of the kill delays of TestKillDuringTransactionalMigrationLeavesBeforeOrAfter; 0 takes one from the clock")

// crashRounds is how many replicas the crash test kills per engine.
const crashRounds = 20

// landing is where in a replica's run a kill landed.
type landing int

const (
	// landedBefore means that the long migration had not begun.
	landedBefore landing = iota
	// landedDuring means that the long migration's transaction was open.
	landedDuring
	// landedAfter means that the long migration had committed and the
	// replica had not exited yet.
	landedAfter
	// landedLate means that the replica had exited on its own.
	landedLate
	// landings is how many landings there are.
	landings
)

// String tells where the kill landed.
func (l landing) String() string {
	return [...]string{"before the long migration", "during it", "after its commit", "after the replica exited"}[l]
}

// TestKillDuringTransactionalMigrationLeavesBeforeOrAfter kills, twenty
// times per engine, a replica applying a small migration and then a long
// transactional one, after a random delay within the time an uncut run
// takes. After each kill, the schema must be as it was before the long
// migration (its table absent, and no ledger row for it) or as it is after
// (the table with all its rows and its index, and the ledger row), never in
// between; and Up, run again, must complete the migrations. The test fails
// unless some kill landed during the long migration, so that it shows that
// the middle was hit.
func TestKillDuringTransactionalMigrationLeavesBeforeOrAfter(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("kill delays drawn with seed %d, as fractions of the expected duration; rerun with -proof.seed=%d", seed, seed)
	onEachEngine(t, func(t *testing.T, e engine) {
		rng := rand.New(rand.NewPCG(seed, 0))
		expected := expectedDuration(t, e)
		var counts [landings]int
		for round := range crashRounds {
			delay := time.Duration(rng.Float64() * float64(expected))
			counts[killRound(t, e, round, delay)]++
		}
		t.Logf("of %d kills, %d landed %v, %d %v, %d %v and %d %v", crashRounds,
			counts[landedBefore], landedBefore, counts[landedDuring], landedDuring,
			counts[landedAfter], landedAfter, counts[landedLate], landedLate)
		if counts[landedLate] == crashRounds {
			t.Errorf("no kill landed while the replica was running: it exited on its own every time")
		}
		if counts[landedDuring] == 0 {
			t.Errorf("no kill landed during the long migration, so the test shows nothing about its middle")
		}
	})
}

// uncutRuns is how many uncut runs expectedDuration times.
const uncutRuns = 3

// expectedDuration returns how long a replica of the crash scenario runs
// after its release on a fresh database of e, uncut: the shortest of a few
// runs, so that a slow first run does not make most kills land after the
// replica exited.
func expectedDuration(t *testing.T, e engine) time.Duration {
	t.Helper()
	var runs []time.Duration
	for range uncutRuns {
		runs = append(runs, uncutRun(t, e))
	}
	shortest := slices.Min(runs)
	t.Logf("uncut runs took %v after their release; kills land at random within %v",
		runs, shortest.Round(time.Millisecond))
	return shortest
}

// uncutRun lets one replica of the crash scenario run to its end on a
// fresh database of e, checks the state it leaves and returns how long it
// took after its release.
func uncutRun(t *testing.T, e engine) time.Duration {
	t.Helper()
	url := e.url(t)
	released, outcomes := race(t, e.replicaURL(url), scenarioCrash, 1)
	if o := outcomes[0]; o.err != nil {
		t.Fatalf("uncut replica failed: %v\n%s", o.err, o.stderr)
	}
	db := open(t, url)
	if err := e.readCrashState(t, db).after(); err != "" {
		t.Fatalf("after an uncut run, %s", err)
	}
	return lastFinish(released, outcomes)
}

// killRound starts a replica of the crash scenario on a fresh database of
// e, kills it delay after its release, checks that the database is before
// or after the long migration, and that Up then completes it. It returns
// where the kill landed.
func killRound(t *testing.T, e engine, round int, delay time.Duration) landing {
	t.Helper()
	url := e.url(t)
	r := startReplica(t, e.replicaURL(url), scenarioCrash)
	r.awaitReady(t)
	r.release(t)
	time.Sleep(delay)
	r.kill()
	r.wait(t)
	if !r.killedBySignal() && r.err != nil {
		t.Fatalf("round %d: the replica failed before it was killed: %v\n%s", round, r.err, r.stderr.String())
	}

	db, err := openURL(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	e.awaitReplicasGone(t, db)
	st := e.readCrashState(t, db)
	var l landing
	switch {
	case !r.killedBySignal():
		l = landedLate
	case st.longRow:
		l = landedAfter
	case r.saw(lineLongStarted):
		l = landedDuring
	default:
		l = landedBefore
	}
	if err := st.beforeOrAfter(); err != "" {
		t.Errorf("round %d, killed %v after the release (%v): %s", round, delay.Round(time.Millisecond), l, err)
	}
	if st.longTable && !r.saw(lineLongStarted) {
		t.Errorf("round %d: the long migration's table exists, but the replica never said the migration began", round)
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	m := runtime.NewMigrator()
	m.Register(crashMigrations()...)
	if _, err := m.Up(ctx, db); err != nil {
		t.Fatalf("round %d: Up after the kill (%v): %v", round, l, err)
	}
	if err := e.readCrashState(t, db).after(); err != "" {
		t.Errorf("round %d: after the kill (%v) and Up again, %s", round, l, err)
	}
	return l
}

// crashState is what the crash scenario left in a database.
type crashState struct {
	smallTable, smallRow bool // the small migration's table and ledger row
	longTable, longRow   bool // the long migration's table and ledger row
	rows                 int  // in the long migration's table
	index                bool // the long migration's index
}

// readCrashState reads the crash scenario's state in db.
func (e engine) readCrashState(t *testing.T, db *sql.DB) crashState {
	t.Helper()
	ledger := e.ledgerIDs(t, db)
	st := crashState{
		smallTable: e.hasTable(t, db, "notes"),
		smallRow:   slices.Contains(ledger, crashSmallID),
		longTable:  e.hasTable(t, db, crashTable),
		longRow:    slices.Contains(ledger, crashLongID),
		index:      e.hasIndex(t, db, crashIndex),
	}
	if st.longTable {
		st.rows = countRows(t, db, crashTable)
	}
	return st
}

// beforeOrAfter returns what makes st neither before nor after the long
// migration, or "" when it is one of them. Each migration's ledger row
// must be there exactly when its table is, and the long migration's table
// must hold all its rows and its index.
func (st crashState) beforeOrAfter() string {
	switch {
	case st.smallTable != st.smallRow:
		return "the ledger disagrees with the schema about the small migration: " + st.String()
	case st.longTable != st.longRow:
		return "the ledger disagrees with the schema about the long migration: " + st.String()
	case st.longRow && !st.smallRow:
		return "the long migration is recorded without the small one before it: " + st.String()
	case !st.longTable && st.index:
		return "the long migration's index exists without its table: " + st.String()
	case st.longTable && (st.rows != crashRows || !st.index):
		return "the long migration is half applied: " + st.String()
	}
	return ""
}

// after returns what makes st other than after both migrations, or "".
func (st crashState) after() string {
	if err := st.beforeOrAfter(); err != "" {
		return err
	}
	if !st.longRow {
		return "the long migration is not applied: " + st.String()
	}
	return ""
}

// String tells what st holds.
func (st crashState) String() string {
	return fmt.Sprintf("notes table %t, ledger row %t; %s table %t with %d of %d rows, index %t, ledger row %t",
		st.smallTable, st.smallRow, crashTable, st.longTable, st.rows, crashRows, st.index, st.longRow)
}
