// Migration 0001_initial, written by strata makemigrations.
//
// Review it before you commit it. You may add hand-written steps to Up and Down
// (schema.RunSQL, schema.RunGo); strata does not rewrite this file.

package migrations

import (
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func init() {
	Migrator.Register(runtime.Migration{
		ID: "0001_initial",
		Up: []schema.Operation{
			schema.CreateTable{
				Table: schema.Table{
					Name: "users",
					Columns: []schema.Column{
						{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
						{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}},
						{Name: "name", Type: schema.Type{Kind: schema.Text, Size: 100}},
						{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP"},
						{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
					},
					PrimaryKey: []string{"id"},
					Uniques: []schema.Unique{
						{Name: "users_email_key", Columns: []string{"email"}},
					},
				},
			},
			schema.CreateTable{
				Table: schema.Table{
					Name: "sessions",
					Columns: []schema.Column{
						{Name: "token", Type: schema.Type{Kind: schema.Text, Size: 64}},
						{Name: "user_id", Type: schema.Type{Kind: schema.Int64}},
						{Name: "expires_at", Type: schema.Type{Kind: schema.Timestamp}},
					},
					PrimaryKey: []string{"token"},
					Indexes: []schema.Index{
						{Name: "sessions_user_id_idx", Columns: []string{"user_id"}},
					},
					ForeignKeys: []schema.ForeignKey{
						{Name: "sessions_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
					},
				},
			},
		},
		Down: []schema.Operation{
			schema.DropTable{
				Name: "sessions",
			},
			schema.DropTable{
				Name: "users",
			},
		},
	})
}
