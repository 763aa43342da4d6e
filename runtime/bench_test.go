package runtime_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// chain returns n migrations, each creating a table that references the
// one before, as a long-lived app accumulates them.
func chain(n int) *runtime.Migrator {
	m := runtime.NewMigrator()
	for i := range n {
		t := schema.Table{
			Name:       fmt.Sprintf("t%03d", i),
			Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true}},
			PrimaryKey: []string{"id"},
		}
		if i > 0 {
			t.Columns = append(t.Columns, schema.Column{Name: "prev_id", Type: schema.Type{Kind: schema.Int64}, Nullable: true})
			t.ForeignKeys = []schema.ForeignKey{{Name: t.Name + "_prev_id_fkey", Columns: []string{"prev_id"}, RefTable: fmt.Sprintf("t%03d", i-1), RefColumns: []string{"id"}}}
		}
		m.Register(runtime.Migration{
			ID:   fmt.Sprintf("%04d_create_%s", i+1, t.Name),
			Up:   []schema.Operation{schema.CreateTable{Table: t}},
			Down: []schema.Operation{schema.DropTable{Name: t.Name}},
		})
	}
	return m
}

// BenchmarkUpFiftyMigrations applies 50 migrations to a fresh database:
// an app's first start against an empty database.
func BenchmarkUpFiftyMigrations(b *testing.B) {
	m := chain(50)
	for name, open := range map[string]func(testing.TB) *sql.DB{"sqlite": testdb.SQLite, "postgres": testdb.Postgres} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := open(b)
				b.StartTimer()
				if _, err := m.Up(context.Background(), db); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpNothingPending is what every start-up of a migrated app pays.
func BenchmarkUpNothingPending(b *testing.B) {
	m := chain(50)
	for name, open := range map[string]func(testing.TB) *sql.DB{"sqlite": testdb.SQLite, "postgres": testdb.Postgres} {
		b.Run(name, func(b *testing.B) {
			db := open(b)
			if _, err := m.Up(context.Background(), db); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := m.Up(context.Background(), db); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
