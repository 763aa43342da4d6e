package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func TestWithLockTimeoutGivesUpWhileAnotherRunHoldsTheLock(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(blog()...)
		if _, err := m.UpTo(ctx, db, "0001_create_users"); err != nil {
			t.Fatal(err)
		}
		release := holdLock(t, e, db)
		start := time.Now()
		results, err := m.Up(ctx, db, runtime.WithLockTimeout(200*time.Millisecond))
		took := time.Since(start)
		if !errors.Is(err, runtime.ErrLockTimeout) || len(results) != 0 {
			t.Errorf("Up = %v, %v; want nothing applied and ErrLockTimeout", ids(results), err)
		}
		if took > 5*time.Second {
			t.Errorf("Up gave up after %v, want about 200ms", took)
		}
		release()
		e.assertSchema(t, db, blog()[:1])
		if _, err := m.Up(ctx, db, runtime.WithLockTimeout(5*time.Second)); err != nil {
			t.Errorf("Up once the lock is free: %v", err)
		}
	})
}

func TestALeaseKeepsOutOtherRunsUntilItExpires(t *testing.T) {
	onSessionLockEngines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(blog()...)
		if _, err := m.UpTo(ctx, db, "0001_create_users", runtime.WithLease(time.Second)); err != nil {
			t.Fatalf("UpTo with a lease: %v", err)
		}
		if n := count(t, db, "strata_lease"); n != 0 {
			t.Errorf("the run left %d lease rows, want none", n)
		}

		// Another process holds the lease for a minute more.
		future := time.Now().Add(time.Minute).UnixMilli()
		mustExec(t, db, e.sql("INSERT INTO strata_lease (name, holder, expires_at) VALUES ('strata_migrations', 'another', $1)"), future)
		start := time.Now()
		results, err := m.Up(ctx, db, runtime.WithLease(time.Second), runtime.WithLockTimeout(300*time.Millisecond))
		if !errors.Is(err, runtime.ErrLockTimeout) || len(results) != 0 {
			t.Errorf("Up while another holds the lease = %v, %v; want ErrLockTimeout", ids(results), err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Up gave up after %v, want about 300ms", took)
		}

		// Its lease expired: the next run takes over.
		mustExec(t, db, e.sql("UPDATE strata_lease SET expires_at = $1"), time.Now().Add(-time.Second).UnixMilli())
		results, err = m.Up(ctx, db, runtime.WithLease(time.Second))
		if err != nil {
			t.Fatalf("Up once the lease expired: %v", err)
		}
		wantIDs(t, "Up once the lease expired", results, "0002_add_users_bio", "0003_index_users_email", "0004_create_posts")
		e.assertSchema(t, db, blog())
	})
}

func TestARunThatLostItsLeaseStopsBeforeTheNextMigration(t *testing.T) {
	onSessionLockEngines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		// The first migration hands the lease to another process, as one that
		// found it expired while this run stalled would take it.
		takeOver := schema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE strata_lease SET holder = 'another'")
			return err
		}}
		first := all[0]
		first.Up = append(first.Up[:len(first.Up):len(first.Up)], takeOver)
		m := newMigrator(first, all[1])
		results, err := m.Up(ctx, db, runtime.WithLease(time.Minute))
		if !errors.Is(err, runtime.ErrLeaseLost) {
			t.Fatalf("Up = %v, %v; want ErrLeaseLost", ids(results), err)
		}
		e.assertSchema(t, db, all[:1])
		if e.ddlCommits {
			// 0001 runs part by part, each fenced: the part after the
			// take-over, the one that writes the ledger row, stops. Both
			// statements took effect, as the progress row says, for the
			// next run to record.
			wantIDs(t, "Up", results)
			wantProgress(t, m, db, "0001_create_users", &runtime.Progress{Done: 2})
			if !strings.Contains(err.Error(), "0001_create_users") {
				t.Errorf("error %q does not name the migration it stopped at", err)
			}
			return
		}
		wantIDs(t, "Up", results, "0001_create_users")
		if !strings.Contains(err.Error(), "0002_add_users_bio") {
			t.Errorf("error %q does not name the migration it stopped at", err)
		}
	})
}

func TestWithLeaseIsIgnoredOnSQLite(t *testing.T) {
	e := engines[0]
	db := e.open(t)
	if _, err := newMigrator(blog()...).Up(context.Background(), db, runtime.WithLease(time.Second)); err != nil {
		t.Fatalf("Up: %v", err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'strata_lease'").Scan(&n); err != nil || n != 0 {
		t.Errorf("strata_lease: %d tables, %v; want none", n, err)
	}
}

func TestWithLoggerLogsEachStatementAtDebugLevel(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		var log strings.Builder
		m := newMigrator(blog()[0], runtime.Migration{ID: "0002_seed", Up: []schema.Operation{
			schema.RunSQL{SQL: "INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com')"},
		}})
		if _, err := m.Up(context.Background(), db, runtime.WithLogger(debugLogger(&log))); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`msg="strata: ran statement" id=0002_seed direction=up step=1 statement="INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com')"`,
			"rows=2",
			`msg="strata: applied migration" id=0002_seed direction=up statements=1`,
		} {
			if !strings.Contains(log.String(), want) {
				t.Errorf("log lacks %s:\n%s", want, log.String())
			}
		}
	})
}

