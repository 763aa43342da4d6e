package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// stepwise returns a migration marked NonTransactional that creates table
// a, inserts a row into it, runs third, then creates table c.
func stepwise(third string) runtime.Migration {
	return runtime.Migration{
		ID: "0002_stepwise",
		Up: []schema.Operation{
			schema.RunSQL{SQL: "CREATE TABLE a (id INTEGER)"},
			schema.RunSQL{SQL: "INSERT INTO a (id) VALUES (1)"},
			schema.RunSQL{SQL: third},
			schema.RunSQL{SQL: "CREATE TABLE c (id INTEGER)"},
		},
		Down: []schema.Operation{
			schema.RunSQL{SQL: "DROP TABLE c"},
			schema.RunSQL{SQL: "DROP TABLE a"},
		},
		NonTransactional: true,
	}
}

func TestANonTransactionalMigrationResumesFromTheStatementThatFailed(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		first := blog()[0]

		results, err := newMigrator(first, stepwise("INSERT INTO no_such_table VALUES (1)")).Up(ctx, db)
		var me *runtime.MigrationError
		if !errors.As(err, &me) {
			t.Fatalf("Up = %v, %v; want a MigrationError", ids(results), err)
		}
		want := runtime.MigrationError{ID: "0002_stepwise", Step: 3, Statement: "INSERT INTO no_such_table VALUES (1)", Committed: 2, Before: []string{"0001_create_users"}}
		if diff := cmp.Diff(want, *me, cmpMigrationError); diff != "" {
			t.Errorf("MigrationError differs (-want +got):\n%s", diff)
		}
		if e.name == "postgres" && me.SQLState != "42P01" {
			t.Errorf("SQLState = %q, want 42P01 (undefined table)", me.SQLState)
		}
		if n := count(t, db, "a"); n != 1 {
			t.Errorf("a has %d rows after the failure, want the 1 committed", n)
		}
		wantProgress(t, newMigrator(first, stepwise("SELECT 1")), db, "0002_stepwise", &runtime.Progress{Done: 2})

		fixed := newMigrator(first, stepwise("INSERT INTO a (id) VALUES (3)"))
		results, err = fixed.Up(ctx, db)
		if err != nil {
			t.Fatalf("Up once fixed: %v", err)
		}
		wantIDs(t, "Up once fixed", results, "0002_stepwise")
		if n := count(t, db, "a"); n != 2 {
			t.Errorf("a has %d rows, want 2: the insert that took effect must not run again", n)
		}
		count(t, db, "c")
		wantProgress(t, fixed, db, "0002_stepwise", nil)
		wantLedger(t, db, fixed, e.dialect, map[string]int{"0001_create_users": 1, "0002_stepwise": 2})

		results, err = fixed.Down(ctx, db, 1)
		if err != nil {
			t.Fatalf("Down: %v", err)
		}
		wantIDs(t, "Down", results, "0002_stepwise down")
		e.assertSchema(t, db, []runtime.Migration{first})
	})
}

func TestANonTransactionalMigrationEditedWhereItTookEffectIsRefused(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		first := blog()[0]
		if _, err := newMigrator(first, stepwise("INSERT INTO no_such_table VALUES (1)")).Up(ctx, db); err == nil {
			t.Fatal("Up of a broken migration succeeded")
		}
		edited := stepwise("SELECT 1")
		edited.Up[1] = schema.RunSQL{SQL: "INSERT INTO a (id) VALUES (2)"}
		results, err := newMigrator(first, edited).Up(ctx, db)
		if !errors.Is(err, runtime.ErrDrift) || !strings.Contains(err.Error(), "first 2 statements took effect") || len(results) != 0 {
			t.Errorf("Up = %v, %v; want drift naming the 2 statements that took effect", ids(results), err)
		}
		if n := count(t, db, "a"); n != 1 {
			t.Errorf("a has %d rows, want 1", n)
		}
	})
}

func TestAStatementInterruptedOutsideATransactionWaitsToBeResolved(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		for _, tt := range []struct {
			name       string
			tookEffect bool
			how        runtime.Resolution
		}{
			{"it took effect", true, runtime.StatementDone},
			{"it did not", false, runtime.StatementRetry},
		} {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				db := e.open(t)
				first := blog()[0]
				m := newMigrator(first, stepwise("CREATE TABLE b (id INTEGER)"))
				if _, err := m.UpTo(ctx, db, "0001_create_users"); err != nil {
					t.Fatal(err)
				}
				// What a run killed during statement 3 leaves: the first two
				// took effect, the third was marked running, and, perhaps,
				// took effect too.
				steps, err := m.SQL("0002_stepwise", e.dialect, false)
				if err != nil {
					t.Fatal(err)
				}
				mustExec(t, db, steps[0].SQL)
				mustExec(t, db, steps[1].SQL)
				if tt.tookEffect {
					mustExec(t, db, steps[2].SQL)
				}
				mustExec(t, db, "INSERT INTO strata_migrations_progress (id, direction, done, running, checksum, batch) VALUES ('0002_stepwise', 'up', 2, 1, '"+stepsChecksum("", steps[:2])+"', 2)")

				results, err := m.Up(ctx, db)
				var ie *runtime.InterruptedError
				if !errors.As(err, &ie) || !errors.Is(err, runtime.ErrInterrupted) || len(results) != 0 {
					t.Fatalf("Up = %v, %v; want an InterruptedError", ids(results), err)
				}
				if ie.Step != 3 || ie.Steps != 4 || ie.Statement != steps[2].SQL {
					t.Errorf("InterruptedError = %+v, want statement 3 of 4", *ie)
				}
				for _, want := range []string{`"resolve 0002_stepwise --done"`, `"resolve 0002_stepwise --retry"`, "CREATE TABLE b"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %s", err, want)
					}
				}
				wantProgress(t, m, db, "0002_stepwise", &runtime.Progress{Done: 2, Interrupted: true})

				if err := m.Resolve(ctx, db, "0001_create_users", tt.how); !errors.Is(err, runtime.ErrNotPending) {
					t.Errorf("Resolve of a migration with nothing to resolve: err = %v, want ErrNotPending", err)
				}
				if err := m.Resolve(ctx, db, "0002_stepwise", tt.how); err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				results, err = m.Up(ctx, db)
				if err != nil {
					t.Fatalf("Up once resolved: %v", err)
				}
				wantIDs(t, "Up once resolved", results, "0002_stepwise")
				count(t, db, "b")
				count(t, db, "c")
				wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1, "0002_stepwise": 2})
			})
		}
	})
}

