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
		ID:        "0001_initial",
		DependsOn: []string{"auth/0001_initial"},
		Up: []schema.Operation{
			schema.CreateEnum{
				Enum: schema.Enum{Name: "role", Values: []string{"reader", "author", "admin"}},
			},
			schema.CreateTable{
				Table: schema.Table{
					Name: "posts",
					Columns: []schema.Column{
						{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
						{Name: "author_id", Type: schema.Type{Kind: schema.Int64}},
						{Name: "title", Type: schema.Type{Kind: schema.Text, Size: 200}},
						{Name: "slug", Type: schema.Type{Kind: schema.Text}},
						{Name: "body", Type: schema.Type{Kind: schema.Text}, Default: "''"},
						{Name: "meta", Type: schema.Type{Kind: schema.JSON}, Nullable: true},
						{Name: "published_at", Type: schema.Type{Kind: schema.Timestamp}, Nullable: true},
						{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP"},
						{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
					},
					PrimaryKey: []string{"id"},
					Indexes: []schema.Index{
						{Name: "posts_author_published", Columns: []string{"author_id", "published_at"}},
					},
					Uniques: []schema.Unique{
						{Name: "posts_slug_key", Columns: []string{"slug"}},
					},
					ForeignKeys: []schema.ForeignKey{
						{Name: "posts_author_id_fkey", Columns: []string{"author_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
					},
				},
			},
			schema.CreateTable{
				Table: schema.Table{
					Name: "comments",
					Columns: []schema.Column{
						{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
						{Name: "post_id", Type: schema.Type{Kind: schema.Int64}},
						{Name: "author_id", Type: schema.Type{Kind: schema.Int64}, Nullable: true},
						{Name: "body", Type: schema.Type{Kind: schema.Text}},
						{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP"},
						{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
					},
					PrimaryKey: []string{"id"},
					Indexes: []schema.Index{
						{Name: "comments_author_id_idx", Columns: []string{"author_id"}},
						{Name: "comments_post_id_idx", Columns: []string{"post_id"}},
					},
					ForeignKeys: []schema.ForeignKey{
						{Name: "comments_author_id_fkey", Columns: []string{"author_id"}, RefTable: "users", RefColumns: []string{"id"}, OnDelete: schema.SetNull},
						{Name: "comments_post_id_fkey", Columns: []string{"post_id"}, RefTable: "posts", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
					},
				},
			},
			schema.CreateTable{
				Table: schema.Table{
					Name: "tags",
					Columns: []schema.Column{
						{Name: "id", Type: schema.Type{Kind: schema.Int32}, Identity: true},
						{Name: "name", Type: schema.Type{Kind: schema.Text, Size: 64}},
					},
					PrimaryKey: []string{"id"},
					Uniques: []schema.Unique{
						{Name: "tags_name_key", Columns: []string{"name"}},
					},
				},
			},
			schema.CreateTable{
				Table: schema.Table{
					Name: "post_tags",
					Columns: []schema.Column{
						{Name: "post_id", Type: schema.Type{Kind: schema.Int64}},
						{Name: "tag_id", Type: schema.Type{Kind: schema.Int32}},
					},
					PrimaryKey: []string{"post_id", "tag_id"},
					Indexes: []schema.Index{
						{Name: "post_tags_tag_id_idx", Columns: []string{"tag_id"}},
					},
					ForeignKeys: []schema.ForeignKey{
						{Name: "post_tags_post_id_fkey", Columns: []string{"post_id"}, RefTable: "posts", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
						{Name: "post_tags_tag_id_fkey", Columns: []string{"tag_id"}, RefTable: "tags", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
					},
				},
			},
			schema.AddColumn{
				Table:  "users",
				Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true},
			},
			schema.AddColumn{
				Table:  "users",
				Column: schema.Column{Name: "role", Type: schema.Type{Kind: schema.EnumKind, Enum: "role"}, Default: "'reader'"},
			},
		},
		Down: []schema.Operation{
			schema.DropColumn{
				Table:  "users",
				Column: "role",
			},
			schema.DropColumn{
				Table:  "users",
				Column: "bio",
			},
			schema.DropTable{
				Name: "post_tags",
			},
			schema.DropTable{
				Name: "tags",
			},
			schema.DropTable{
				Name: "comments",
			},
			schema.DropTable{
				Name: "posts",
			},
			schema.DropEnum{
				Name: "role",
			},
		},
	})
}
