package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func ExampleMigrator_Plan() {
	m := runtime.NewMigrator()
	m.Register(exampleMigration("0001_create_users", "users"))
	db, done := exampleDB()
	defer done()

	// What Up would run, for a review or a change ticket; nothing changes.
	plan, err := m.Plan(context.Background(), db)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range plan {
		fmt.Println("--", p.ID)
		for _, st := range p.Steps {
			fmt.Println(st.SQL + ";")
		}
	}
	// Output:
	// -- 0001_create_users
	// CREATE TABLE "users" (
	//   "id" INTEGER PRIMARY KEY
	// );
}

func ExampleMigrator_Baseline() {
	m := runtime.NewMigrator()
	m.Register(exampleMigration("0001_create_users", "users"), exampleMigration("0002_create_posts", "posts"))
	db, done := exampleDB()
	defer done()
	ctx := context.Background()

	// A database whose users table another tool made: record the first
	// migration without running it, then apply the rest.
	if _, err := db.ExecContext(ctx, `CREATE TABLE users (id INTEGER PRIMARY KEY)`); err != nil {
		log.Fatal(err)
	}
	faked, err := m.Baseline(ctx, db, "0001_create_users")
	if err != nil {
		log.Fatal(err)
	}
	applied, err := m.Up(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("faked:", faked[0].ID, faked[0].Faked)
	fmt.Println("applied:", applied[0].ID)
	// Output:
	// faked: 0001_create_users true
	// applied: 0002_create_posts
}

func ExampleMigration_nonTransactional() {
	m := runtime.NewMigrator()
	m.Register(
		exampleMigration("0001_create_users", "users"),
		runtime.Migration{
			ID: "0002_index_users",
			// PostgreSQL refuses CREATE INDEX CONCURRENTLY in a transaction:
			// the runtime runs it on its own, recording its progress around it.
			Up: []schema.Operation{schema.RunSQL{
				Postgres: `CREATE INDEX CONCURRENTLY users_id_idx ON users (id)`,
				SQLite:   `CREATE INDEX users_id_idx ON users (id)`,
			}},
			Down:             []schema.Operation{schema.RunSQL{SQL: `DROP INDEX users_id_idx`}},
			NonTransactional: true,
		},
	)
	db, done := exampleDB()
	defer done()
	results, err := m.Up(context.Background(), db)
	if err != nil {
		// After a crash during the statement, err is an
		// *runtime.InterruptedError naming it, and Migrator.Resolve
		// records whether it took effect.
		log.Fatal(err)
	}
	fmt.Println(len(results), "applied")
	// Output:
	// 2 applied
}

func ExampleWithLockTimeout() {
	m := runtime.NewMigrator()
	m.Register(exampleMigration("0001_create_users", "users"))
	db, done := exampleDB()
	defer done()

	// Give up after 30 seconds rather than wait for a stuck replica, and
	// let the orchestrator restart this one.
	_, err := m.Up(context.Background(), db, runtime.WithLockTimeout(30*time.Second))
	if errors.Is(err, runtime.ErrLockTimeout) {
		log.Fatal("another replica has been migrating for 30s: ", err)
	}
	fmt.Println(err)
	// Output:
	// <nil>
}

func ExampleMigrationError() {
	m := runtime.NewMigrator()
	m.Register(
		exampleMigration("0001_create_users", "users"),
		runtime.Migration{ID: "0002_seed", Up: []schema.Operation{
			schema.RunSQL{SQL: `INSERT INTO users (id) VALUES (1)`},
			schema.RunSQL{SQL: `INSERT INTO users (id) VALUES (1)`},
		}},
	)
	db, done := exampleDB()
	defer done()

	_, err := m.Up(context.Background(), db)
	var me *runtime.MigrationError
	if errors.As(err, &me) {
		fmt.Println("failed:", me.ID, "statement", me.Step, me.Statement)
		fmt.Println("applied before it:", me.Before)
	}
	// Output:
	// failed: 0002_seed statement 2 INSERT INTO users (id) VALUES (1)
	// applied before it: [0001_create_users]
}

func ExampleMigrator_Fresh() {
	m := runtime.NewMigrator()
	m.Register(exampleMigration("0001_create_users", "users"))
	db, done := exampleDB()
	defer done()
	ctx := context.Background()

	// Refused unless the caller says the database may be wiped.
	_, err := m.Fresh(ctx, db)
	fmt.Println(errors.Is(err, runtime.ErrProduction))
	results, err := m.Fresh(ctx, db, runtime.WithNonProduction())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("applied:", results[0].ID)
	// Output:
	// true
	// applied: 0001_create_users
}
