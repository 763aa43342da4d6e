package runtimeproof

import (
	"slices"
	"testing"
	"time"
)

// replicas is how many processes start together on one database.
const replicas = 8

// TestEightReplicasApplyFiftyMigrationsOnce starts eight replicas at the
// same instant on a fresh database with fifty pending migrations. Each must
// succeed; between them they must apply each migration exactly once, as
// their own reports and the ledger both show; and the fifty tables must
// exist.
func TestEightReplicasApplyFiftyMigrationsOnce(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		url := e.url(t)
		released, outcomes := race(t, e.replicaURL(url), scenarioFifty, replicas)

		appliedBy := map[string][]int{}
		for i, o := range outcomes {
			if o.err != nil {
				t.Errorf("replica %d failed: %v\n%s", i, o.err, o.stderr)
			}
			for _, id := range o.report.Applied {
				appliedBy[id] = append(appliedBy[id], i)
			}
			t.Logf("replica %d applied %d migrations and finished %v after the release",
				i, len(o.report.Applied), time.Unix(0, o.report.Finished).Sub(released).Round(time.Millisecond))
		}
		want := migrationIDs(fiftyTables())
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

		db := open(t, url)
		if got := e.ledgerIDs(t, db); !slices.Equal(got, want) {
			t.Errorf("ledger holds %d rows %v, want the %d migrations once each", len(got), got, len(want))
		}
		var tables []string
		for i := range fiftyCount {
			tables = append(tables, fiftyTableName(i))
		}
		if got := e.userTables(t, db); !slices.Equal(got, tables) {
			t.Errorf("tables are %v, want %v", got, tables)
		}
	})
}

// benchRounds is how many pairs of runs, one of a lone replica and one of
// eight, each iteration of BenchmarkEightReplicas makes. Both times vary
// with the machine's disk, whose syncs every commit waits for, so the
// figures are medians over all rounds.
const benchRounds = 5

// BenchmarkEightReplicas measures, per engine, how much later than a lone
// replica the last of eight replicas starting together finishes applying
// fifty migrations to a fresh database. Both times run from the instant
// the replicas, already started and connected, are released to the
// instant each reports that Up returned, so process start-up does not
// count. It reports the medians of the lone replica's time (single-ms) and
// of the last of eight's (last-ms), their difference (last-extra-ms) and
// their ratio (last/single). The target is a last-extra-ms under
// 1000.
func BenchmarkEightReplicas(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			var singles, lasts []time.Duration
			for b.Loop() {
				for range benchRounds {
					singles = append(singles, finishOfRace(b, e, 1))
					lasts = append(lasts, finishOfRace(b, e, replicas))
				}
			}
			b.Logf("lone replica: %v; last of %d: %v", singles, replicas, lasts)
			single, last := median(singles), median(lasts)
			b.ReportMetric(ms(single), "single-ms")
			b.ReportMetric(ms(last), "last-ms")
			b.ReportMetric(ms(last-single), "last-extra-ms")
			b.ReportMetric(float64(last)/float64(single), "last/single")
		})
	}
}

// median returns the median of ds.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// finishOfRace races n replicas of the scenario fifty on a fresh database
// of e and returns when the last finished, after their release. Each
// replica must succeed.
func finishOfRace(b *testing.B, e engine, n int) time.Duration {
	b.Helper()
	released, outcomes := race(b, e.replicaURL(e.url(b)), scenarioFifty, n)
	for i, o := range outcomes {
		if o.err != nil {
			b.Fatalf("replica %d of %d failed: %v\n%s", i, n, o.err, o.stderr)
		}
	}
	return lastFinish(released, outcomes)
}

// ms returns d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
