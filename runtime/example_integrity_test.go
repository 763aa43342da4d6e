package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// exampleMigration is a migration creating table name.
func exampleMigration(id, name string) runtime.Migration {
	return runtime.Migration{
		ID: id,
		Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name:       name,
			Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true}},
			PrimaryKey: []string{"id"},
		}}},
		Down: []schema.Operation{schema.DropTable{Name: name}},
	}
}

// exampleDB opens a new SQLite database, removed by the returned function.
func exampleDB() (*sql.DB, func()) {
	dir, err := os.MkdirTemp("", "strata-example")
	if err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	return db, func() { _ = db.Close(); _ = os.RemoveAll(dir) }
}

func ExampleMigrator_Pending() {
	m := runtime.NewMigrator()
	m.Register(exampleMigration("0001_create_users", "users"), exampleMigration("0002_create_posts", "posts"))
	db, done := exampleDB()
	defer done()

	// A readiness probe: one query, no lock, nothing created.
	ctx := context.Background()
	pending, err := m.Pending(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("before Up:", pending)
	if _, err := m.Up(ctx, db); err != nil {
		log.Fatal(err)
	}
	pending, err = m.Pending(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after Up:", len(pending), "pending")
	// Output:
	// before Up: [0001_create_users 0002_create_posts]
	// after Up: 0 pending
}

func ExampleDriftError() {
	db, done := exampleDB()
	defer done()
	ctx := context.Background()
	v1 := runtime.NewMigrator()
	v1.Register(exampleMigration("0001_create_users", "users"), exampleMigration("0003_create_posts", "posts"))
	if _, err := v1.Up(ctx, db); err != nil {
		log.Fatal(err)
	}

	// A later build gained a migration that sorts before an applied one.
	v2 := runtime.NewMigrator()
	v2.Register(v1.Migrations()...)
	v2.Register(exampleMigration("0002_create_tags", "tags"))
	statuses, err := v2.Status(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	for _, st := range statuses {
		fmt.Println(st.State.Marker(), st.ID)
	}
	_, err = v2.Up(ctx, db)
	var drift *runtime.DriftError
	if errors.As(err, &drift) {
		for _, d := range drift.Drift {
			fmt.Println("refused:", d.ID, d.State)
		}
	}
	results, err := v2.Up(ctx, db, runtime.WithAllowDrift())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("applied with WithAllowDrift:", results[0].ID)
	// Output:
	// [X] 0001_create_users
	// [?] 0002_create_tags
	// [X] 0003_create_posts
	// refused: 0002_create_tags out_of_order
	// applied with WithAllowDrift: 0002_create_tags
}
