package migratecli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime"
)

func TestVerifySaysWhetherTheLiveSchemaIsTheMigrations(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := migratorOf(testMigrations()...)
		migrateOn(t, m, url, 0, "up")
		res := migrateOn(t, m, url, 0, "verify")
		wantOutput(t, res.stdout, "schema matches the 4 applied migration(s)\n")

		dropIndex, missing := `DROP INDEX users_email_idx`, "index users_email_idx on users: missing (want UNIQUE INDEX (email))"
		if strings.HasPrefix(url, "mysql:") {
			// MySQL's index names are the table's own, and it tells no
			// unique index from a unique constraint.
			dropIndex += ` ON users`
			missing = "unique users_email_idx on users: missing (want UNIQUE (email))"
		}
		execSQL(t, url, `ALTER TABLE users ADD COLUMN nickname TEXT`, dropIndex)
		res = migrateOn(t, m, url, exitDrift, "verify")
		wantOutput(t, res.stdout, "the live schema differs from the 4 applied migration(s):\n"+
			"  column users.nickname: extra (got text)\n  "+missing+"\n")
		wantError(t, res.stderr, "drift: the live schema differs from the migrations in 2 way(s)")

		res = migrateOn(t, m, url, exitDrift, "verify", "--json")
		var v runtime.Verification
		if err := json.Unmarshal([]byte(res.stdout), &v); err != nil {
			t.Fatalf("verify --json printed no JSON object: %v\n%s", err, res.stdout)
		}
		want := runtime.Difference{Object: "column", Table: "users", Name: "nickname", Change: "extra", Got: "text"}
		if v.Applied != 4 || v.Last != "0004_backfill_users" || len(v.Differences) != 2 || v.Differences[0] != want {
			t.Errorf("verify --json = %+v, want 4 applied, last 0004_backfill_users, and first %+v", v, want)
		}

		// up --verify applies nothing and exits 4 with the differences.
		res = migrateOn(t, m, url, exitDrift, "up", "--verify")
		if !strings.Contains(res.stderr, "column users.nickname: extra (got text)") {
			t.Errorf("up --verify: error output without the extra column:\n%s", res.stderr)
		}
		execSQL(t, url, `CREATE UNIQUE INDEX users_email_idx ON users (email)`)
		migrateOn(t, m, url, 0, "verify", "--ignore", "nothing,users")
		migrateOn(t, m, url, 0, "up", "--verify", "--ignore", "users")
	})
}

func TestVerifyUsageErrors(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := migratorOf(testMigrations()...)
		res := migrateOn(t, m, url, exitUsage, "verify", "--ignore", "[")
		if !strings.Contains(res.stderr, `--ignore: "[" is not a pattern of names`) {
			t.Errorf("verify --ignore '[': error output:\n%s", res.stderr)
		}
		res = migrateOn(t, m, url, exitUsage, "up", "--ignore", "audit_*")
		if !strings.Contains(res.stderr, "--ignore is for --verify") {
			t.Errorf("up --ignore without --verify: error output:\n%s", res.stderr)
		}
		migrateOn(t, m, url, exitUsage, "verify", "extra")
	})
}
