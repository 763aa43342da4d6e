package runtimeproof

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
)

// The race of runners with and without a lease: how many replicas start
// together, half of them with a lease, and how many times, each on a fresh
// database.
const (
	mixedReplicas = 8
	mixedRounds   = 10
)

// runner is a replica of a race as a test plans it: how it reaches the
// database and how it serialises with the others.
type runner struct {
	kind string // for the log, such as "runners with the session lock"
	url  string
	// env sets the replica's lease; nil for one that takes the session
	// lock.
	env []string
}

// mixedRunners returns the URL of a fresh database of e, to check it, and
// the runners of a race on it: half take the session lock, half a lease of
// leaseTTL. On PostgreSQL half of those with a lease go through PgBouncer,
// where a session lock would be meaningless; the others connect directly,
// as those with the session lock do. SQLite ignores the lease. The kinds
// alternate in the order in which the replicas are released.
func mixedRunners(t *testing.T, e engine) (string, []runner) {
	lease := []string{envLease + "=" + leaseTTL.String()}
	var url, bounced string
	if e.name == "postgres" {
		url, bounced = testdb.PgBouncerURL(t)
	} else {
		url = e.url(t)
		bounced = url
	}
	var runners []runner
	for i := range mixedReplicas {
		switch {
		case i%2 == 0:
			runners = append(runners, runner{kind: "runners with the session lock", url: e.replicaURL(url)})
		case i%4 == 1 || e.name != "postgres":
			runners = append(runners, runner{kind: "runners with a lease, direct", url: e.replicaURL(url), env: lease})
		default:
			runners = append(runners, runner{kind: "runners with a lease through PgBouncer", url: bounced, env: lease})
		}
	}
	return url, runners
}

// TestReplicasWithAndWithoutALeaseRunEachStatementOnce starts eight
// replicas on a fresh database with the logged scenario pending, four
// taking the session lock and four a lease (runtime.WithLease), two of
// those through PgBouncer on PostgreSQL, and does so ten times per engine.
// In odd rounds all are released at the same instant, in even ones on
// PostgreSQL those with a lease first and the others once one of them
// holds it, so that both kinds of runner meet the other's lock held. Runs
// with and without a lease must exclude each other: each replica must
// succeed; between them they must apply each migration exactly once, as
// their reports and the ledger both show; every logged statement must
// have run exactly once, those of the non-transactional migration
// included; its index must be valid; and no progress row, lease or
// advisory lock may be left.
func TestReplicasWithAndWithoutALeaseRunEachStatementOnce(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		for round := range mixedRounds {
			leaseFirst := round%2 == 1 && e.name == "postgres"
			if !t.Run(fmt.Sprintf("round %d", round+1), func(t *testing.T) { mixedRound(t, e, leaseFirst) }) {
				break
			}
		}
	})
}

// mixedRound is one round of
// TestReplicasWithAndWithoutALeaseRunEachStatementOnce on a fresh database
// of e. With leaseFirst, the replicas with a lease are released first, and
// the others once one of them holds it.
func mixedRound(t *testing.T, e engine, leaseFirst bool) {
	url, runners := mixedRunners(t, e)
	db := open(t, url)
	replicas := make([]*replica, len(runners))
	for i, r := range runners {
		replicas[i] = startReplica(t, r.url, scenarioLogged, r.env...)
	}
	for _, r := range replicas {
		r.awaitReady(t)
	}
	for i, r := range replicas {
		if !leaseFirst || runners[i].env != nil {
			r.release(t)
		}
	}
	if leaseFirst {
		awaitLease(t, db)
		for i, r := range replicas {
			if runners[i].env == nil {
				r.release(t)
			}
		}
	}
	outcomes := make([]outcome, len(replicas))
	for i, r := range replicas {
		r.wait(t)
		outcomes[i] = outcome{report: r.report(t), err: r.err, stderr: r.stderr.String()}
	}

	migrations, _ := loggedScenario()
	want := migrationIDs(migrations)
	appliedBy := map[string][]int{}
	byKind := map[string]int{}
	for i, o := range outcomes {
		if o.err != nil {
			t.Errorf("replica %d (%s) failed: %v\n%s", i, runners[i].kind, o.err, o.stderr)
		}
		for _, id := range o.report.Applied {
			appliedBy[id] = append(appliedBy[id], i)
		}
		byKind[runners[i].kind] += len(o.report.Applied)
	}
	for _, id := range want {
		if len(appliedBy[id]) != 1 {
			t.Errorf("%s was applied by replicas %v, want exactly one", id, appliedBy[id])
		}
	}
	for id, by := range appliedBy {
		if !slices.Contains(want, id) {
			t.Errorf("replicas %v report applying %s, which is not a migration", by, id)
		}
	}
	var applied []string
	for kind, n := range byKind {
		applied = append(applied, fmt.Sprintf("%d by the %s", n, kind))
	}
	slices.Sort(applied)
	t.Logf("migrations applied: %s", strings.Join(applied, ", "))

	e.assertLogged(t, db)
}

// awaitLease waits until a run holds a lease on the PostgreSQL database
// db, or for 30 seconds at most: a round whose lease runners are done
// before it sees their lease shows less, but is not wrong.
func awaitLease(t *testing.T, db *sql.DB) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		// The first run with a lease creates the table: until then, the
		// query fails.
		if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM strata_lease").Scan(&n); err == nil && n > 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("no lease seen held after 30s; releasing the runners without a lease anyway")
}
