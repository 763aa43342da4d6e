package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

var errGoStep = errors.New("the Go step gives up")

func TestAFailingMigrationLeavesNoTraceAndKeepsTheOnesBeforeIt(t *testing.T) {
	tests := []struct {
		name          string
		failing       schema.Operation
		wantStatement string
		wantErr       error  // wrapped by the MigrationError, when set
		wantMessage   string // in the error's text
	}{
		{
			name:          "a statement that fails is named with its migration",
			failing:       schema.RunSQL{SQL: "INSERT INTO no_such_table VALUES (1)"},
			wantStatement: "INSERT INTO no_such_table VALUES (1)",
			wantMessage:   "runtime: migration 0002_broken (up): statement 3: INSERT INTO no_such_table VALUES (1): ",
		},
		{
			name:        "a Go step that fails is named with its migration",
			failing:     schema.RunGo{Func: func(context.Context, *sql.Tx) error { return errGoStep }},
			wantErr:     errGoStep,
			wantMessage: "runtime: migration 0002_broken (up): operation 3 (run Go): the Go step gives up",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			onEachEngine(t, func(t *testing.T, e engine) {
				ctx := context.Background()
				db := e.open(t)
				ms := []runtime.Migration{
					blog()[0],
					{ID: "0002_broken", Up: []schema.Operation{
						schema.CreateTable{Table: schema.Table{Name: "audit", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}}},
						schema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error {
							_, err := tx.ExecContext(ctx, "INSERT INTO users (email) VALUES ('go@example.com')")
							return err
						}},
						tt.failing,
					}},
					{ID: "0003_never", Up: []schema.Operation{schema.CreateTable{Table: schema.Table{Name: "later", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}}}}},
				}
				m := newMigrator(ms...)

				results, err := m.Up(ctx, db)
				wantIDs(t, "Up", results, "0001_create_users")
				var merr *runtime.MigrationError
				if !errors.As(err, &merr) {
					t.Fatalf("Up: err = %v, want a *MigrationError", err)
				}
				if merr.ID != "0002_broken" || merr.Down || merr.Statement != tt.wantStatement {
					t.Errorf("MigrationError = {ID: %q, Down: %v, Statement: %q}, want {ID: 0002_broken, Down: false, Statement: %q}", merr.ID, merr.Down, merr.Statement, tt.wantStatement)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("Up: err = %v, want it to wrap %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantMessage) {
					t.Errorf("Up: err = %q, want it to contain %q", err, tt.wantMessage)
				}

				if e.ddlCommits {
					// MySQL committed the CREATE TABLE audit on its own; the
					// progress row says that this first statement took
					// effect, and the next run resumes after it.
					e.assertSchema(t, db, append(ms[:1:1], runtime.Migration{ID: "0002_first_statement", Up: ms[1].Up[:1]}))
					wantProgress(t, m, db, "0002_broken", &runtime.Progress{Done: 1})
				} else {
					e.assertSchema(t, db, ms[:1]) // neither audit nor later
				}
				wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1})
				var users int
				if err := db.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&users); err != nil || users != 0 {
					t.Errorf("users = %d, %v; want the Go step's row rolled back", users, err)
				}
				if e.ddlCommits {
					return // its progress is checked above
				}
				statuses, err := m.Status(ctx, db)
				if err != nil {
					t.Fatalf("Status: %v", err)
				}
				wantStatus(t, statuses, map[string]int{"0001_create_users": 1, "0002_broken": 0, "0003_never": 0})
			})
		})
	}
}

func TestAMigrationErrorShowsALongStatementOnOneShortLine(t *testing.T) {
	statement := "INSERT INTO t\n  VALUES (" + strings.Repeat("1, ", 100) + "1)"
	err := &runtime.MigrationError{ID: "0007_seed", Down: true, Statement: statement, Err: errors.New("boom")}
	got := err.Error()
	want := "runtime: migration 0007_seed (down): statement INSERT INTO t VALUES (" + strings.Repeat("1, ", 60)[:200-len("INSERT INTO t VALUES (")] + "…: boom"
	if got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	if !errors.Is(err, err.Err) {
		t.Errorf("a MigrationError does not unwrap to its Err")
	}
}

func TestAPostgreSQLErrorKeepsItsDetailAndHint(t *testing.T) {
	tests := []struct {
		name               string
		statement          string
		wantDetail, inText string
		wantHint           string
	}{
		{
			name:       "a unique index over duplicates says which key is duplicated",
			statement:  "CREATE UNIQUE INDEX users_name_key ON users (email)",
			wantDetail: "Key (email)=(twice@example.com) is duplicated.",
			inText:     "could not create unique index",
		},
		{
			name:      "a call of no function says what to try",
			statement: "SELECT no_such_function(1)",
			wantHint:  "You might need to add explicit type casts.",
			inText:    "function no_such_function(integer) does not exist",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := engines[1].open(t)
			m := newMigrator(blog()[0], runtime.Migration{ID: "0002_fails", Up: []schema.Operation{
				schema.RunSQL{SQL: "INSERT INTO users (email) VALUES ('twice@example.com'), ('twice@example.com')"},
				schema.RunSQL{SQL: tt.statement},
			}})
			_, err := m.Up(ctx, db)
			var merr *runtime.MigrationError
			if !errors.As(err, &merr) {
				t.Fatalf("Up: err = %v, want a *MigrationError", err)
			}
			if !strings.Contains(merr.Detail(), tt.wantDetail) || !strings.Contains(merr.Hint(), tt.wantHint) {
				t.Errorf("Detail() = %q, Hint() = %q; want them to hold %q and %q", merr.Detail(), merr.Hint(), tt.wantDetail, tt.wantHint)
			}
			for _, want := range []string{tt.inText, tt.wantDetail, tt.wantHint} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}
