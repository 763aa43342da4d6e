package runtime_test

import (
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// blog returns the migrations of a small blog: users, their bio, an index
// on their e-mail, and posts.
func blog() []runtime.Migration {
	return []runtime.Migration{
		{
			ID: "0001_create_users",
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "users",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}},
				},
				PrimaryKey: []string{"id"},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: "users"}},
		},
		{
			ID:   "0002_add_users_bio",
			Up:   []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true}}},
			Down: []schema.Operation{schema.DropColumn{Table: "users", Column: "bio"}},
		},
		{
			ID:   "0003_index_users_email",
			Up:   []schema.Operation{schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_idx", Columns: []string{"email"}}}},
			Down: []schema.Operation{schema.DropIndex{Table: "users", Name: "users_email_idx"}},
		},
		{
			ID: "0004_create_posts",
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "posts",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "user_id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "title", Type: schema.Type{Kind: schema.Text}, Default: "''"},
				},
				PrimaryKey: []string{"id"},
				ForeignKeys: []schema.ForeignKey{{
					Name: "posts_user_id_fkey", Columns: []string{"user_id"},
					RefTable: "users", RefColumns: []string{"id"}, OnDelete: schema.Cascade,
				}},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: "posts"}},
		},
	}
}
