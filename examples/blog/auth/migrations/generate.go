// Package migrations holds the migrations of the blog's auth package, as
// the set "auth": the blog's Migrator includes it (see
// ../../migrations/sets.go), and the ledger records them as auth/ID.
//
// strata writes them: edit the model structs, then run
//
//	go generate ./examples/blog/auth/migrations
package migrations

import "github.com/strata-go/strata/runtime"

//go:generate go tool strata makemigrations --models ../models

// Migrator holds this package's migrations, in order, as the set "auth";
// each migration file registers itself with it.
var Migrator = runtime.NewSet("auth")

// Set is Migrator, by the name the blog includes it with.
var Set = Migrator
