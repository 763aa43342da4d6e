package runtime_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime/dialect"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func TestUpReturnsPromptlyWhenItsContextEndsWhileWaitingForTheLock(t *testing.T) {
	tests := []struct {
		name    string
		context func() (context.Context, context.CancelFunc)
		want    error
	}{
		{
			name: "a context cancelled while Up waits",
			context: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(300*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
		{
			name: "a context whose deadline passes while Up waits",
			context: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 300*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
	}
	onEachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		m := newMigrator(blog()...)
		release := holdLock(t, e, db)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx, cancel := tt.context()
				defer cancel()
				start := time.Now()
				results, err := m.Up(ctx, db)
				if took := time.Since(start); took > 3*time.Second {
					t.Errorf("Up took %v to notice that its context ended", took)
				}
				if !errors.Is(err, tt.want) || len(results) != 0 {
					t.Errorf("Up = %v, %v; want nothing applied and %v", ids(results), err, tt.want)
				}
			})
		}
		release()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if results, err := m.Up(ctx, db); err != nil || len(results) != len(blog()) {
			t.Errorf("Up once the lock is free = %v, %v; want every migration applied", ids(results), err)
		}
	})
}

func TestAContextEndingMidMigrationRollsItBackAndReleasesTheLock(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		ms := []runtime.Migration{blog()[0], {
			ID: "0002_slow",
			Up: []schema.Operation{
				schema.CreateTable{Table: schema.Table{Name: "slow", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}}},
				schema.RunSQL{
					Postgres: "SELECT pg_sleep(2)",
					// Counts for ever, until interrupted.
					SQLite: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
					SQL:    "SELECT SLEEP(2)", // MySQL's
				},
			},
		}}
		m := newMigrator(ms...)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		results, err := m.Up(ctx, db)
		wantIDs(t, "Up", results, "0001_create_users")
		var merr *runtime.MigrationError
		if !errors.As(err, &merr) || merr.ID != "0002_slow" || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Up: err = %v, want a *MigrationError for 0002_slow that wraps context.DeadlineExceeded", err)
		}
		wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1})
		ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if e.ddlCommits {
			// MySQL committed the CREATE TABLE, 0002's first statement,
			// on its own: the progress row says so, and the lock is free
			// for the next run, which resumes at the second.
			e.assertSchema(t, db, append(ms[:1:1], runtime.Migration{ID: "0002_first_statement", Up: ms[1].Up[:1]}))
			wantProgress(t, m, db, "0002_slow", &runtime.Progress{Done: 1})
			results, err := m.Up(ctx, db)
			wantIDs(t, "Up after the interrupted Up", results, "0002_slow")
			if err != nil {
				t.Fatalf("Up after the interrupted Up: %v", err)
			}
			e.assertSchema(t, db, ms)
			return
		}
		e.assertSchema(t, db, ms[:1])

		// The lock is free: another run takes it and finds 0002 pending.
		statuses, err := m.Status(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, statuses, map[string]int{"0001_create_users": 1, "0002_slow": 0})
		if _, err := m.Down(ctx, db, 1); err != nil {
			t.Errorf("Down after the interrupted Up: %v", err)
		}
	})
}

// holdLock makes a connection of db hold the migration lock, as a run of
// Up in another process would in the middle of a migration, and returns
// the function that lets it go.
func holdLock(t *testing.T, e engine, db *sql.DB) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := e.dialect.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		t.Fatalf("Lock: %v", err)
	}
	tx, err := e.dialect.Begin(ctx, conn, dialect.LockOptions{})
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
		if err := conn.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
	t.Cleanup(release)
	return release
}

// The environment of a helper process, which calls Up once, at a given
// time, and prints what it applied.
const (
	envRaceDriver = "STRATA_TEST_RACE_DRIVER"
	envRaceDSN    = "STRATA_TEST_RACE_DSN"
	envRaceStart  = "STRATA_TEST_RACE_START" // Unix time in nanoseconds
	envRaceMode   = "STRATA_TEST_RACE_MODE"  // "lease" or "nontx", or empty
	racePrefix    = "applied "
	racers        = 2
)

