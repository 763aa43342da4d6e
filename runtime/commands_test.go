package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

func TestUpToStopsAtItsTargetAndDownToRevertsBackToIt(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		m := newMigrator(all...)

		if _, err := m.UpTo(ctx, db, "0009_nothing"); !errors.Is(err, runtime.ErrUnknownMigration) {
			t.Errorf("UpTo an unknown ID: err = %v, want ErrUnknownMigration", err)
		}
		results, err := m.UpTo(ctx, db, "0002_add_users_bio")
		if err != nil {
			t.Fatalf("UpTo: %v", err)
		}
		wantIDs(t, "UpTo", results, "0001_create_users", "0002_add_users_bio")
		e.assertSchema(t, db, all[:2])
		if results, err = m.UpTo(ctx, db, "0001_create_users"); err != nil || len(results) != 0 {
			t.Errorf("UpTo an applied ID = %v, %v; want nothing", ids(results), err)
		}

		if _, err := m.Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		if _, err := m.DownTo(ctx, db, "0009_nothing"); !errors.Is(err, runtime.ErrUnknownMigration) {
			t.Errorf("DownTo an ID not applied: err = %v, want ErrUnknownMigration", err)
		}
		results, err = m.DownTo(ctx, db, "0002_add_users_bio")
		if err != nil {
			t.Fatalf("DownTo: %v", err)
		}
		wantIDs(t, "DownTo", results, "0004_create_posts down", "0003_index_users_email down")
		e.assertSchema(t, db, all[:2])
		if results, err = m.DownTo(ctx, db, "0002_add_users_bio"); err != nil || len(results) != 0 {
			t.Errorf("DownTo the last applied ID = %v, %v; want nothing", ids(results), err)
		}
	})
}

func TestDownBatchRevertsWhatTheLastUpApplied(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		if _, err := newMigrator(all[:2]...).Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		m := newMigrator(all...)
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		results, err := m.DownBatch(ctx, db)
		if err != nil {
			t.Fatalf("DownBatch: %v", err)
		}
		wantIDs(t, "first DownBatch", results, "0004_create_posts down", "0003_index_users_email down")
		e.assertSchema(t, db, all[:2])
		results, err = m.DownBatch(ctx, db)
		if err != nil {
			t.Fatalf("DownBatch: %v", err)
		}
		wantIDs(t, "second DownBatch", results, "0002_add_users_bio down", "0001_create_users down")
		if _, err := m.DownBatch(ctx, db); !errors.Is(err, runtime.ErrNothingToRevert) {
			t.Errorf("DownBatch with nothing applied: err = %v, want ErrNothingToRevert", err)
		}
	})
}

func TestRedoRevertsAndReappliesTheLastMigration(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		m := newMigrator(all...)
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		results, err := m.Redo(ctx, db)
		if err != nil {
			t.Fatalf("Redo: %v", err)
		}
		wantIDs(t, "Redo", results, "0004_create_posts down", "0004_create_posts")
		e.assertSchema(t, db, all)
		wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 2})
	})
}

func TestPlanShowsWhatUpWouldRunAndChangesNothing(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		m := newMigrator(all...)

		plan, err := m.Plan(ctx, db)
		if err != nil {
			t.Fatalf("Plan on a new database: %v", err)
		}
		if len(plan) != len(all) {
			t.Errorf("Plan on a new database lists %d migrations, want %d", len(plan), len(all))
		}
		if tables := tablesOf(t, e, db); len(tables) != 0 {
			t.Errorf("Plan created %v", tables)
		}

		if _, err := m.UpTo(ctx, db, "0002_add_users_bio"); err != nil {
			t.Fatal(err)
		}
		plan, err = m.Plan(ctx, db)
		if err != nil {
			t.Fatalf("Plan: %v", err)
		}
		var got []string
		for _, p := range plan {
			got = append(got, p.ID)
			want, err := m.SQL(p.ID, e.dialect, false)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sqlOf(want), sqlOf(p.Steps)); diff != "" {
				t.Errorf("Plan's steps of %s differ from SQL's (-want +got):\n%s", p.ID, diff)
			}
		}
		if diff := cmp.Diff([]string{"0003_index_users_email", "0004_create_posts"}, got); diff != "" {
			t.Errorf("Plan lists (-want +got):\n%s", diff)
		}
		e.assertSchema(t, db, all[:2])
	})
}

