// Command migrate applies this module's database migrations.
//
//	go run ./examples/blog/cmd/migrate up --db postgres://user@host/db
//	go run ./examples/blog/cmd/migrate status --db sqlite:app.db
//
// --db defaults to $DATABASE_URL. Run go run ./examples/blog/cmd/migrate --help for every
// command.
package main

import (
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL; remove it if you do not use PostgreSQL
	_ "modernc.org/sqlite"             // SQLite; remove it if you do not use SQLite

	"github.com/strata-go/strata/runtime/migratecli"

	"github.com/strata-go/strata/examples/blog/migrations"
)

func main() { migratecli.Main(migrations.Migrator) }