// raceMigrations returns ten migrations, each of which creates a table and
// counts itself in the table hits, then dawdles a little in a Go step so
// that the processes racing to apply them overlap. With nonTx, every other
// one is marked NonTransactional.
func raceMigrations(nonTx bool) []runtime.Migration {
	var ms []runtime.Migration
	for i := 1; i <= 10; i++ {
		id := fmt.Sprintf("%04d_race", i)
		var up []schema.Operation
		if i == 1 {
			up = append(up, schema.CreateTable{Table: schema.Table{Name: "hits", Columns: []schema.Column{{Name: "migration", Type: schema.Type{Kind: schema.Text}}}}})
		}
		up = append(up,
			schema.CreateTable{Table: schema.Table{Name: fmt.Sprintf("table_%02d", i), Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}}},
			schema.RunSQL{SQL: fmt.Sprintf("INSERT INTO hits (migration) VALUES ('%s')", id)},
			schema.RunGo{Func: func(ctx context.Context, _ *sql.Tx) error {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(10 * time.Millisecond):
					return nil
				}
			}},
		)
		ms = append(ms, runtime.Migration{ID: id, Up: up, NonTransactional: nonTx && i%2 == 0})
	}
	return ms
}

// TestHelperProcess is a racer of
// TestProcessesStartingTogetherApplyEachMigrationExactlyOnce when that test
// runs the test binary again with the environment set; otherwise it does
// nothing.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(envRaceDSN) == "" {
		return
	}
	db, err := sql.Open(os.Getenv(envRaceDriver), os.Getenv(envRaceDSN))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	nanos, err := strconv.ParseInt(os.Getenv(envRaceStart), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(time.Unix(0, nanos)))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mode := os.Getenv(envRaceMode)
	var opts []runtime.Option
	if mode == "lease" {
		opts = append(opts, runtime.WithLease(5*time.Second))
	}
	results, err := newMigrator(raceMigrations(mode == "nontx")...).Up(ctx, db, opts...)
	for _, r := range results {
		fmt.Println(racePrefix + r.ID)
	}
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
}

func TestProcessesStartingTogetherApplyEachMigrationExactlyOnce(t *testing.T) {
	tests := []struct {
		name    string
		engine  engine
		prepare string // run on the database first
		mode    string // envRaceMode
	}{
		{name: "on sqlite", engine: engines[0]},
		{name: "on sqlite in WAL mode", engine: engines[0], prepare: "PRAGMA journal_mode = WAL"},
		{name: "on postgres", engine: engines[1]},
		{name: "on postgres with a lease", engine: engines[1], mode: "lease"},
		{name: "on sqlite with non-transactional migrations", engine: engines[0], mode: "nontx"},
		{name: "on postgres with non-transactional migrations", engine: engines[1], mode: "nontx"},
		{name: "on mysql", engine: engines[2]},
		{name: "on mysql with a lease", engine: engines[2], mode: "lease"},
		{name: "on mysql with non-transactional migrations", engine: engines[2], mode: "nontx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn := tt.engine.dsn(t)
			db := tt.engine.openDSN(t, dsn)
			if tt.prepare != "" {
				if _, err := db.ExecContext(context.Background(), tt.prepare); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now().Add(1500 * time.Millisecond)
			outputs := make([]*bytes.Buffer, racers)
			var cmds []*exec.Cmd
			for i := range racers {
				cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(),
					envRaceDriver+"="+tt.engine.driver,
					envRaceDSN+"="+dsn,
					envRaceStart+"="+strconv.FormatInt(start.UnixNano(), 10),
					envRaceMode+"="+tt.mode)
				outputs[i] = &bytes.Buffer{}
				cmd.Stdout, cmd.Stderr = outputs[i], outputs[i]
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				cmds = append(cmds, cmd)
			}

			appliedBy := map[string][]int{}
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Errorf("racer %d: %v\n%s", i, err, outputs[i])
				}
				sc := bufio.NewScanner(outputs[i])
				for sc.Scan() {
					if id, ok := strings.CutPrefix(sc.Text(), racePrefix); ok {
						appliedBy[id] = append(appliedBy[id], i)
					}
				}
			}
			t.Logf("racer of each migration: %v", appliedBy)

			var want []string
			for _, m := range raceMigrations(false) {
				want = append(want, m.ID)
				if len(appliedBy[m.ID]) != 1 {
					t.Errorf("%s was applied by racers %v, want exactly one", m.ID, appliedBy[m.ID])
				}
			}
			var inLedger []string
			for _, r := range readLedger(t, db, runtime.DefaultLedgerTable) {
				inLedger = append(inLedger, r.ID)
			}
			if diff := cmp.Diff(want, inLedger); diff != "" {
				t.Errorf("ledger differs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, hits(t, db)); diff != "" {
				t.Errorf("rows inserted by the migrations differ (-want +got):\n%s", diff)
			}
		})
	}
}

// hits returns the rows of the table hits, sorted.
func hits(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "SELECT migration FROM hits ORDER BY migration")
	if err != nil {
		t.Fatalf("read hits: %v", err)
	}
	defer func() { _ = rows.Close() }()
	var got []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}
