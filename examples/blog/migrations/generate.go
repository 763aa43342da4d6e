// Package migrations holds this module's database migrations.
//
// strata writes them: edit the model structs, then run
//
//	go generate ./examples/blog/migrations
//
// to add a migration file with the change and update schema_snapshot.go.
// Review both in your pull request. Apply the migrations with
// Migrator.Up(ctx, db) at start-up, or with go run ./examples/blog/cmd/migrate up.
package migrations

import "github.com/strata-go/strata/runtime"

//go:generate go tool strata makemigrations --models ../models --include ../auth/migrations

// Migrator holds this package's migrations, in order; each migration file
// registers itself with it.
var Migrator = runtime.NewMigrator()