func TestFakeAndBaselineRecordMigrationsWithoutRunningThem(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		m := newMigrator(all...)
		runByHand(t, db, m, e, "0001_create_users", "0002_add_users_bio", "0003_index_users_email")

		res, err := m.Fake(ctx, db, "0001_create_users")
		if err != nil {
			t.Fatalf("Fake: %v", err)
		}
		if !res.Faked || res.ID != "0001_create_users" {
			t.Errorf("Fake = %+v, want 0001_create_users faked", res)
		}
		if _, err := m.Fake(ctx, db, "0001_create_users"); !errors.Is(err, runtime.ErrNotPending) {
			t.Errorf("Fake of an applied migration: err = %v, want ErrNotPending", err)
		}
		if _, err := m.Fake(ctx, db, "0009_nothing"); !errors.Is(err, runtime.ErrUnknownMigration) {
			t.Errorf("Fake of an unknown migration: err = %v, want ErrUnknownMigration", err)
		}
		results, err := m.Baseline(ctx, db, "0003_index_users_email")
		if err != nil {
			t.Fatalf("Baseline: %v", err)
		}
		if diff := cmp.Diff([]string{"0002_add_users_bio", "0003_index_users_email"}, fakedIDs(results)); diff != "" {
			t.Errorf("Baseline faked (-want +got):\n%s", diff)
		}
		results, err = m.Up(ctx, db)
		if err != nil {
			t.Fatalf("Up after Baseline: %v", err)
		}
		wantIDs(t, "Up after Baseline", results, "0004_create_posts")
		e.assertSchema(t, db, all)
		// Faked rows carry the checksums a real run would have written.
		wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 2, "0003_index_users_email": 2, "0004_create_posts": 3})
	})
}

func TestFakeInitialAdoptsTablesThatExistAndAppliesTheRest(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		all := blog()
		m := newMigrator(all...)

		t.Run("the first migration's table exists", func(t *testing.T) {
			db := e.open(t)
			runByHand(t, db, m, e, "0001_create_users")
			results, err := m.Up(ctx, db, runtime.WithFakeInitial())
			if err != nil {
				t.Fatalf("Up: %v", err)
			}
			if diff := cmp.Diff([]string{"0001_create_users"}, fakedIDs(results)); diff != "" {
				t.Errorf("faked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"0001_create_users", "0002_add_users_bio", "0003_index_users_email", "0004_create_posts"}, ids(results)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			e.assertSchema(t, db, all)
		})
		t.Run("no table exists", func(t *testing.T) {
			db := e.open(t)
			results, err := m.Up(ctx, db, runtime.WithFakeInitial())
			if err != nil {
				t.Fatalf("Up: %v", err)
			}
			if faked := fakedIDs(results); len(faked) != 0 || len(results) != len(all) {
				t.Errorf("Up applied %v and faked %v, want every migration applied", ids(results), faked)
			}
			e.assertSchema(t, db, all)
		})
		t.Run("some of a migration's tables exist", func(t *testing.T) {
			db := e.open(t)
			both := runtime.Migration{ID: "0001_initial", Up: append(all[0].Up, all[3].Up...)}
			runByHand(t, db, m, e, "0001_create_users")
			results, err := newMigrator(both).Up(ctx, db, runtime.WithFakeInitial())
			if err == nil || !strings.Contains(err.Error(), "posts do not") {
				t.Errorf("Up = %v, %v; want an error naming the missing table posts", ids(results), err)
			}
			if rows := readLedger(t, db, runtime.DefaultLedgerTable); len(rows) != 0 {
				t.Errorf("ledger holds %v, want nothing", rows)
			}
		})
	})
}

func TestFreshDropsEverythingAndReappliesOnlyWhenTheDatabaseIsNotProduction(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		m := newMigrator(all...)
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, "INSERT INTO users (email) VALUES ('a@example.com')")
		mustExec(t, db, "CREATE TABLE leftover (id INTEGER)")

		if _, err := m.Fresh(ctx, db); !errors.Is(err, runtime.ErrProduction) {
			t.Fatalf("Fresh without WithNonProduction: err = %v, want ErrProduction", err)
		}
		if n := count(t, db, "users"); n != 1 {
			t.Fatalf("the refused Fresh left %d users, want 1", n)
		}
		results, err := m.Fresh(ctx, db, runtime.WithNonProduction())
		if err != nil {
			t.Fatalf("Fresh: %v", err)
		}
		wantIDs(t, "Fresh", results, "0001_create_users", "0002_add_users_bio", "0003_index_users_email", "0004_create_posts")
		e.assertSchema(t, db, all)
		if n := count(t, db, "users"); n != 0 {
			t.Errorf("Fresh left %d users, want none", n)
		}
		wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 1})
	})
}

