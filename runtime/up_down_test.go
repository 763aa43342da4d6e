package runtime_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
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

func TestAMigrationAppliedButNotRegisteredIsReportedAndNotReverted(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		if _, err := newMigrator(all...).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		older := newMigrator(all[:3]...) // an older build of the app

		statuses, err := older.Status(ctx, db)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if got := statuses[3]; got.ID != "0004_create_posts" || got.State != runtime.StateMissing || !got.Applied || got.Batch != 1 {
			t.Errorf("status of the unregistered migration = %+v, want it applied in batch 1 and missing", got)
		}

		results, err := older.Down(ctx, db, 2)
		if !errors.Is(err, runtime.ErrDrift) || len(results) != 0 {
			t.Fatalf("Down = %v, %v; want nothing reverted and ErrDrift", ids(results), err)
		}
		results, err = older.Down(ctx, db, 2, runtime.WithAllowDrift())
		if !errors.Is(err, runtime.ErrUnknownMigration) || len(results) != 0 {
			t.Fatalf("Down allowing drift = %v, %v; want nothing reverted and ErrUnknownMigration", ids(results), err)
		}
		if want := `"0004_create_posts"`; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
		e.assertSchema(t, db, all)

		if results, err := older.Up(ctx, db, runtime.WithAllowDrift()); err != nil || len(results) != 0 {
			t.Errorf("Up of the older build allowing drift = %v, %v; want nothing applied", ids(results), err)
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
// in batches (ID to batch), each with the checksum of the SQL that
// [runtime.Migrator.SQL] renders for its Up.
func wantLedger(t *testing.T, db *sql.DB, m *runtime.Migrator, d dialect.Dialect, batches map[string]int) {
	t.Helper()
	var want []ledgerRow
	prev := ""
	for _, mig := range m.Migrations() {
		batch, ok := batches[mig.ID]
		if !ok {
			continue
		}
		steps, err := m.SQL(mig.ID, d, false)
		if err != nil {
			t.Fatalf("SQL(%s): %v", mig.ID, err)
		}
		prev = stepsChecksum(prev, steps)
		want = append(want, ledgerRow{ID: mig.ID, Checksum: prev, Batch: batch})
	}
	if diff := cmp.Diff(want, readLedger(t, db, runtime.DefaultLedgerTable), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ledger differs (-want +got):\n%s", diff)
	}
}

// stepsChecksum is the checksum the ledger documents: the hex SHA-256 of
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
