package migratecli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// holdLock makes a connection to the database url names hold the
// migration lock, as a run of up in another process would in the middle of
// a migration: PostgreSQL's advisory lock, and on SQLite the write
// transaction that is its lock. It returns the function that lets it go,
// which also runs when the test ends.
func holdLock(t *testing.T, url string) (release func()) {
	t.Helper()
	ctx := context.Background()
	db, d, err := Open(ctx, url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := d.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	tx, err := d.Begin(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		if err := tx.Rollback(); err != nil {
			t.Errorf("rollback: %v", err)
		}
		if err := unlock(ctx); err != nil {
			t.Errorf("unlock: %v", err)
		}
		_ = conn.Close()
		_ = db.Close()
	}
	t.Cleanup(release)
	return release
}

func TestLockTimeoutGivesUpWaitingForALockAnotherRunHolds(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		m := newTestMigrator()
		migrateOn(t, m, url, 0, "up", "--to", createUsers)
		release := holdLock(t, url)
		for _, args := range [][]string{
			{"up", "--lock-timeout", "200ms"},
			{"--lock-timeout", "200ms", "up"},
			{"--lock-timeout", "1h", "down", "--lock-timeout=200ms"},
			{"--lock-timeout", "200ms", "fake", "0002"},
			{"--lock-timeout", "200ms", "redo"},
		} {
			start := time.Now()
			res := migrateOn(t, m, url, exitFailure, args...)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("migrate %s took %s to give up, want about 200ms", strings.Join(args, " "), took)
			}
			wantOutput(t, res.stdout, "")
			if !strings.HasPrefix(res.stderr, "migrate: ") || !strings.Contains(res.stderr, "timed out waiting for the migration lock") ||
				strings.Count(res.stderr, "\n") != 1 {
				t.Errorf("migrate %s: error output %q, want one line saying that the lock timed out", strings.Join(args, " "), res.stderr)
			}
		}
		wantLedger(t, m, url, all(1, createUsers))

		release()
		res := migrateOn(t, m, url, 0, "up", "--lock-timeout", "200ms")
		wantOutput(t, res.stdout, "applied 0002_add_users_bio (DURATION)\n"+
			"applied 0003_index_users_email (DURATION)\n"+
			"applied 0004_backfill_users (DURATION)\n")
	})
}
