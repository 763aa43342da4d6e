package migratecli

import (
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// The IDs of [testMigrations].
const (
	createUsers = "0001_create_users"
	addBio      = "0002_add_users_bio"
	indexEmail  = "0003_index_users_email"
	backfill    = "0004_backfill_users"
)

func TestUpToAppliesThePendingMigrationsUpToTheGivenOneAndStops(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		res := migrateOn(t, m, url, 0, "up", "--to", "0002")
		wantOutput(t, res.stdout, "applied 0001_create_users (DURATION)\napplied 0002_add_users_bio (DURATION)\n")
		wantLedger(t, m, url, all(1, createUsers, addBio))

		res = migrateOn(t, m, url, 0, "up", "--to", addBio)
		wantOutput(t, res.stdout, "nothing to apply\n")

		res = migrateOn(t, m, url, exitFailure, "up", "--to", "0009")
		wantError(t, res.stderr, `unknown migration "0009": the migrations are 0001_create_users, 0002_add_users_bio, 0003_index_users_email, 0004_backfill_users`)

		res = migrateOn(t, m, url, 0, "up", "--to", backfill)
		wantOutput(t, res.stdout, "applied 0003_index_users_email (DURATION)\napplied 0004_backfill_users (DURATION)\n")
		wantLedger(t, m, url, merge(all(1, createUsers, addBio), all(2, indexEmail, backfill)))
	})
}

func TestUpWithFakeInitialRecordsTheMigrationsWhoseTablesExistWithoutRunningThem(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		execSQL(t, url,
			"CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(320) NOT NULL, name TEXT)",
			"INSERT INTO users (id, email) VALUES (1, 'ada@example.com')")
		res := migrateOn(t, m, url, 0, "up", "--fake-initial")
		wantOutput(t, res.stdout, "faked 0001_create_users\n"+
			"applied 0002_add_users_bio (DURATION)\n"+
			"applied 0003_index_users_email (DURATION)\n"+
			"applied 0004_backfill_users (DURATION)\n")
		wantLedger(t, m, url, all(1, createUsers, addBio, indexEmail, backfill))
		if n := countRows(t, url, "users"); n != 1 {
			t.Errorf("users has %d rows, want the 1 made by hand", n)
		}
		query(t, url, "SELECT bio FROM users WHERE name = email")
	})
}

func TestUpWithSingleTransactionAppliesEveryMigrationOrNone(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		broken := migratorOf(testMigrations()[0], runtime.Migration{
			ID: "0002_broken",
			Up: []schema.Operation{schema.RunSQL{SQL: "INSERT INTO nowhere VALUES (1)"}},
		})
		if strings.HasPrefix(url, "mysql:") {
			// MySQL commits each DDL statement on its own: the option is
			// refused before anything runs.
			res := migrateOn(t, newTestMigrator(), url, exitFailure, "up", "--single-transaction")
			wantOutput(t, res.stdout, "")
			if !strings.Contains(res.stderr, "cannot run in a single transaction") {
				t.Errorf("error output %q does not say why the option is refused", res.stderr)
			}
			wantNoTable(t, url, "users")
			return
		}
		res := migrateOn(t, broken, url, exitFailure, "up", "--single-transaction")
		wantOutput(t, res.stdout, "")
		if !strings.Contains(res.stderr, "0002_broken") {
			t.Errorf("error output %q does not name the failing migration", res.stderr)
		}
		wantLedger(t, broken, url, map[string]int{})
		wantNoTable(t, url, "users")

		m := newTestMigrator()
		res = migrateOn(t, m, url, 0, "up", "--single-transaction")
		wantOutput(t, res.stdout, "applied 0001_create_users (DURATION)\n"+
			"applied 0002_add_users_bio (DURATION)\n"+
			"applied 0003_index_users_email (DURATION)\n"+
			"applied 0004_backfill_users (DURATION)\n")
		wantLedger(t, m, url, all(1, createUsers, addBio, indexEmail, backfill))
	})
}

func TestDownBatchRevertsExactlyTheLastBatch(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		migrateOn(t, m, url, 0, "up", "--to", addBio)
		migrateOn(t, m, url, 0, "up")
		res := migrateOn(t, m, url, 0, "down", "--batch")
		wantOutput(t, res.stdout, "reverted 0004_backfill_users (DURATION)\nreverted 0003_index_users_email (DURATION)\n")
		wantLedger(t, m, url, all(1, createUsers, addBio))

		res = migrateOn(t, m, url, 0, "down", "--batch")
		wantOutput(t, res.stdout, "reverted 0002_add_users_bio (DURATION)\nreverted 0001_create_users (DURATION)\n")
		wantLedger(t, m, url, map[string]int{})
		wantNoTable(t, url, "users")

		res = migrateOn(t, m, url, 0, "down", "--batch")
		wantOutput(t, res.stdout, "nothing to revert\n")
	})
}

