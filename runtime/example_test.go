package runtime_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func ExampleMigrator_Up() {
	// A generated migrations package builds its Migrator this way, one
	// Register call per migration file.
	m := runtime.NewMigrator()
	m.Register(runtime.Migration{
		ID: "0001_create_users",
		Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "users",
			Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
				{Name: "email", Type: schema.Type{Kind: schema.Text}},
			},
			PrimaryKey: []string{"id"},
		}}},
		Down: []schema.Operation{schema.DropTable{Name: "users"}},
	}, runtime.Migration{
		ID:   "0002_add_users_bio",
		Up:   []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true}}},
		Down: []schema.Operation{schema.DropColumn{Table: "users", Column: "bio"}},
	})

	dir, err := os.MkdirTemp("", "strata-example")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	db, err := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = db.Close() }()

	// The dialect comes from the driver: modernc.org/sqlite is SQLite.
	ctx := context.Background()
	results, err := m.Up(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Println("applied", r.ID)
	}
	results, err = m.Up(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("applied on the second run:", len(results))
	// Output:
	// applied 0001_create_users
	// applied 0002_add_users_bio
	// applied on the second run: 0
}

// An app that uses a pgx pool hands it to Up as a *sql.DB.
func ExampleMigrator_Up_pgxPool() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	db := stdlib.OpenDBFromPool(pool)
	defer func() { _ = db.Close() }()

	m := runtime.NewMigrator() // in an app: the generated migrations package's Migrator
	if _, err := m.Up(ctx, db); err != nil {
		log.Fatal(err)
	}
}
