package migratecli

import (
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// The statements of the migration [seedMigrator] marks NonTransactional.
const (
	seedID    = "0002_seed_users"
	seedAudit = "INSERT INTO audit (note) VALUES ('seeded')"
)

// seedMigrator returns the first test migration and a second, marked
// NonTransactional, whose third statement fails until a table audit is
// made by hand.
func seedMigrator() *runtime.Migrator {
	return migratorOf(testMigrations()[0], runtime.Migration{
		ID:               seedID,
		NonTransactional: true,
		Up: []schema.Operation{
			schema.RunSQL{SQL: "INSERT INTO users (email) VALUES ('ada@example.com')"},
			schema.RunSQL{SQL: "INSERT INTO users (email) VALUES ('grace@example.com')"},
			schema.RunSQL{SQL: seedAudit},
			schema.RunSQL{SQL: "INSERT INTO users (email) VALUES ('edsger@example.com')"},
		},
	})
}

// TestStatusShowsTheProgressOfAMigrationLeftPartWayAndResolveLetsUpFinishIt
// leaves a non-transactional migration part way, then interrupted during a
// statement (as a crash during CREATE INDEX CONCURRENTLY would), and
// resolves it either way, comparing what status prints at each stage with
// one transcript per way.
func TestStatusShowsTheProgressOfAMigrationLeftPartWayAndResolveLetsUpFinishIt(t *testing.T) {
	for _, how := range []string{"--done", "--retry"} {
		t.Run("with resolve "+how, func(t *testing.T) {
			onEachEngine(t, func(t *testing.T, url string) {
				since := time.Now()
				m := seedMigrator()
				var transcript strings.Builder
				migrate := func(wantCode int, args ...string) result {
					t.Helper()
					res := migrateOn(t, m, url, wantCode, args...)
					out := jsonAppliedAt.ReplaceAllString(res.stdout, `"YYYY-MM-DDThh:mm:ssZ"`)
					transcript.WriteString("$ migrate " + strings.Join(args, " ") + "\n" + out)
					if res.stderr != "" {
						transcript.WriteString("(stderr) " + res.stderr)
					}
					return res
				}

				res := migrateOn(t, m, url, exitFailure, "up")
				wantOutput(t, res.stdout, "applied 0001_create_users (DURATION)\n")
				if !strings.Contains(res.stderr, seedID) || !strings.Contains(res.stderr, seedAudit) {
					t.Errorf("error output %q does not name the migration and its failing statement", res.stderr)
				}
				if n := countRows(t, url, "users"); n != 2 {
					t.Errorf("users has %d rows, want the 2 that the first two statements inserted", n)
				}
				migrate(0, "status")
				migrate(0, "status", "--json")

				// A crash during the third statement, run outside a
				// transaction, leaves the progress row marking it running.
				execSQL(t, url, "UPDATE strata_migrations_progress SET running = 1 WHERE id = '"+seedID+"'")
				migrate(0, "status")
				migrate(0, "status", "--json")
				res = migrate(exitFailure, "up")
				interrupted := &runtime.InterruptedError{ID: seedID, Step: 3, Steps: 4, Statement: seedAudit}
				wantError(t, res.stderr, interrupted.Error())
				res = migrate(exitFailure, "down")
				if !strings.Contains(res.stderr, seedID) {
					t.Errorf("down: error output %q does not name the interrupted migration", res.stderr)
				}

				execSQL(t, url, "CREATE TABLE audit (note TEXT)")
				if how == "--done" {
					execSQL(t, url, seedAudit) // the statement took effect
				}
				migrate(0, "resolve", "0002", how)
				res = migrate(exitFailure, "resolve", "0002", how)
				wantError(t, res.stderr, "runtime: resolve: migration is not pending: migration 0002_seed_users has no interrupted statement")
				migrate(0, "status")
				migrate(0, "up")
				migrate(0, "status", "--json")

				// The run that finished the migration counts it in its batch.
				wantLedger(t, m, url, merge(all(1, createUsers), all(2, seedID)))
				if n := countRows(t, url, "users"); n != 3 {
					t.Errorf("users has %d rows, want 3", n)
				}
				if n := countRows(t, url, "audit"); n != 1 {
					t.Errorf("audit has %d rows, want 1", n)
				}
				golden(t, "status_progress_"+strings.TrimPrefix(how, "--")+".golden", mask(t, transcript.String(), since))
			})
		})
	}
}