func TestAMigrationLeftPartWayInOneDirectionBlocksTheOther(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		first := blog()[0]
		m := newMigrator(first, stepwise("CREATE TABLE b (id INTEGER)"))
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		broken := stepwise("CREATE TABLE b (id INTEGER)")
		broken.Down = []schema.Operation{schema.RunSQL{SQL: "DROP TABLE c"}, schema.RunSQL{SQL: "DROP TABLE no_such_table"}}
		withBrokenDown := newMigrator(first, broken)
		if _, err := withBrokenDown.Down(ctx, db, 1); err == nil {
			t.Fatal("Down of a broken Down succeeded")
		}
		wantProgress(t, withBrokenDown, db, "0002_stepwise", &runtime.Progress{Down: true, Done: 1})
		third := runtime.Migration{ID: "0003_more", Up: []schema.Operation{schema.RunSQL{SQL: "CREATE TABLE d (id INTEGER)"}}}
		results, err := newMigrator(first, broken, third).Up(ctx, db)
		if !errors.Is(err, runtime.ErrInterrupted) || !strings.Contains(err.Error(), `run "down" to finish it first`) || len(results) != 0 {
			t.Errorf("Up while a Down is part way = %v, %v; want ErrInterrupted telling to run down", ids(results), err)
		}
		broken.Down[1] = schema.RunSQL{SQL: "DROP TABLE b"}
		results, err = newMigrator(first, broken).Down(ctx, db, 1)
		if err != nil {
			t.Fatalf("Down once fixed: %v", err)
		}
		wantIDs(t, "Down once fixed", results, "0002_stepwise down")
	})
}

func TestAStatementPostgreSQLRefusesInATransactionRunsOnItsOwn(t *testing.T) {
	e := engines[1]
	ctx := context.Background()
	db := e.open(t)
	first := blog()[0]
	index := runtime.Migration{
		ID:   "0002_index_concurrently",
		Up:   []schema.Operation{schema.RunSQL{SQL: "CREATE INDEX CONCURRENTLY users_email_idx ON users (email)"}},
		Down: []schema.Operation{schema.RunSQL{SQL: "DROP INDEX CONCURRENTLY users_email_idx"}},
	}
	_, err := newMigrator(first, index).Up(ctx, db)
	var me *runtime.MigrationError
	if !errors.As(err, &me) || me.SQLState != "25001" {
		t.Fatalf("Up of a transactional migration that creates an index concurrently: err = %v, want SQLSTATE 25001", err)
	}
	index.NonTransactional = true
	m := newMigrator(first, index)
	results, err := m.Up(ctx, db)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	wantIDs(t, "Up", results, "0002_index_concurrently")
	var valid bool
	if err := db.QueryRowContext(ctx, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass").Scan(&valid); err != nil || !valid {
		t.Errorf("index users_email_idx: valid %v, %v; want a valid index", valid, err)
	}
	if _, err := m.Down(ctx, db, 1); err != nil {
		t.Fatalf("Down: %v", err)
	}
	wantProgress(t, m, db, "0002_index_concurrently", nil)
}

// wantProgress checks the Progress that Status reports for migration id.
func wantProgress(t *testing.T, m *runtime.Migrator, db *sql.DB, id string, want *runtime.Progress) {
	t.Helper()
	statuses, err := m.Status(context.Background(), db, runtime.WithAllowDrift())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	for _, s := range statuses {
		if s.ID == id {
			if diff := cmp.Diff(want, s.Progress); diff != "" {
				t.Errorf("progress of %s differs (-want +got):\n%s", id, diff)
			}
			return
		}
	}
	t.Errorf("Status does not list %s", id)
}

// cmpMigrationError compares MigrationErrors without their driver's error
// and SQLSTATE.
var cmpMigrationError = cmp.Comparer(func(a, b runtime.MigrationError) bool {
	a.Err, b.Err, a.SQLState, b.SQLState = nil, nil, "", ""
	return cmp.Equal(a, b)
})
