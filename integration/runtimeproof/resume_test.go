package runtimeproof

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect/mysql"
	"github.com/strata-go/strata/runtime/schema"
)

// The hundred scenario: a small migration, then one of hundredStatements
// statements, which an engine whose DDL commits on its own runs one by
// one: a CREATE TABLE, then, hundredGroups times, an ADD COLUMN, an index
// on it and an INSERT of one row.
const (
	scenarioHundred   = "hundred"
	hundredSmallID    = "0001_create_notes"
	hundredID         = "0002_grow_wide"
	hundredTable      = "wide"
	hundredGroups     = 33
	hundredStatements = 1 + 3*hundredGroups
)

func init() { scenarios[scenarioHundred] = hundredMigrations }

// hundredMigrations returns the hundred scenario. Each of its operations
// renders to one statement.
func hundredMigrations() []runtime.Migration {
	ops := []schema.Operation{schema.CreateTable{Table: schema.Table{
		Name:       hundredTable,
		Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true}},
		PrimaryKey: []string{"id"},
	}}}
	for k := 1; k <= hundredGroups; k++ {
		column := fmt.Sprintf("c%02d", k)
		ops = append(ops,
			schema.AddColumn{Table: hundredTable, Column: schema.Column{Name: column, Type: schema.Type{Kind: schema.Int64}, Nullable: true}},
			schema.CreateIndex{Table: hundredTable, Index: schema.Index{Name: hundredTable + "_" + column + "_idx", Columns: []string{column}}},
			schema.RunSQL{SQL: fmt.Sprintf("INSERT INTO %s (%s) VALUES (%d)", hundredTable, column, k)},
		)
	}
	return []runtime.Migration{
		{ID: hundredSmallID, Up: []schema.Operation{createTable("notes", "body")}},
		{ID: hundredID, Up: ops, Down: []schema.Operation{schema.DropTable{Name: hundredTable}}},
	}
}

// TestKillDuringAMigrationOfAHundredStatementsResumesAtTheRightStatement
// kills, twenty times, a replica applying a migration of a hundred
// statements on MySQL, where each DDL statement commits on its own and the
// migration runs statement by statement, after a random delay within the
// time an uncut run takes. After each kill, the database must hold exactly
// the statements the progress row says took effect (and, when it says one
// was running, that one or not); the next Up must resume there, settling
// a DDL statement left running from the live schema, without a person's
// help; and then the live schema must be the migrations', each INSERT run
// once, and no progress row left.
func TestKillDuringAMigrationOfAHundredStatementsResumesAtTheRightStatement(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("kill delays drawn with seed %d; rerun with -proof.seed=%d", seed, seed)
	for _, e := range engines {
		if !e.ddlCommits {
			continue // a migration there is one transaction: see TestKillDuringTransactionalMigrationLeavesBeforeOrAfter
		}
		t.Run("on "+e.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed))
			took := uncutHundred(t, e)
			t.Logf("an uncut run takes %v", took.Round(time.Millisecond))
			landed := map[string]int{}
			for round := range crashRounds {
				delay := time.Duration(rng.Int64N(int64(took) * 3 / 5)) // a run on a warm server is quicker than the first
				if !t.Run(fmt.Sprintf("kill %d after %v", round+1, delay.Round(time.Millisecond)), func(t *testing.T) {
					landed[killHundred(t, e, delay)]++
				}) {
					break
				}
			}
			t.Logf("where the kills landed: %v", landed)
			if landed["between two statements"]+landed["during a DDL statement"] == 0 {
				t.Errorf("no kill landed inside the long migration: %v", landed)
			}
		})
	}
}

// uncutHundred applies the hundred scenario to a fresh database of e with
// one replica and returns how long it took from its release.
func uncutHundred(t *testing.T, e engine) time.Duration {
	r := startReplica(t, e.replicaURL(e.url(t)), scenarioHundred)
	r.awaitReady(t)
	start := time.Now()
	r.release(t)
	r.wait(t)
	if r.err != nil {
		t.Fatalf("uncut run: %v\n%s", r.err, r.stderr.String())
	}
	return time.Since(start)
}

