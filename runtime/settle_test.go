package runtime_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// TestAnInterruptedDDLStatementIsSettledFromTheLiveSchema leaves, on each
// engine whose DDL commits on its own (MySQL), what a run killed during a
// DDL statement leaves: the statements before it took effect, it was
// marked running, and it took effect or not. The next Up reads the live
// schema, tells which, and finishes the migration without asking anyone;
// when the table matches neither the schema before the statement nor the
// one after it, Up stops with an InterruptedError instead.
func TestAnInterruptedDDLStatementIsSettledFromTheLiveSchema(t *testing.T) {
	bigint := schema.Type{Kind: schema.Int64}
	tags := runtime.Migration{
		ID: "0002_tags",
		Up: []schema.Operation{
			schema.CreateTable{Table: schema.Table{Name: "tags", Columns: []schema.Column{{Name: "id", Type: bigint}}, PrimaryKey: []string{"id"}}},
			schema.AddColumn{Table: "tags", Column: schema.Column{Name: "label", Type: schema.Type{Kind: schema.Text, Size: 40}, Nullable: true}},
			schema.CreateIndex{Table: "tags", Index: schema.Index{Name: "tags_label_idx", Columns: []string{"label"}}},
		},
		Down: []schema.Operation{schema.DropTable{Name: "tags"}},
	}
	for _, e := range engines {
		if !e.ddlCommits {
			continue // a migration there is one transaction: no DDL statement is left running
		}
		t.Run("on "+e.name, func(t *testing.T) {
			for _, tt := range []struct {
				name string
				// running is the statement, from 0, marked running; byHand
				// are the statements run, of those from it on.
				running int
				byHand  []int
				settled bool
			}{
				{name: "the ADD COLUMN took effect", running: 1, byHand: []int{1}, settled: true},
				{name: "the ADD COLUMN did not", running: 1, settled: true},
				{name: "the CREATE TABLE took effect", running: 0, byHand: []int{0}, settled: true},
				{name: "the CREATE TABLE did not", running: 0, settled: true},
				{name: "the table matches neither: someone indexed it by hand", running: 1, byHand: []int{1, 2}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					ctx := context.Background()
					db := e.open(t)
					m := newMigrator(blog()[0], tags)
					if _, err := m.UpTo(ctx, db, "0001_create_users"); err != nil {
						t.Fatal(err)
					}
					steps, err := m.SQL(tags.ID, e.dialect, false)
					if err != nil {
						t.Fatal(err)
					}
					for _, st := range steps[:tt.running] {
						mustExec(t, db, st.SQL)
					}
					for _, k := range tt.byHand {
						mustExec(t, db, steps[k].SQL)
					}
					mustExec(t, db, "INSERT INTO strata_migrations_progress (id, direction, done, running, checksum, batch) VALUES ('0002_tags', 'up', "+
						strconv.Itoa(tt.running)+", 1, '"+stepsChecksum("", steps[:tt.running])+"', 2)")

					results, err := m.Up(ctx, db)
					if !tt.settled {
						var ie *runtime.InterruptedError
						if !errors.As(err, &ie) || ie.Step != tt.running+1 {
							t.Fatalf("Up = %v, %v; want an InterruptedError at statement %d", ids(results), err, tt.running+1)
						}
						wantProgress(t, m, db, tags.ID, &runtime.Progress{Done: tt.running, Interrupted: true})
						return
					}
					if err != nil {
						t.Fatalf("Up: %v", err)
					}
					wantIDs(t, "Up", results, "0002_tags")
					e.assertSchema(t, db, m.Migrations())
					wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_users": 1, "0002_tags": 2})
				})
			}
		})
	}
}
