package runtime_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// requestCounter counts the requests pgx sends: queries, BEGIN and COMMIT
// alike.
type requestCounter struct{ n atomic.Int64 }

func (c *requestCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (*requestCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// openCounted opens a fresh PostgreSQL database through pgx with c
// counting its requests.
func openCounted(t *testing.T, c *requestCounter) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(testdb.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Tracer = c
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// statementsAlone returns n migrations of SQL statements alone, three
// each: a table, an index on it and a row in it.
func statementsAlone(n int) []runtime.Migration {
	ms := make([]runtime.Migration, n)
	for i := range ms {
		name := fmt.Sprintf("t%d", i+1)
		ms[i] = runtime.Migration{ID: fmt.Sprintf("%04d_%s", i+1, name), Up: []schema.Operation{
			schema.CreateTable{Table: schema.Table{Name: name, Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Kind: schema.Int64}},
				{Name: "name", Type: schema.Type{Kind: schema.Text}},
			}, PrimaryKey: []string{"id"}}},
			schema.CreateIndex{Table: name, Index: schema.Index{Name: name + "_name", Columns: []string{"name"}}},
			schema.RunSQL{SQL: "INSERT INTO " + name + " (id, name) VALUES (1, 'one')"},
		}}
	}
	return ms
}

// requestsPerMigration applies statementsAlone(1) and statementsAlone(6),
// with opts, each to a new PostgreSQL database, checks what each leaves
// (schema, ledger, rows, no drift at the next start) and returns how
// many requests each migration cost beyond the run's own.
func requestsPerMigration(t *testing.T, opts ...runtime.Option) float64 {
	t.Helper()
	ctx := context.Background()
	e := postgresEngine()
	up := func(n int) int64 {
		var c requestCounter
		db := openCounted(t, &c)
		m := newMigrator(statementsAlone(n)...)
		if results, err := m.Up(ctx, db, opts...); err != nil || len(results) != n {
			t.Fatalf("Up of %d = %v, %v", n, ids(results), err)
		}
		sent := c.n.Load()
		e.assertSchema(t, db, m.Migrations())
		batches := map[string]int{}
		for _, mig := range m.Migrations() {
			batches[mig.ID] = 1
		}
		wantLedger(t, db, m, e.dialect, batches)
		if again, err := m.Up(ctx, db, opts...); err != nil || len(again) != 0 {
			t.Errorf("Up again = %v, %v; want nothing to do and every checksum to match", ids(again), err)
		}
		var rows int
		if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM t%d", n)).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("rows in t%d = %d, %v; want 1", n, rows, err)
		}
		return sent
	}
	one, six := up(1), up(6)
	t.Logf("requests: %d for one migration, %d for six", one, six)
	return float64(six-one) / 5
}

// On PostgreSQL a migration of SQL statements alone travels as one
// request, its ledger row with it: the server runs a text of several
// statements as one transaction.
func TestOnPostgresAMigrationOfStatementsAloneIsOneRequest(t *testing.T) {
	if per := requestsPerMigration(t); per != 1 {
		t.Errorf("%.1f requests a migration, want 1", per)
	}
}

// olderServer is PostgreSQL's dialect on a server older than 13, which
// times a text of several statements as a whole.
type olderServer struct{ postgres.Dialect }

func (olderServer) TimesEachStatement(context.Context, *sql.Conn) (bool, error) { return false, nil }

// On a server older than PostgreSQL 13, where the timeouts a text sets
// would not apply to the statements after them, each migration runs in a
// transaction: BEGIN, a request per statement, the last with the ledger
// row, and COMMIT.
func TestOnAnOlderPostgresEachMigrationRunsInATransaction(t *testing.T) {
	if per := requestsPerMigration(t, runtime.WithDialect(olderServer{})); per != 5 {
		t.Errorf("%.1f requests a migration, want 5", per)
	}
}

