package runtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func TestATableNamedAsLongAsPostgreSQLAllowsGetsAShortenedPrimaryKey(t *testing.T) {
	long := strings.Repeat("t", 63)
	longer := strings.Repeat("u", 62)
	ms := []runtime.Migration{
		{
			ID: "0001_create_long",
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name:       long,
				Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}},
				PrimaryKey: []string{"id"},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: long}},
		},
		{
			ID:   "0002_rename_long",
			Up:   []schema.Operation{schema.RenameTable{From: long, To: longer}},
			Down: []schema.Operation{schema.RenameTable{From: longer, To: long}},
		},
	}
	if pk := schema.DerivedName(long, nil, "pkey"); len(pk) != schema.MaxNameLen || pk == long {
		t.Fatalf("the primary key of %s is named %s", long, pk)
	}
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(ms...)
		if _, err := m.UpTo(ctx, db, "0001_create_long"); err != nil {
			t.Fatalf("Up: %v", err)
		}
		e.assertSchema(t, db, ms[:1])
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatalf("Up the rename: %v", err)
		}
		e.assertSchema(t, db, ms)
		if _, err := m.Down(ctx, db, 2); err != nil {
			t.Fatalf("Down: %v", err)
		}
	})
}
