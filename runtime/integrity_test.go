package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// editedBio is blog's 0002 with its column changed after it was applied.
func editedBio() runtime.Migration {
	m := blog()[1]
	m.Up = []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text, Size: 1000}, Nullable: true}}}
	return m
}

func TestUpAndDownRefuseDriftUnlessAllowed(t *testing.T) {
	b := blog()
	tests := []struct {
		name    string
		applied []runtime.Migration // applied by an earlier build
		now     []runtime.Migration // registered by the build that runs
		states  map[string]runtime.State
		message string
		applies []string // what Up applies once drift is allowed
	}{
		{
			name:    "an applied migration whose operations were edited",
			applied: b[:3],
			now:     []runtime.Migration{b[0], editedBio(), b[2], b[3]},
			states: map[string]runtime.State{"0001_create_users": runtime.StateApplied, "0002_add_users_bio": runtime.StateEdited,
				"0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StatePending},
			message: "runtime: up: drift: migration 0002_add_users_bio was edited since it was applied (its checksum differs): " +
				"restore it as it was and put the change in a new migration; or, to proceed anyway, pass --allow-drift (runtime.WithAllowDrift)",
			applies: []string{"0004_create_posts"},
		},
		{
			name:    "an applied migration deleted from the app",
			applied: b[:3],
			now:     []runtime.Migration{b[0], b[2], b[3]},
			states: map[string]runtime.State{"0001_create_users": runtime.StateApplied, "0002_add_users_bio": runtime.StateMissing,
				"0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StatePending},
			message: "runtime: up: drift: migration 0002_add_users_bio is applied but missing from this app: " +
				"restore its file, or run a build of the app that has it; or, to proceed anyway, pass --allow-drift (runtime.WithAllowDrift)",
			applies: []string{"0004_create_posts"},
		},
		{
			name:    "a pending migration inserted before an applied one",
			applied: []runtime.Migration{b[0], b[1], b[3]},
			now:     b,
			states: map[string]runtime.State{"0001_create_users": runtime.StateApplied, "0002_add_users_bio": runtime.StateApplied,
				"0003_index_users_email": runtime.StateOutOfOrder, "0004_create_posts": runtime.StateApplied},
			message: "runtime: up: drift: migration 0003_index_users_email is pending but sorts before 0004_create_posts, which is applied: " +
				"give it an ID that sorts after 0004_create_posts; or, to proceed anyway, pass --allow-drift (runtime.WithAllowDrift)",
			applies: []string{"0003_index_users_email"},
		},
	}
	onEachEngine(t, func(t *testing.T, e engine) {
		for _, tt := range tests {
			t.Run(tt.name+" is refused, then applied when allowed", func(t *testing.T) {
				ctx := context.Background()
				db := e.open(t)
				if _, err := newMigrator(tt.applied...).Up(ctx, db); err != nil {
					t.Fatalf("Up of the earlier build: %v", err)
				}
				m := newMigrator(tt.now...)
				wantStates(t, m, db, tt.states)
				before := readLedger(t, db, runtime.DefaultLedgerTable)

				results, err := m.Up(ctx, db)
				var drift *runtime.DriftError
				if !errors.As(err, &drift) || !errors.Is(err, runtime.ErrDrift) || len(results) != 0 {
					t.Fatalf("Up = %v, %v; want nothing applied and a *DriftError", ids(results), err)
				}
				if diff := cmp.Diff(tt.message, err.Error()); diff != "" {
					t.Errorf("message (-want +got):\n%s", diff)
				}
				if _, err := m.Down(ctx, db, 1); !errors.Is(err, runtime.ErrDrift) {
					t.Errorf("Down: err = %v, want ErrDrift", err)
				}
				if diff := cmp.Diff(before, readLedger(t, db, runtime.DefaultLedgerTable)); diff != "" {
					t.Errorf("refused calls changed the ledger (-want +got):\n%s", diff)
				}

				results, err = m.Up(ctx, db, runtime.WithAllowDrift())
				if err != nil {
					t.Fatalf("Up allowing drift: %v", err)
				}
				wantIDs(t, "Up allowing drift", results, tt.applies...)
			})
		}
	})
}

func TestAMigrationAppliedOutOfOrderRechainsTheOnesAfterIt(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		b := blog()
		if _, err := newMigrator(b[0], b[1], b[3]).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		m := newMigrator(b...)
		if _, err := m.Up(ctx, db, runtime.WithAllowDrift()); err != nil {
			t.Fatalf("Up allowing drift: %v", err)
		}
		wantStates(t, m, db, map[string]runtime.State{"0001_create_users": runtime.StateApplied, "0002_add_users_bio": runtime.StateApplied,
			"0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StateApplied})
		if results, err := m.Up(ctx, db); err != nil || len(results) != 0 {
			t.Errorf("Up without drift = %v, %v; want nothing applied", ids(results), err)
		}
		results, err := m.Down(ctx, db, 1)
		if err != nil {
			t.Fatalf("Down: %v", err)
		}
		wantIDs(t, "Down", results, "0004_create_posts down")
	})
}

// A migration applied after one applied out of order chains to the
// checksum the out-of-order one gave the rows after it, not to the one
// they held before: the run keeps what it knows of the ledger up to date.
func TestAMigrationAfterOneAppliedOutOfOrderChainsToTheRechainedRows(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		b := blog()
		if _, err := newMigrator(b[0], b[2]).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		m := newMigrator(b...)
		results, err := m.Up(ctx, db, runtime.WithAllowDrift())
		if err != nil {
			t.Fatalf("Up allowing drift: %v", err)
		}
		wantIDs(t, "Up allowing drift", results, "0002_add_users_bio", "0004_create_posts")
		wantStates(t, m, db, map[string]runtime.State{"0001_create_users": runtime.StateApplied, "0002_add_users_bio": runtime.StateApplied,
			"0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StateApplied})
		if results, err := m.Up(ctx, db); err != nil || len(results) != 0 {
			t.Errorf("Up without drift = %v, %v; want nothing applied", ids(results), err)
		}
	})
}

func TestDeletingALedgerRowBreaksTheChainOfTheNextOne(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(blog()...)
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM strata_migrations WHERE id = '0002_add_users_bio'"); err != nil {
			t.Fatal(err)
		}
		wantStates(t, m, db, map[string]runtime.State{"0001_create_users": runtime.StateApplied, "0002_add_users_bio": runtime.StateOutOfOrder,
			"0003_index_users_email": runtime.StateEdited, "0004_create_posts": runtime.StateApplied})
	})
}

