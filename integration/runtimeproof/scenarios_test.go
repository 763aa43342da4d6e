package runtimeproof

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// The scenarios a replica can run, by the name envScenario gives.
const (
	scenarioFifty = "fifty"
	scenarioCrash = "crash"
)

// scenarios maps a scenario's name to the function that builds its
// migrations. A replica and the test that checks its work build them alike.
var scenarios = map[string]func() []runtime.Migration{
	scenarioFifty:  fiftyTables,
	scenarioCrash:  crashMigrations,
	scenarioLogged: func() []runtime.Migration { ms, _ := loggedScenario(); return ms },

	scenarioConcurrentIndex: concurrentIndexMigrations,
	scenarioSignalledIndex:  signalledIndexMigrations,
	scenarioLongTx:          longTxMigrations,
	scenarioNewerBuild:      func() []runtime.Migration { return fiftyTables()[:newerBuildCount] },
	scenarioOlderBuild:      func() []runtime.Migration { return fiftyTables()[:olderBuildCount] },
}

// fiftyCount is how many migrations the scenario fifty has.
const fiftyCount = 50

// fiftyTableName returns the name of the table the i-th migration of the
// scenario fifty creates, counting from 0.
func fiftyTableName(i int) string { return fmt.Sprintf("t%03d", i) }

// fiftyTables returns the scenario fifty: 50 migrations, each creating a
// table whose foreign key references the table before it, as a
// long-lived app accumulates them.
func fiftyTables() []runtime.Migration {
	ms := make([]runtime.Migration, fiftyCount)
	for i := range ms {
		t := schema.Table{
			Name:       fiftyTableName(i),
			Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true}},
			PrimaryKey: []string{"id"},
		}
		if i > 0 {
			t.Columns = append(t.Columns, schema.Column{Name: "prev_id", Type: schema.Type{Kind: schema.Int64}, Nullable: true})
			t.ForeignKeys = []schema.ForeignKey{{
				Name: t.Name + "_prev_id_fkey", Columns: []string{"prev_id"},
				RefTable: fiftyTableName(i - 1), RefColumns: []string{"id"},
			}}
		}
		ms[i] = runtime.Migration{
			ID:   fmt.Sprintf("%04d_create_%s", i+1, t.Name),
			Up:   []schema.Operation{schema.CreateTable{Table: t}},
			Down: []schema.Operation{schema.DropTable{Name: t.Name}},
		}
	}
	return ms
}

// The crash scenario: a small migration, then a long one that creates the
// table big, fills it with crashInserts statements of crashRowsPerInsert
// rows each and indexes it.
const (
	crashSmallID       = "0001_create_notes"
	crashLongID        = "0002_fill_big"
	crashTable         = "big"
	crashIndex         = "big_n_idx"
	crashInserts       = 25
	crashRowsPerInsert = 4000
	crashRows          = crashInserts * crashRowsPerInsert
)

// crashMigrations returns the crash scenario. The long migration first
// writes lineLongStarted to progress, from inside its transaction, so that
// a test can tell a replica killed during it from one killed before.
func crashMigrations() []runtime.Migration {
	long := []schema.Operation{
		schema.RunGo{Func: func(context.Context, *sql.Tx) error {
			_, err := fmt.Fprintln(progress, lineLongStarted)
			return err
		}},
		schema.CreateTable{Table: schema.Table{
			Name: crashTable,
			Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
				{Name: "n", Type: schema.Type{Kind: schema.Int64}},
				{Name: "label", Type: schema.Type{Kind: schema.Text}},
			},
			PrimaryKey: []string{"id"},
		}},
	}
	for k := range crashInserts {
		from, to := k*crashRowsPerInsert+1, (k+1)*crashRowsPerInsert
		long = append(long, schema.RunSQL{
			Postgres: fmt.Sprintf("INSERT INTO %s (n, label) SELECT g, 'row ' || g FROM generate_series(%d, %d) AS g",
				crashTable, from, to),
			SQLite: fmt.Sprintf("INSERT INTO %s (n, label) WITH RECURSIVE s(x) AS (SELECT %d UNION ALL SELECT x + 1 FROM s WHERE x < %d) SELECT x, 'row ' || x || ' ' || hex(zeroblob(48)) FROM s",
				crashTable, from, to),
		})
	}
	long = append(long, schema.CreateIndex{Table: crashTable, Index: schema.Index{Name: crashIndex, Columns: []string{"n"}}})
	return []runtime.Migration{
		{
			ID: crashSmallID,
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "notes",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "body", Type: schema.Type{Kind: schema.Text}},
				},
				PrimaryKey: []string{"id"},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: "notes"}},
		},
		{ID: crashLongID, Up: long, Down: []schema.Operation{schema.DropTable{Name: crashTable}}},
	}
}
