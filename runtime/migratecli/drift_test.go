package migratecli

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// jsonAppliedAt is a time as status --json prints it.
var jsonAppliedAt = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"`)

// driftedMigrator returns a later build of the test migrations in which
// every kind of drift shows once applied 0001, 0002 and 0004 were applied:
// 0002 edited, 0003 pending before the applied 0004, 0004 deleted, and a
// new 0005 pending.
func driftedMigrator() *runtime.Migrator {
	ms := testMigrations()
	edited := ms[1]
	edited.Up = []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{
		Name: "bio", Type: schema.Type{Kind: schema.Text, Size: 100}, Nullable: true,
	}}}
	m := runtime.NewMigrator()
	m.Register(ms[0], edited, ms[2], runtime.Migration{
		ID:   "0005_add_users_nick",
		Up:   []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{Name: "nick", Type: schema.Type{Kind: schema.Text}, Nullable: true}}},
		Down: []schema.Operation{schema.DropColumn{Table: "users", Column: "nick"}},
	})
	return m
}

func TestStatusMarksEachKindOfDriftAndUpRefusesItUnlessAllowed(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		since := time.Now()
		earlier := runtime.NewMigrator()
		ms := testMigrations()
		earlier.Register(ms[0], ms[1], ms[3])
		if res := runWith(t, earlier, "--db", url, "up"); res.code != 0 {
			t.Fatalf("migrate up: exit code %d, error output:\n%s", res.code, res.stderr)
		}
		later := driftedMigrator()
		var transcript strings.Builder
		migrate := func(wantCode int, args ...string) result {
			t.Helper()
			res := runWith(t, later, append([]string{"--db", url}, args...)...)
			if res.code != wantCode {
				t.Fatalf("migrate %s: exit code %d, want %d; error output:\n%s", strings.Join(args, " "), res.code, wantCode, res.stderr)
			}
			out := jsonAppliedAt.ReplaceAllString(res.stdout, `"YYYY-MM-DDThh:mm:ssZ"`)
			transcript.WriteString("$ migrate " + strings.Join(args, " ") + "\n" + out)
			// The warnings of a run that succeeds are the runtime's words:
			// the transcript keeps only the errors, which are the CLI's.
			if res.stderr != "" && wantCode != 0 {
				transcript.WriteString("(stderr) " + res.stderr)
			}
			return res
		}
		migrate(exitFailure, "status")
		migrate(0, "status", "--allow-drift")
		migrate(exitFailure, "status", "--json")
		migrate(exitFailure, "up")
		migrate(exitFailure, "down")
		res := migrate(0, "up", "--allow-drift")
		// The runtime warns of each drifting migration it was allowed to
		// run despite (runtime.WithAllowDrift).
		for _, id := range []string{addBio, indexEmail, backfill} {
			if !strings.Contains(res.stderr, id) {
				t.Errorf("up --allow-drift: the error output does not warn of %s:\n%s", id, res.stderr)
			}
		}
		migrate(0, "status", "--json", "--allow-drift")
		golden(t, "status_drift.golden", mask(t, transcript.String(), since))
	})
}

func TestStatusJSONOfANewDatabaseListsEveryMigrationPending(t *testing.T) {
	res := run(t, "--db", engines[0].url(t), "status", "--json")
	if res.code != 0 {
		t.Fatalf("exit code %d, error output:\n%s", res.code, res.stderr)
	}
	golden(t, "status_new.json", res.stdout)
}
