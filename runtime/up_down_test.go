package runtime_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

func TestUpAppliesPendingMigrationsInBatchesAndDownRevertsTheLastOnes(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		first := newMigrator(all[:3]...)

		start := time.Now()
		results, err := first.Up(ctx, db)
		end := time.Now()
		if err != nil {
			t.Fatalf("first Up: %v", err)
		}
		wantIDs(t, "first Up", results, "0001_create_users", "0002_add_users_bio", "0003_index_users_email")
		e.assertSchema(t, db, all[:3])
		wantLedger(t, db, first, e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1})
		statuses, err := first.Status(ctx, db)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		wantStatus(t, statuses, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1})
		for _, s := range statuses {
			// The engines keep microseconds at least; allow for the rounding.
			if s.AppliedAt.Before(start.Add(-time.Millisecond)) || s.AppliedAt.After(end) || s.AppliedAt.Location() != time.UTC {
				t.Errorf("%s applied at %v, want a UTC time between %v and %v", s.ID, s.AppliedAt, start, end)
			}
		}

		results, err = first.Up(ctx, db)
		if err != nil || len(results) != 0 {
			t.Fatalf("second Up = %v, %v; want nothing applied", ids(results), err)
		}

		second := newMigrator(all...)
		results, err = second.Up(ctx, db)
		if err != nil {
			t.Fatalf("Up with a new migration: %v", err)
		}
		wantIDs(t, "Up with a new migration", results, "0004_create_posts")
		e.assertSchema(t, db, all)
		wantLedger(t, db, second, e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 2})

		results, err = second.Down(ctx, db, 1)
		if err != nil {
			t.Fatalf("Down 1: %v", err)
		}
		wantIDs(t, "Down 1", results, "0004_create_posts down")
		e.assertSchema(t, db, all[:3])
		statuses, err = second.Status(ctx, db)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		wantStatus(t, statuses, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 0})

		results, err = second.Down(ctx, db, 5)
		if err != nil {
			t.Fatalf("Down 5: %v", err)
		}
		wantIDs(t, "Down 5", results, "0003_index_users_email down", "0002_add_users_bio down", "0001_create_users down")
		e.assertSchema(t, db, nil)
		wantLedger(t, db, second, e.dialect, nil)

		if _, err := second.Down(ctx, db, 1); !errors.Is(err, runtime.ErrNothingToRevert) {
			t.Errorf("Down with nothing applied: err = %v, want ErrNothingToRevert", err)
		}
	})
}

func TestStatusOfANewDatabaseShowsEveryMigrationPendingAndCreatesNothing(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(blog()...)
		statuses, err := m.Status(ctx, db)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		wantStatus(t, statuses, map[string]int{"0001_create_users": 0, "0002_add_users_bio": 0, "0003_index_users_email": 0, "0004_create_posts": 0})
		finder := e.dialect.(interface {
			LedgerExists(context.Context, *sql.DB, string) (bool, error)
		})
		if exists, err := finder.LedgerExists(ctx, db, runtime.DefaultLedgerTable); err != nil || exists {
			t.Errorf("after Status, ledger exists = %v, %v; want false, nil", exists, err)
		}
	})
}

func TestABuildOlderThanTheDatabaseStartsCleanlyAndRevertsNothingItDoesNotKnow(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		if _, err := newMigrator(all...).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		older := newMigrator(all[:2]...) // the build a lagging replica runs

		statuses, err := older.Status(ctx, db)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		for _, got := range statuses[2:] {
			if got.State != runtime.StateFuture || !got.Applied || got.Batch != 1 || got.State.IsDrift() || got.State.Marker() != "[>]" {
				t.Errorf("status of %s, applied by the later build = %+v, want it applied in batch 1 and future, not drift", got.ID, got)
			}
		}

		var log bytes.Buffer
		results, err := older.Up(ctx, db, runtime.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		if err != nil || len(results) != 0 {
			t.Fatalf("Up of the older build = %v, %v; want nothing applied and no error", ids(results), err)
		}
		for _, want := range []string{"level=WARN", "the database is ahead of this build", "0003_index_users_email", "0004_create_posts"} {
			if !strings.Contains(log.String(), want) {
				t.Errorf("Up logged %q, want it to say %q", log.String(), want)
			}
		}

		results, err = older.Down(ctx, db, 1)
		if !errors.Is(err, runtime.ErrUnknownMigration) || len(results) != 0 {
			t.Fatalf("Down of the older build = %v, %v; want nothing reverted and ErrUnknownMigration", ids(results), err)
		}
		if want := `"0004_create_posts"`; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
		e.assertSchema(t, db, all)
		wantLedger(t, db, newMigrator(all...), e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 1})
	})
}

func TestAMigrationMissingFromTheMiddleOfTheHistoryIsDrift(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		if _, err := newMigrator(all...).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		gap := newMigrator(all[0], all[1], all[3]) // 0003 removed from the app
		statuses, err := gap.Status(ctx, db)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if got := statuses[2]; got.ID != "0003_index_users_email" || got.State != runtime.StateMissing || !got.State.IsDrift() {
			t.Errorf("status of the removed migration = %+v, want it missing", got)
		}
		if _, err := gap.Up(ctx, db); !errors.Is(err, runtime.ErrDrift) {
			t.Errorf("Up with a migration missing from the middle: err = %v, want ErrDrift", err)
		}
		if _, err := gap.Down(ctx, db, 1); !errors.Is(err, runtime.ErrDrift) {
			t.Errorf("Down with a migration missing from the middle: err = %v, want ErrDrift", err)
		}
	})
}