func TestDownRefusesAnIrreversibleMigrationUnlessForced(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		bio := all[1]
		bio.Down = append([]schema.Operation{schema.Irreversible{Reason: "the bios are gone for good"}}, bio.Down...)
		m := newMigrator(all[0], bio)
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		for name, down := range map[string]func(...runtime.Option) ([]runtime.Result, error){
			"Down":      func(opts ...runtime.Option) ([]runtime.Result, error) { return m.Down(ctx, db, 2, opts...) },
			"DownBatch": func(opts ...runtime.Option) ([]runtime.Result, error) { return m.DownBatch(ctx, db, opts...) },
			"Redo":      func(opts ...runtime.Option) ([]runtime.Result, error) { return m.Redo(ctx, db, opts...) },
		} {
			results, err := down()
			if !errors.Is(err, runtime.ErrIrreversible) || !strings.Contains(err.Error(), "the bios are gone for good") || len(results) != 0 {
				t.Errorf("%s = %v, %v; want nothing reverted and ErrIrreversible with the reason", name, ids(results), err)
			}
		}
		e.assertSchema(t, db, []runtime.Migration{all[0], bio})
		results, err := m.Down(ctx, db, 1, runtime.WithForce())
		if err != nil {
			t.Fatalf("Down with WithForce: %v", err)
		}
		wantIDs(t, "Down with WithForce", results, "0002_add_users_bio down")
		e.assertSchema(t, db, all[:1])
	})
}

func TestSingleTransactionAppliesEveryPendingMigrationOrNone(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		all := blog()
		broken := runtime.Migration{ID: "0005_broken", Up: []schema.Operation{schema.RunSQL{SQL: "INSERT INTO no_such_table VALUES (1)"}}}

		db := e.open(t)
		if e.ddlCommits {
			// DDL commits on its own: the option is refused before
			// anything runs.
			results, err := newMigrator(all...).Up(ctx, db, runtime.WithSingleTransaction())
			if !errors.Is(err, runtime.ErrNonTransactional) || len(results) != 0 {
				t.Fatalf("Up with WithSingleTransaction on %s = %v, %v; want nothing applied and ErrNonTransactional", e.name, ids(results), err)
			}
			e.assertSchema(t, db, nil)
			return
		}
		results, err := newMigrator(append(all, broken)...).Up(ctx, db, runtime.WithSingleTransaction())
		var me *runtime.MigrationError
		if !errors.As(err, &me) || me.ID != "0005_broken" || len(results) != 0 {
			t.Fatalf("Up = %v, %v; want nothing applied and a MigrationError of 0005_broken", ids(results), err)
		}
		e.assertSchema(t, db, nil)
		if rows := readLedger(t, db, runtime.DefaultLedgerTable); len(rows) != 0 {
			t.Errorf("ledger holds %v, want nothing", rows)
		}

		slow := all[3]
		slow.NonTransactional = true
		_, err = newMigrator(all[0], all[1], all[2], slow).Up(ctx, db, runtime.WithSingleTransaction())
		if !errors.Is(err, runtime.ErrNonTransactional) {
			t.Errorf("Up with a non-transactional migration: err = %v, want ErrNonTransactional", err)
		}
		e.assertSchema(t, db, nil)

		m := newMigrator(all...)
		results, err = m.Up(ctx, db, runtime.WithSingleTransaction())
		if err != nil {
			t.Fatalf("Up: %v", err)
		}
		wantIDs(t, "Up", results, "0001_create_users", "0002_add_users_bio", "0003_index_users_email", "0004_create_posts")
		e.assertSchema(t, db, all)
		wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 1})
	})
}

// runByHand runs the SQL of the given migrations of m on db, as a person or
// another tool would, without recording them.
func runByHand(t *testing.T, db *sql.DB, m *runtime.Migrator, e engine, migrationIDs ...string) {
	t.Helper()
	for _, id := range migrationIDs {
		steps, err := m.SQL(id, e.dialect, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range steps {
			mustExec(t, db, st.SQL)
		}
	}
}

// fakedIDs returns the IDs of the results that were faked.
func fakedIDs(results []runtime.Result) []string {
	var out []string
	for _, r := range results {
		if r.Faked {
			out = append(out, r.ID)
		}
	}
	return out
}

// tablesOf returns the tables of db, strata's own included.
func tablesOf(t *testing.T, e engine, db *sql.DB) []string {
	t.Helper()
	lister, ok := e.dialect.(interface {
		Tables(context.Context, *sql.Conn) ([]string, error)
	})
	if !ok {
		t.Fatalf("the %s dialect cannot list tables", e.name)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	tables, err := lister.Tables(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

// sqlOf returns the SQL of steps, "-- Go step" for a Go step.
func sqlOf(steps []dialect.Step) []string {
	var out []string
	for _, st := range steps {
		if st.Go != nil {
			out = append(out, "-- Go step")
			continue
		}
		out = append(out, st.SQL)
	}
	return out
}

// mustExec runs statement on db.
func mustExec(t *testing.T, db *sql.DB, statement string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), statement, args...); err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}

// count returns the number of rows of table.
func count(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