func TestDownToRevertsEveryMigrationAppliedAfterTheGivenOne(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		migrateOn(t, m, url, 0, "up")
		res := migrateOn(t, m, url, 0, "down", "--to", "0001")
		wantOutput(t, res.stdout, "reverted 0004_backfill_users (DURATION)\n"+
			"reverted 0003_index_users_email (DURATION)\n"+
			"reverted 0002_add_users_bio (DURATION)\n")
		wantLedger(t, m, url, all(1, createUsers))
		query(t, url, "SELECT id, email, name FROM users")

		res = migrateOn(t, m, url, 0, "down", "--to", createUsers)
		wantOutput(t, res.stdout, "nothing to revert\n")

		res = migrateOn(t, m, url, exitFailure, "down", "--to", indexEmail)
		wantError(t, res.stderr, `runtime: down: unknown migration "0003_index_users_email": it is not applied, so strata cannot revert down to it`)
		wantLedger(t, m, url, all(1, createUsers))
	})
}

// irreversibleMigrator returns the first two test migrations, the second
// of which drops, when reverted, a column whose data cannot come back.
func irreversibleMigrator() *runtime.Migrator {
	ms := testMigrations()
	ms[1].Down = append([]schema.Operation{schema.Irreversible{Reason: "the bios dropped cannot be brought back"}}, ms[1].Down...)
	return migratorOf(ms[0], ms[1])
}

func TestDownRefusesAnIrreversibleMigrationUnlessForced(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := irreversibleMigrator()
		migrateOn(t, m, url, 0, "up")
		const refusal = "runtime: down: irreversible migration 0002_add_users_bio: the bios dropped cannot be brought back; " +
			"pass --force (runtime.WithForce) to run the rest of its Down anyway"
		for _, args := range [][]string{{"down"}, {"down", "--batch"}, {"down", "--to", createUsers}, {"redo"}} {
			res := migrateOn(t, m, url, exitFailure, args...)
			wantOutput(t, res.stdout, "")
			wantError(t, res.stderr, refusal)
		}
		wantLedger(t, m, url, all(1, createUsers, addBio))
		query(t, url, "SELECT bio FROM users")

		res := migrateOn(t, m, url, 0, "down", "--force")
		wantOutput(t, res.stdout, "reverted 0002_add_users_bio (DURATION)\n")
		wantLedger(t, m, url, all(1, createUsers))
		if err := tryQuery(t, url, "SELECT bio FROM users"); err == nil {
			t.Errorf("column users.bio is still there after down --force")
		}
	})
}

func TestRedoRevertsTheLastMigrationAndAppliesItAgain(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		res := migrateOn(t, m, url, 0, "redo")
		wantOutput(t, res.stdout, "nothing to redo\n")

		migrateOn(t, m, url, 0, "up", "--to", indexEmail)
		execSQL(t, url, "INSERT INTO users (email) VALUES ('ada@example.com')")
		res = migrateOn(t, m, url, 0, "redo")
		wantOutput(t, res.stdout, "reverted 0003_index_users_email (DURATION)\napplied 0003_index_users_email (DURATION)\n")
		wantLedger(t, m, url, merge(all(1, createUsers, addBio), all(2, indexEmail)))
		// The unique index is back.
		if err := tryQuery(t, url, "INSERT INTO users (email) VALUES ('ada@example.com')"); err == nil {
			t.Errorf("a second user with the same email was inserted: the unique index was not applied again")
		}
	})
}

func TestPlanPrintsTheSQLUpWouldRunAndChangesNothing(t *testing.T) {
	for _, e := range engines {
		t.Run("on "+e.name, func(t *testing.T) {
			url := e.url(t)
			m := newTestMigrator()
			var transcript strings.Builder
			plan := func() {
				t.Helper()
				res := migrateOn(t, m, url, 0, "plan")
				transcript.WriteString("$ migrate plan\n" + res.stdout)
			}
			plan()
			wantNoTable(t, url, runtime.DefaultLedgerTable)
			wantNoTable(t, url, "users")

			migrateOn(t, m, url, 0, "up", "--to", addBio)
			plan()
			wantLedger(t, m, url, all(1, createUsers, addBio))
			// Two users with one email: plan created no unique index.
			execSQL(t, url,
				"INSERT INTO users (email) VALUES ('ada@example.com')",
				"INSERT INTO users (email) VALUES ('ada@example.com')")
			execSQL(t, url, "DELETE FROM users")

			migrateOn(t, m, url, 0, "up")
			plan()
			golden(t, "plan_"+e.name+".golden", transcript.String())
		})
	}
}

