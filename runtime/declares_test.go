package runtime_test

import (
	"context"
	"testing"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// A hand-written RunSQL that adds a column declares it, and the typed
// operations of later migrations then see that column: SQLite rebuilds the
// table with it when a later migration changes its type, and both engines
// end with the schema the declared operations describe.
func TestLaterMigrationsSeeTheColumnsARunSQLDeclares(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		slug := schema.Column{Name: "slug", Type: schema.Type{Kind: schema.Text, Size: 40}, Nullable: true}
		wide := slug
		wide.Type.Size = 200
		ms := []runtime.Migration{
			{
				ID: "0001_posts",
				Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
					Name:       "posts",
					Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}, {Name: "title", Type: schema.Type{Kind: schema.Text}}},
					PrimaryKey: []string{"id"},
				}}},
				Down: []schema.Operation{schema.DropTable{Name: "posts"}},
			},
			{
				ID: "0002_slug_by_hand",
				Up: []schema.Operation{
					schema.RunSQL{
						Postgres: `ALTER TABLE posts ADD COLUMN slug varchar(40)`,
						SQLite:   `ALTER TABLE posts ADD COLUMN slug varchar(40)`,
						SQL:      `ALTER TABLE posts ADD COLUMN slug varchar(40)`, // MySQL's`
						Declares: []schema.Operation{schema.AddColumn{Table: "posts", Column: slug}},
					},
					schema.RunSQL{SQL: `UPDATE posts SET slug = lower(title)`},
				},
				Down: []schema.Operation{schema.RunSQL{
					SQL:      `ALTER TABLE posts DROP COLUMN slug`,
					Declares: []schema.Operation{schema.DropColumn{Table: "posts", Column: "slug"}},
				}},
			},
			{
				ID:   "0003_wider_slug",
				Up:   []schema.Operation{schema.AlterColumn{Table: "posts", Column: wide}},
				Down: []schema.Operation{schema.AlterColumn{Table: "posts", Column: slug}},
			},
		}
		m := runtime.NewMigrator()
		for _, mig := range ms {
			m.Register(mig)
		}
		if _, err := m.UpTo(ctx, db, "0001_posts"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO posts (id, title) VALUES (1, 'Hello')`); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		e.assertSchema(t, db, ms)
		var got string
		if err := db.QueryRowContext(ctx, `SELECT slug FROM posts WHERE id = 1`).Scan(&got); err != nil || got != "hello" {
			t.Errorf("slug of post 1 = %q (%v), want the backfilled \"hello\"", got, err)
		}
		if _, err := m.Down(ctx, db, 2); err != nil {
			t.Fatal(err)
		}
		e.assertSchema(t, db, ms[:1])
	})
}