// A migration of SQL statements alone whose third statement fails leaves
// nothing of the two before it, and its error names the statement, on
// PostgreSQL too, where the migration first went as one text.
func TestAFailingStatementOfAMigrationOfStatementsAloneIsNamed(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		ms := append(statementsAlone(1), runtime.Migration{ID: "0002_broken", Up: []schema.Operation{
			schema.CreateTable{Table: schema.Table{Name: "audit", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}}},
			schema.RunSQL{SQL: "INSERT INTO t1 (id, name) VALUES (2, 'two')"},
			schema.RunSQL{SQL: "INSERT INTO no_such_table VALUES (1)"},
		}})
		m := newMigrator(ms...)
		results, err := m.Up(ctx, db)
		wantIDs(t, "Up", results, "0001_t1")
		var merr *runtime.MigrationError
		if !errors.As(err, &merr) {
			t.Fatalf("Up: err = %v, want a *MigrationError", err)
		}
		if merr.ID != "0002_broken" || merr.Step != 3 || merr.Statement != "INSERT INTO no_such_table VALUES (1)" {
			t.Errorf("MigrationError = {ID: %q, Step: %d, Statement: %q}, want {0002_broken, 3, INSERT INTO no_such_table VALUES (1)}", merr.ID, merr.Step, merr.Statement)
		}
		if e.ddlCommits {
			return // the CREATE TABLE committed on its own; failure_test.go checks its progress
		}
		e.assertSchema(t, db, ms[:1])
		var rows int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t1").Scan(&rows); err != nil || rows != 1 {
			t.Errorf("rows in t1 = %d, %v; want the failed migration's row rolled back", rows, err)
		}
		wantLedger(t, db, m, e.dialect, map[string]int{"0001_t1": 1})
	})
}

// A migration that went as one text and gave up waiting for a lock has
// had its first try: it is tried LockRetries times more, as any other.
func TestALockTimeoutOfAMigrationSentAsOneTextIsItsFirstTry(t *testing.T) {
	ctx := context.Background()
	e, db, m, ms, release := bioBehindABlocker(t)
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	_, err := m.Up(ctx, db, runtime.WithStepTimeouts(20*time.Millisecond, time.Second), runtime.WithLogger(logger))
	var me *runtime.MigrationError
	switch {
	case !errors.As(err, &me):
		t.Fatalf("Up = %v, want a *MigrationError", err)
	case me.LockTries != runtime.LockRetries+1:
		t.Errorf("LockTries = %d, want %d", me.LockTries, runtime.LockRetries+1)
	case me.Statement == "" || !strings.Contains(me.Blockers, `application "blocker"`):
		t.Errorf("Statement = %q, Blockers = %q; want the statement that waited and the blocker's session (%v)", me.Statement, me.Blockers, err)
	}
	if n := strings.Count(log.String(), "trying the migration again"); n != runtime.LockRetries {
		t.Errorf("%d warnings of a try again, want %d:\n%s", n, runtime.LockRetries, log.String())
	}
	release()
	if results, err := m.Up(ctx, db); err != nil || len(results) != 1 {
		t.Fatalf("Up once the lock is free = %v, %v", ids(results), err)
	}
	e.assertSchema(t, db, ms)
}

// A migration sent as one text that the server refuses runs again the
// ordinary way, to name the failing statement; one whose statement the
// server stopped past its timeout does not, which would hold its locks as
// long again. A sequence, whose values no rollback takes back, counts the
// runs.
func TestAMigrationSentAsOneTextRunsAgainUnlessAStatementTimedOut(t *testing.T) {
	tests := []struct {
		name     string
		last     string
		runs     int64
		sqlState string
		step     int
		message  string
	}{
		{"a refused text runs again", "INSERT INTO no_such_table VALUES (1)", 2, "42P01", 3, "statement 3: INSERT INTO no_such_table VALUES (1)"},
		{"a statement past its timeout does not", "SELECT pg_sleep(2)", 1, "57014", 0, "one of its 3 statements, sent as one text, none of which took effect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e := postgresEngine()
			db := e.open(t)
			mustExec(t, db, "CREATE SEQUENCE runs")
			ms := append(statementsAlone(1), runtime.Migration{ID: "0002_broken", Up: []schema.Operation{
				schema.RunSQL{SQL: "SELECT nextval('runs')"},
				schema.CreateTable{Table: schema.Table{Name: "audit", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}}},
				schema.RunSQL{SQL: tt.last},
			}})
			m := newMigrator(ms...)
			results, err := m.Up(ctx, db, runtime.WithStepTimeouts(time.Second, 300*time.Millisecond))
			wantIDs(t, "Up", results, "0001_t1")
			var me *runtime.MigrationError
			if !errors.As(err, &me) {
				t.Fatalf("Up = %v, want a *MigrationError", err)
			}
			if me.SQLState != tt.sqlState || me.Step != tt.step || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("Up = %v (SQLState %s, Step %d); want SQLState %s, Step %d and %q", err, me.SQLState, me.Step, tt.sqlState, tt.step, tt.message)
			}
			var runs int64
			if err := db.QueryRowContext(ctx, "SELECT last_value FROM runs").Scan(&runs); err != nil || runs != tt.runs {
				t.Errorf("the migration ran %d times (%v), want %d", runs, err, tt.runs)
			}
			e.assertSchema(t, db, ms[:1])
			wantLedger(t, db, m, e.dialect, map[string]int{"0001_t1": 1})
		})
	}
}