func TestPlanMarksANonTransactionalMigration(t *testing.T) {
	m := migratorOf(runtime.Migration{
		ID:               "0001_seed",
		NonTransactional: true,
		Up:               []schema.Operation{schema.RunSQL{SQL: "SELECT 1"}},
	})
	res := migrateOn(t, m, engines[0].url(t), 0, "plan")
	wantOutput(t, res.stdout, "-- 0001_seed (non-transactional)\nBEGIN;\nSELECT 1;\nCOMMIT;\n")
}

func TestFakeRecordsAMigrationAsAppliedWithoutRunningIt(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		res := migrateOn(t, m, url, 0, "fake", "0001")
		wantOutput(t, res.stdout, "faked 0001_create_users\n")
		wantLedger(t, m, url, all(1, createUsers))
		wantNoTable(t, url, "users")

		res = migrateOn(t, m, url, 0, "status")
		wantOutput(t, res.stdout, ""+
			"     MIGRATION               APPLIED AT            BATCH\n"+
			"[X]  0001_create_users       YYYY-MM-DD hh:mm:ssZ  1\n"+
			"[ ]  0002_add_users_bio      -                     -\n"+
			"[ ]  0003_index_users_email  -                     -\n"+
			"[ ]  0004_backfill_users     -                     -\n"+
			"1 applied, 3 pending\n")

		res = migrateOn(t, m, url, exitFailure, "fake", createUsers)
		wantError(t, res.stderr, "runtime: fake: migration is not pending: 0001_create_users is applied already")
		wantLedger(t, m, url, all(1, createUsers))
	})
}

func TestBaselineRecordsEveryPendingMigrationUpToTheGivenOneWithoutRunningThem(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		res := migrateOn(t, m, url, 0, "baseline", "0003")
		wantOutput(t, res.stdout, "faked 0001_create_users\nfaked 0002_add_users_bio\nfaked 0003_index_users_email\n")
		wantLedger(t, m, url, all(1, createUsers, addBio, indexEmail))
		wantNoTable(t, url, "users")

		res = migrateOn(t, m, url, 0, "baseline", addBio)
		wantOutput(t, res.stdout, "nothing to record\n")
		wantLedger(t, m, url, all(1, createUsers, addBio, indexEmail))
	})
}

func TestResolveFailsOnAMigrationWithNothingToResolve(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		migrateOn(t, m, url, 0, "up", "--to", createUsers)
		for _, how := range []string{"--done", "--retry"} {
			res := migrateOn(t, m, url, exitFailure, "resolve", "0002", how)
			wantError(t, res.stderr, "runtime: resolve: migration is not pending: migration 0002_add_users_bio has no interrupted statement")
		}
		wantLedger(t, m, url, all(1, createUsers))
	})
}

func TestLeaseSerialisesRunsWithALeaseRowOnPostgresAndMySQLAndIsIgnoredOnSQLite(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		res := migrateOn(t, m, url, 0, "up", "--to", addBio, "--lease", "2s")
		wantOutput(t, res.stdout, "applied 0001_create_users (DURATION)\napplied 0002_add_users_bio (DURATION)\n")
		if !strings.HasPrefix(url, "sqlite:") {
			if n := countRows(t, url, "strata_lease"); n != 0 {
				t.Errorf("strata_lease has %d rows after the run, want its lease released", n)
			}
			// Another process holds the lease, for long.
			execSQL(t, url, "INSERT INTO strata_lease (name, holder, expires_at) VALUES ('strata_migrations', 'another process', 9000000000000000000)")
			res = migrateOn(t, m, url, exitFailure, "--lease", "2s", "--lock-timeout", "300ms", "up")
			if !strings.Contains(res.stderr, "timed out waiting for the migration lock") {
				t.Errorf("error output %q does not say that the lock timed out", res.stderr)
			}
			wantLedger(t, m, url, all(1, createUsers, addBio))
			execSQL(t, url, "DELETE FROM strata_lease")
		} else {
			wantNoTable(t, url, "strata_lease")
		}
		res = migrateOn(t, m, url, 0, "--lease", "2s", "down")
		wantOutput(t, res.stdout, "reverted 0002_add_users_bio (DURATION)\n")
		wantLedger(t, m, url, all(1, createUsers))
	})
}
