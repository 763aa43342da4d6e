package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

func TestAnInvalidOptionIsRefusedBeforeTheDatabaseIsTouched(t *testing.T) {
	tests := []struct {
		name string
		opts []runtime.Option
	}{
		{"a nil dialect", []runtime.Option{runtime.WithDialect(nil)}},
		{"a dialect given twice", []runtime.Option{runtime.WithDialect(sqlite.Dialect{}), runtime.WithDialect(sqlite.Dialect{})}},
		{"a nil logger", []runtime.Option{runtime.WithLogger(nil)}},
		{"a logger given twice", []runtime.Option{runtime.WithLogger(slog.Default()), runtime.WithLogger(slog.Default())}},
		{"an empty ledger table", []runtime.Option{runtime.WithLedgerTable("")}},
		{"a ledger table with a space", []runtime.Option{runtime.WithLedgerTable("my migrations")}},
		{"a ledger table starting with a digit", []runtime.Option{runtime.WithLedgerTable("1migrations")}},
		{"a ledger table with a quote", []runtime.Option{runtime.WithLedgerTable(`x"; DROP TABLE users; --`)}},
		{"a ledger table longer than 63 bytes", []runtime.Option{runtime.WithLedgerTable(strings.Repeat("m", 64))}},
		{"a ledger table given twice", []runtime.Option{runtime.WithLedgerTable("a"), runtime.WithLedgerTable("b")}},
		{"a nil progress function", []runtime.Option{runtime.WithProgress(nil)}},
		{"a progress function given twice", []runtime.Option{runtime.WithProgress(func(runtime.Result) {}), runtime.WithProgress(func(runtime.Result) {})}},
		{"a nil option", []runtime.Option{nil}},
	}
	ctx := context.Background()
	db := engines[0].open(t)
	m := newMigrator(blog()...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := m.Up(ctx, db, tt.opts...); !errors.Is(err, runtime.ErrInvalidOption) {
				t.Errorf("Up: err = %v, want ErrInvalidOption", err)
			}
			if _, err := m.Down(ctx, db, 1, tt.opts...); !errors.Is(err, runtime.ErrInvalidOption) {
				t.Errorf("Down: err = %v, want ErrInvalidOption", err)
			}
			if _, err := m.Status(ctx, db, tt.opts...); !errors.Is(err, runtime.ErrInvalidOption) {
				t.Errorf("Status: err = %v, want ErrInvalidOption", err)
			}
		})
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("the database holds %d objects (%v), want none", tables, err)
	}
}

func TestWithLedgerTableKeepsTheLedgerInThatTable(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(blog()...)
		own := runtime.WithLedgerTable("app_migrations")
		if _, err := m.Up(ctx, db, own); err != nil {
			t.Fatalf("Up: %v", err)
		}
		if got := len(readLedger(t, db, "app_migrations")); got != 4 {
			t.Errorf("app_migrations has %d rows, want 4", got)
		}
		statuses, err := m.Status(ctx, db, own)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		wantStatus(t, statuses, map[string]int{"0001_create_users": 1, "0002_add_users_bio": 1, "0003_index_users_email": 1, "0004_create_posts": 1})
		statuses, err = m.Status(ctx, db)
		if err != nil {
			t.Fatalf("Status of the default ledger: %v", err)
		}
		wantStatus(t, statuses, map[string]int{"0001_create_users": 0, "0002_add_users_bio": 0, "0003_index_users_email": 0, "0004_create_posts": 0})
	})
}

func TestWithLoggerLogsEachMigrationWithItsDirectionAndDuration(t *testing.T) {
	ctx := context.Background()
	db := engines[0].open(t)
	var buf bytes.Buffer
	log := runtime.WithLogger(slog.New(slog.NewJSONHandler(&buf, nil)))
	m := newMigrator(blog()[:2]...)
	if _, err := m.Up(ctx, db, log); err != nil {
		t.Fatalf("Up: %v", err)
	}
	if _, err := m.Down(ctx, db, 1, runtime.WithLogger(slog.New(slog.NewJSONHandler(&buf, nil)))); err != nil {
		t.Fatalf("Down: %v", err)
	}
	type event struct {
		Msg, ID, Direction string
		Duration           float64 // nanoseconds
	}
	var got []event
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var ev event
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("decode log: %v", err)
		}
		if ev.Duration <= 0 {
			t.Errorf("%s %s: duration %v, want positive", ev.Msg, ev.ID, ev.Duration)
		}
		ev.Duration = 0
		got = append(got, ev)
	}
	want := []event{
		{Msg: "strata: applied migration", ID: "0001_create_users", Direction: "up"},
		{Msg: "strata: applied migration", ID: "0002_add_users_bio", Direction: "up"},
		{Msg: "strata: reverted migration", ID: "0002_add_users_bio", Direction: "down"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log events differ (-want +got):\n%s", diff)
	}
}

func TestWithProgressReportsEachMigrationAsItCommits(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		if e.name == "sqlite" {
			// So that the callback can look from another connection: on a
			// database that holds no migration yet, in rollback-journal
			// mode, the run keeps SQLite's lock, and others out, until it
			// ends.
			if _, err := db.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
				t.Fatal(err)
			}
		}
		failing := runtime.Migration{ID: "0005_fails", Up: []schema.Operation{schema.RunSQL{SQL: "INSERT INTO no_such_table VALUES (1)"}}}
		m := newMigrator(append(blog()[:2], failing)...)
		var reported []string
		progress := runtime.WithProgress(func(res runtime.Result) {
			// Reported once committed: the ledger holds it already.
			var n int
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM strata_migrations WHERE id = '"+res.ID+"'").Scan(&n); err != nil || n != 1 {
				t.Errorf("when %s was reported, the ledger held it %d times (%v), want once", res.ID, n, err)
			}
			reported = append(reported, res.ID)
		})
		results, err := m.Up(ctx, db, progress)
		if err == nil {
			t.Fatal("Up succeeded, want the failure of 0005_fails")
		}
		want := []string{"0001_create_users", "0002_add_users_bio"}
		if diff := cmp.Diff(want, reported); diff != "" {
			t.Errorf("reported migrations differ (-want +got):\n%s", diff)
		}
		if len(results) != len(reported) {
			t.Errorf("Up returned %d results with its error, want the %d reported", len(results), len(reported))
		}
	})
}