// debugLogger returns a logger that writes every event, debug ones
// included, to w as text.
func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestARunWithALeaseWaitsForARunHoldingTheSessionLock(t *testing.T) {
	onSessionLockEngines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(blog()...)
		if _, err := m.UpTo(ctx, db, "0001_create_users"); err != nil {
			t.Fatal(err)
		}
		release := holdLock(t, e, db) // a run without a lease
		results, err := m.Up(ctx, db, runtime.WithLease(time.Second), runtime.WithLockTimeout(300*time.Millisecond))
		if !errors.Is(err, runtime.ErrLockTimeout) || len(results) != 0 {
			t.Errorf("Up with a lease while a session holds the lock = %v, %v; want ErrLockTimeout", ids(results), err)
		}
		if n := count(t, db, "strata_lease"); n != 0 {
			t.Errorf("the run claimed %d leases while a session held the lock, want none", n)
		}
		release()
		if _, err := m.Up(ctx, db, runtime.WithLease(time.Second), runtime.WithLockTimeout(5*time.Second)); err != nil {
			t.Errorf("Up with a lease once the session lock is free: %v", err)
		}
		e.assertSchema(t, db, blog())
	})
}

func TestARunWithTheSessionLockWaitsForALiveLeaseAndClearsAnExpiredOne(t *testing.T) {
	onSessionLockEngines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(blog()...)
		if _, err := m.UpTo(ctx, db, "0001_create_users", runtime.WithLease(time.Second)); err != nil {
			t.Fatal(err)
		}
		// A run with a lease holds it for a minute more.
		mustExec(t, db, e.sql("INSERT INTO strata_lease (name, holder, expires_at) VALUES ('strata_migrations', 'web-1/4242/00ff', $1)"), time.Now().Add(time.Minute).UnixMilli())
		var log strings.Builder
		results, err := m.Up(ctx, db, runtime.WithLockTimeout(1500*time.Millisecond), runtime.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		if !errors.Is(err, runtime.ErrLockTimeout) || len(results) != 0 {
			t.Errorf("Up without a lease while another run holds one = %v, %v; want ErrLockTimeout", ids(results), err)
		}
		for _, want := range []string{"level=WARN", "waiting for the migration lock", "process 4242 on web-1"} {
			if !strings.Contains(log.String(), want) {
				t.Errorf("the log %q does not say %q", log.String(), want)
			}
		}
		if n := strings.Count(log.String(), "waiting for the migration lock"); n != 1 {
			t.Errorf("the wait was logged %d times, want once", n)
		}
		e.assertSchema(t, db, blog()[:1])

		// Its holder let it expire: the run clears it and goes on.
		mustExec(t, db, e.sql("UPDATE strata_lease SET expires_at = $1"), time.Now().Add(-time.Second).UnixMilli())
		if _, err := m.Up(ctx, db, runtime.WithLockTimeout(5*time.Second)); err != nil {
			t.Fatalf("Up once the lease expired: %v", err)
		}
		e.assertSchema(t, db, blog())
		if n := count(t, db, "strata_lease"); n != 0 {
			t.Errorf("%d lease rows are left, want the expired one cleared", n)
		}
	})
}

func TestARunWaitingForTheSessionLockStopsOnceNothingIsLeftToApply(t *testing.T) {
	onSessionLockEngines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		all := blog()
		m := newMigrator(all...)
		if _, err := m.UpTo(ctx, db, "0003_index_users_email"); err != nil {
			t.Fatal(err)
		}
		release := holdLock(t, e, db)
		defer release()
		type outcome struct {
			results []runtime.Result
			err     error
		}
		done := make(chan outcome, 1)
		go func() {
			results, err := m.Up(ctx, db)
			done <- outcome{results, err}
		}()
		time.Sleep(300 * time.Millisecond) // it waits by now
		// What the run holding the lock does meanwhile: it applies the last
		// migration, ledger row and all.
		steps, err := m.SQL("0004_create_posts", e.dialect, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range steps {
			mustExec(t, db, st.SQL)
		}
		prev := ""
		for _, mig := range all {
			prev = opsChecksum(prev, e.dialect, mig)
		}
		mustExec(t, db, e.sql("INSERT INTO strata_migrations (id, checksum, batch, applied_at, duration_ms) VALUES ('0004_create_posts', $1, 2, now(), 1)"), prev)

		select {
		case o := <-done:
			if o.err != nil || len(o.results) != 0 {
				t.Errorf("the waiting run = %v, %v; want nothing applied and no error", ids(o.results), o.err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the waiting run still waits for the lock 5s after nothing was left to apply")
		}
		wantStates(t, m, db, map[string]runtime.State{"0001_create_users": runtime.StateApplied, "0002_add_users_bio": runtime.StateApplied,
			"0003_index_users_email": runtime.StateApplied, "0004_create_posts": runtime.StateApplied})
	})
}
