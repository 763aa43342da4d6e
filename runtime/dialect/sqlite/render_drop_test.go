package sqlite_test

import (
	"testing"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/schema"
)

// Tables that reference each other and hold rows that do too can be dropped
// in one migration with foreign keys enforced: no order of DROP TABLE works
// for a cycle, so the checks wait for the commit.
func TestDroppingACycleOfTablesWithRowsSucceeds(t *testing.T) {
	db := testdb.SQLite(t) // foreign keys on
	id := schema.Column{Name: "id", Type: bigint}
	ref := func(name string) schema.Column { return schema.Column{Name: name, Type: bigint, Nullable: true} }
	fk := func(table, col, ref string) schema.ForeignKey {
		return schema.ForeignKey{Name: table + "_" + col + "_fkey", Columns: []string{col}, RefTable: ref, RefColumns: []string{"id"}}
	}
	created := migrate(t, db, []schema.Operation{
		schema.CreateTable{Table: schema.Table{Name: "teams", Columns: []schema.Column{id, ref("captain_id")}, PrimaryKey: []string{"id"}}},
		schema.CreateTable{Table: schema.Table{Name: "people", Columns: []schema.Column{id, ref("team_id")}, PrimaryKey: []string{"id"},
			ForeignKeys: []schema.ForeignKey{fk("people", "team_id", "teams")}}},
		schema.AddForeignKey{Table: "teams", ForeignKey: fk("teams", "captain_id", "people")},
	})
	if err := exec(db,
		"INSERT INTO teams (id) VALUES (1)",
		"INSERT INTO people (id, team_id) VALUES (1, 1)",
		"UPDATE teams SET captain_id = 1 WHERE id = 1",
	); err != nil {
		t.Fatal(err)
	}
	run(t, db, render(t, created, []schema.Operation{
		schema.DropForeignKey{Table: "teams", Name: "teams_captain_id_fkey"},
		schema.DropTable{Name: "people"},
		schema.DropTable{Name: "teams"},
	}))
	assertLive(t, db, &schema.Schema{})
}