// killHundred kills a replica applying the hundred scenario to a fresh
// database of e, delay after its release; checks the state it left, then
// resumes with Up and checks the end; and tells where the kill landed.
func killHundred(t *testing.T, e engine, delay time.Duration) string {
	url := e.url(t)
	db := open(t, url)
	r := startReplica(t, e.replicaURL(url), scenarioHundred)
	r.awaitReady(t)
	r.release(t)
	time.Sleep(delay)
	r.kill()
	r.wait(t)
	e.awaitReplicasGone(t, db)
	exited := !r.killedBySignal()

	ms := hundredMigrations()
	var done, running int
	err := db.QueryRowContext(t.Context(), "SELECT done, running FROM "+runtime.DefaultLedgerTable+"_progress WHERE id = ?", hundredID).Scan(&done, &running)
	inLedger := slices.Contains(e.ledgerIDs(t, db), hundredID)
	landing := "before the long migration"
	switch {
	case exited:
		landing = "after the replica exited"
	case inLedger:
		landing = "after the long migration"
	case err == nil && running == 1:
		landing = "during a DDL statement"
	case err == nil:
		landing = "between two statements"
	}
	// What took effect is the first done statements, and perhaps the one
	// running: the live schema is one of those two.
	if err == nil {
		live := inspect(t, db)
		before := replayed(t, ms[0].Up, ms[1].Up[:done])
		after := replayed(t, ms[0].Up, ms[1].Up[:min(done+1, len(ms[1].Up))])
		if !cmp.Equal(live, before) && (running == 0 || !cmp.Equal(live, after)) {
			t.Fatalf("the progress row says %d statements took effect (running %d), but the live schema differs (-want +got):\n%s",
				done, running, cmp.Diff(before, live))
		}
	}

	results, err := migrator(ms).Up(t.Context(), db)
	if err != nil {
		t.Fatalf("Up after the kill (%s, %d statements done, running %d): %v", landing, done, running, err)
	}
	t.Logf("killed %s (%d statements done, running %d); Up applied %v", landing, done, running, resultIDs(results))
	if diff := cmp.Diff(replayed(t, ms[0].Up, ms[1].Up), inspect(t, db)); diff != "" {
		t.Errorf("live schema after Up differs from the migrations' (-want +got):\n%s", diff)
	}
	if got, want := e.ledgerIDs(t, db), migrationIDs(ms); !slices.Equal(got, want) {
		t.Errorf("the ledger holds %v, want %v", got, want)
	}
	var rows, sum int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*), coalesce(sum(coalesce("+columnsOf()+")), 0) FROM "+hundredTable).Scan(&rows, &sum); err != nil {
		t.Fatal(err)
	}
	if rows != hundredGroups || sum != hundredGroups*(hundredGroups+1)/2 {
		t.Errorf("%s holds %d rows summing to %d, want each of the %d INSERTs run once", hundredTable, rows, sum, hundredGroups)
	}
	if n := progressRows(t, db); n != 0 {
		t.Errorf("%d progress rows are left, want none", n)
	}
	return landing
}

// columnsOf lists the columns the INSERTs of the hundred scenario fill.
func columnsOf() string {
	s := ""
	for k := 1; k <= hundredGroups; k++ {
		if k > 1 {
			s += ", "
		}
		s += fmt.Sprintf("c%02d", k)
	}
	return s
}

// replayed returns the schema the operations build, as MySQL reads it back.
func replayed(t *testing.T, ops ...[]schema.Operation) *schema.Schema {
	t.Helper()
	s := &schema.Schema{}
	for _, o := range ops {
		if err := s.ApplyAll(o); err != nil {
			t.Fatal(err)
		}
	}
	return mysql.Comparable(s)
}

// inspect reads the live schema of the MySQL database db, in the form
// replayed returns.
func inspect(t *testing.T, db *sql.DB) *schema.Schema {
	t.Helper()
	s, err := mysql.Inspect(t.Context(), db)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	return mysql.Comparable(s)
}