func TestPendingListsWhatUpWouldApplyAndCreatesNothing(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		b := blog()
		m := newMigrator(b...)
		got, err := m.Pending(ctx, db)
		if err != nil {
			t.Fatalf("Pending: %v", err)
		}
		if diff := cmp.Diff([]string{"0001_create_users", "0002_add_users_bio", "0003_index_users_email", "0004_create_posts"}, got); diff != "" {
			t.Errorf("Pending on a new database (-want +got):\n%s", diff)
		}
		finder := e.dialect.(interface {
			LedgerExists(context.Context, *sql.DB, string) (bool, error)
		})
		if exists, err := finder.LedgerExists(ctx, db, runtime.DefaultLedgerTable); err != nil || exists {
			t.Errorf("after Pending, ledger exists = %v, %v; want false, nil", exists, err)
		}

		if _, err := newMigrator(b[:2]...).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		got, err = m.Pending(ctx, db)
		if err != nil {
			t.Fatalf("Pending: %v", err)
		}
		if diff := cmp.Diff([]string{"0003_index_users_email", "0004_create_posts"}, got); diff != "" {
			t.Errorf("Pending after two applied (-want +got):\n%s", diff)
		}
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		if got, err := m.Pending(ctx, db); err != nil || len(got) != 0 {
			t.Errorf("Pending after Up = %v, %v; want none", got, err)
		}
	})
}

func TestUpWithNothingPendingTakesNoLock(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		m := newMigrator(blog()...)
		if _, err := m.Up(context.Background(), db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		holdLock(t, e, db)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		results, err := m.Up(ctx, db)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("Up with nothing pending took %v while another connection held the lock", took)
		}
		if err != nil || len(results) != 0 {
			t.Errorf("Up = %v, %v; want nothing applied and no error", ids(results), err)
		}
	})
}

// wantStates checks the state Status reports for each migration.
func wantStates(t *testing.T, m *runtime.Migrator, db *sql.DB, want map[string]runtime.State) {
	t.Helper()
	statuses, err := m.Status(context.Background(), db)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	got := map[string]runtime.State{}
	for _, st := range statuses {
		got[st.ID] = st.State
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if !slices.IsSortedFunc(statuses, func(a, b runtime.MigrationStatus) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("statuses are not sorted by ID")
	}
}

func TestChecksumsOfAnEarlierBuildAreCheckedThenRewrittenOnce(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		b := blog()
		if _, err := newMigrator(b[:3]...).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		// Earlier builds recorded the checksum of the SQL each migration
		// rendered to, chained as today.
		prev := ""
		for _, mig := range b[:3] {
			steps, err := newMigrator(b...).SQL(mig.ID, e.dialect, false)
			if err != nil {
				t.Fatal(err)
			}
			prev = stepsChecksum(prev, steps)
			mustExec(t, db, "UPDATE strata_migrations SET checksum = '"+prev+"' WHERE id = '"+mig.ID+"'")
		}

		wantStates(t, newMigrator(b[0], editedBio(), b[2], b[3]), db, map[string]runtime.State{"0001_create_users": runtime.StateApplied,
			"0002_add_users_bio": runtime.StateEdited, "0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StatePending})
		wantStates(t, newMigrator(b...), db, map[string]runtime.State{"0001_create_users": runtime.StateApplied,
			"0002_add_users_bio": runtime.StateApplied, "0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StatePending})

		// With nothing pending, Up takes the lock once to rewrite them.
		if results, err := newMigrator(b[:3]...).Up(ctx, db); err != nil || len(results) != 0 {
			t.Fatalf("Up with nothing pending = %v, %v; want nothing applied", ids(results), err)
		}
		wantLedger(t, db, newMigrator(b...), e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1})
		wantStates(t, newMigrator(b[0], editedBio(), b[2], b[3]), db, map[string]runtime.State{"0001_create_users": runtime.StateApplied,
			"0002_add_users_bio": runtime.StateEdited, "0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StatePending})
		if _, err := newMigrator(b...).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		wantLedger(t, db, newMigrator(b...), e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 2})
	})
}
