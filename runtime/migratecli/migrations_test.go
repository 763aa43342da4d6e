package migratecli

import (
	"context"
	"database/sql"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// testMigrations are the migrations the tests apply: a table, a column, an
// index, and a hand-written step in Go and SQL.
func testMigrations() []runtime.Migration {
	return []runtime.Migration{
		{
			ID: "0001_create_users",
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "users",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}},
					{Name: "name", Type: schema.Type{Kind: schema.Text}, Nullable: true},
				},
				PrimaryKey: []string{"id"},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: "users"}},
		},
		{
			ID: "0002_add_users_bio",
			Up: []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{
				Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true,
			}}},
			Down: []schema.Operation{schema.DropColumn{Table: "users", Column: "bio"}},
		},
		{
			ID: "0003_index_users_email",
			Up: []schema.Operation{schema.CreateIndex{Table: "users", Index: schema.Index{
				Name: "users_email_idx", Columns: []string{"email"}, Unique: true,
			}}},
			Down: []schema.Operation{schema.DropIndex{Table: "users", Name: "users_email_idx"}},
		},
		{
			ID: "0004_backfill_users",
			Up: []schema.Operation{
				schema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, "UPDATE users SET bio = '' WHERE bio IS NULL")
					return err
				}},
				schema.RunSQL{SQL: "UPDATE users SET name = email WHERE name IS NULL"},
			},
		},
	}
}

// newTestMigrator returns a Migrator holding [testMigrations].
func newTestMigrator() *runtime.Migrator {
	m := runtime.NewMigrator()
	m.Register(testMigrations()...)
	return m
}
