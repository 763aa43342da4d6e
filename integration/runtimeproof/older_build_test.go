package runtimeproof

import (
	"slices"
	"strings"
	"testing"
)

// The builds of an app during a rolling deploy, or after a rollback: the
// newer registers the first newerBuildCount migrations of the scenario
// fifty, the older the first olderBuildCount.
const (
	scenarioNewerBuild = "newer-build"
	scenarioOlderBuild = "older-build"
	newerBuildCount    = 6
	olderBuildCount    = newerBuildCount - 2
)

// TestAnOlderBuildStartsCleanlyOnANewerDatabase applies the migrations of
// a newer build with a replica, then runs the command line of an older
// build, which registers all of them but the last two, on the same
// database. "up" must exit 0, say that there is nothing to apply, and warn
// that the database is ahead of the build, naming the two; "status" must
// exit 0 and mark the older build's migrations applied ([X]) and the two
// future ([>]); and "down" must refuse to revert the last one, which the
// build does not know, exit 1 and leave the ledger as it was.
func TestAnOlderBuildStartsCleanlyOnANewerDatabase(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		url := e.url(t)
		if _, outcomes := race(t, e.replicaURL(url), scenarioNewerBuild, 1); outcomes[0].err != nil {
			t.Fatalf("the newer build's replica failed: %v\n%s", outcomes[0].err, outcomes[0].stderr)
		}
		db := open(t, url)
		ledger := e.readLedger(t, db)
		ids := migrationIDs(fiftyTables()[:newerBuildCount])
		if got := e.ledgerIDs(t, db); !slices.Equal(got, ids) {
			t.Fatalf("the newer build left the ledger holding %v, want %v", got, ids)
		}
		future := ids[olderBuildCount:]

		up := runCommand(t, scenarioOlderBuild, nil, "up", "--db", url)
		if up.exitCode() != 0 {
			t.Errorf("up: want exit code 0, got %s", up)
		}
		if !up.printed("nothing to apply") {
			t.Errorf("up did not say there was nothing to apply:\n%s", up.stdout.String())
		}
		warning := up.stderr.String()
		if !strings.Contains(warning, "the database is ahead of this build") {
			t.Errorf("up did not warn that the database is ahead of the build:\n%s", warning)
		}
		for _, id := range future {
			if !strings.Contains(warning, id) {
				t.Errorf("up's warning does not name %s:\n%s", id, warning)
			}
		}

		status := runCommand(t, scenarioOlderBuild, nil, "status", "--db", url)
		if status.exitCode() != 0 {
			t.Errorf("status: want exit code 0, got %s", status)
		}
		markers := statusMarkers(status.stdout.String())
		for i, id := range ids {
			want := "[X]"
			if i >= olderBuildCount {
				want = "[>]"
			}
			if markers[id] != want {
				t.Errorf("status marks %s %q, want %q:\n%s", id, markers[id], want, status.stdout.String())
			}
		}

		down := runCommand(t, scenarioOlderBuild, nil, "down", "--db", url)
		if down.exitCode() != 1 {
			t.Errorf("down: want exit code 1, got %s", down)
		}
		last := ids[len(ids)-1]
		if msg := down.stderr.String(); !strings.Contains(msg, last) || !strings.Contains(msg, "not registered") {
			t.Errorf("down's error does not say that %s is not registered:\n%s", last, msg)
		}
		if got := e.readLedger(t, db); !slices.EqualFunc(got, ledger, sameRow) {
			t.Errorf("the ledger changed from %v to %v", ledger, got)
		}
	})
}

// statusMarkers returns the marker, such as [X], that the table printed by
// "migrate status" gives each migration, by ID.
func statusMarkers(out string) map[string]string {
	markers := map[string]string{}
	for line := range strings.Lines(out) {
		if len(line) < 3 || line[0] != '[' || line[2] != ']' {
			continue
		}
		if fields := strings.Fields(line[3:]); len(fields) > 0 {
			markers[fields[0]] = line[:3]
		}
	}
	return markers
}