func TestDownRefusesToRevertFewerThanOneMigration(t *testing.T) {
	db := engines[0].open(t)
	for _, steps := range []int{0, -1} {
		if _, err := newMigrator(blog()...).Down(context.Background(), db, steps); !errors.Is(err, runtime.ErrInvalidSteps) {
			t.Errorf("Down(%d): err = %v, want ErrInvalidSteps", steps, err)
		}
	}
}

// wantIDs checks the IDs of what a call applied or reverted.
func wantIDs(t *testing.T, call string, results []runtime.Result, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, ids(results), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s: results differ (-want +got):\n%s", call, diff)
	}
	for _, r := range results {
		if r.Duration <= 0 {
			t.Errorf("%s: %s took %v, want a positive duration", call, r.ID, r.Duration)
		}
	}
}

// wantLedger checks the rows of the default ledger table: one per migration
// in batches (ID to batch), each with the checksum of its Up operations
// chained to the row before ([opsChecksum]).
func wantLedger(t *testing.T, db *sql.DB, m *runtime.Migrator, d dialect.Dialect, batches map[string]int) {
	t.Helper()
	var want []ledgerRow
	prev := ""
	for _, mig := range m.Migrations() {
		batch, ok := batches[mig.ID]
		if !ok {
			continue
		}
		prev = opsChecksum(prev, d, mig)
		want = append(want, ledgerRow{ID: mig.ID, Checksum: prev, Batch: batch})
	}
	if diff := cmp.Diff(want, readLedger(t, db, runtime.DefaultLedgerTable), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ledger differs (-want +got):\n%s", diff)
	}
}

// opsChecksum is the checksum the ledger documents for a migration applied
// after a row of checksum prev: "v2:" and the hex SHA-256 of prev, a NUL
// byte and the encoding of its Up operations for the dialect. Stored
// checksums depend on it, so it is spelt out here rather than shared.
func opsChecksum(prev string, d dialect.Dialect, mig runtime.Migration) string {
	sum := sha256.Sum256(schema.AppendEncoding([]byte(prev+"\x00"), d.Name(), mig.Up))
	return "v2:" + hex.EncodeToString(sum[:])
}

// stepsChecksum is the checksum of the statements of a non-transactional
// migration that took effect, and the one earlier builds recorded for a
// whole migration, chained as opsChecksum is: the hex SHA-256 of
// the checksum of the row before (prev) and a NUL byte, then each step's SQL
// ("-- Go step" for Go) followed by a NUL byte. Stored checksums depend on
// it, so it is spelt out here rather than shared.
func stepsChecksum(prev string, steps []dialect.Step) string {
	h := sha256.New()
	h.Write([]byte(prev + "\x00"))
	for _, st := range steps {
		text := st.SQL
		if st.Go != nil {
			text = "-- Go step"
		}
		h.Write([]byte(text + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// wantStatus checks statuses against the batch of each migration (0 for
// pending).
func wantStatus(t *testing.T, statuses []runtime.MigrationStatus, batches map[string]int) {
	t.Helper()
	var want []runtime.MigrationStatus
	for id, batch := range batches {
		state := runtime.StatePending
		if batch > 0 {
			state = runtime.StateApplied
		}
		want = append(want, runtime.MigrationStatus{ID: id, Applied: batch > 0, Batch: batch, State: state})
	}
	slices.SortFunc(want, func(a, b runtime.MigrationStatus) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(want, statuses, cmpopts.IgnoreFields(runtime.MigrationStatus{}, "AppliedAt")); diff != "" {
		t.Errorf("status differs (-want +got):\n%s", diff)
	}
	for _, s := range statuses {
		if s.Applied == s.AppliedAt.IsZero() {
			t.Errorf("%s: applied %v but applied at %v", s.ID, s.Applied, s.AppliedAt)
		}
	}
}

// The ledger row records how long its migration took, to the millisecond,
// and when it began, whether the row went in a request of its own or, on
// PostgreSQL, with the migration's last statement, whose time the server
// then measures.
func TestTheLedgerRowRecordsTheMigrationsDurationAndStart(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		sleep := schema.RunSQL{
			Postgres: "SELECT pg_sleep(0.2)",
			MySQL:    "SELECT SLEEP(0.2)",
			// SQLite has no sleep: a recursive count takes its time.
			SQLite: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT count(*) FROM n",
		}
		m := newMigrator(runtime.Migration{ID: "0001_slow", Up: []schema.Operation{sleep}})
		before := time.Now()
		results, err := m.Up(ctx, db)
		if err != nil || len(results) != 1 {
			t.Fatalf("Up = %v, %v", ids(results), err)
		}
		var (
			took      int64
			appliedAt time.Time
		)
		row := db.QueryRowContext(ctx, "SELECT duration_ms, applied_at FROM strata_migrations WHERE id = '0001_slow'")
		if err := row.Scan(&took, &appliedAt); err != nil {
			t.Fatal(err)
		}
		if max := results[0].Duration.Milliseconds() + 5; took > max || (e.name != "sqlite" && took < 190) {
			t.Errorf("duration_ms = %d; the migration took %v by the client's clock, and sleeps 200 ms", took, results[0].Duration)
		}
		if d := appliedAt.Sub(before); d < -time.Second || d > time.Second {
			t.Errorf("applied_at = %v, %v from when Up began", appliedAt, d)
		}
	})
}
