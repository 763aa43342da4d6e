package runtime

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/mysql"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
)

// driverDialects maps the Go package of a database/sql driver to the name of
// its dialect.
var driverDialects = map[string]string{
	"github.com/jackc/pgx/v5/stdlib": "postgres",
	"github.com/lib/pq":              "postgres",
	"modernc.org/sqlite":             "sqlite",
	"github.com/mattn/go-sqlite3":    "sqlite",
	"github.com/go-sql-driver/mysql": "mysql",
}

// DialectFor returns the dialect of the database db talks to, worked out
// from the Go package of its driver, without importing it:
// github.com/jackc/pgx/v5/stdlib (including databases opened with
// stdlib.OpenDBFromPool) and github.com/lib/pq are PostgreSQL;
// modernc.org/sqlite and github.com/mattn/go-sqlite3 are SQLite;
// github.com/go-sql-driver/mysql is MySQL or MariaDB. For any
// other driver, such as one wrapped for tracing, it returns an error
// wrapping [ErrNoDialect]: pass the dialect with [WithDialect].
func DialectFor(db *sql.DB) (dialect.Dialect, error) {
	if db == nil {
		return nil, errors.New("runtime: the *sql.DB is nil")
	}
	t := reflect.TypeOf(db.Driver())
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return nil, fmt.Errorf("runtime: %w for a nil database driver", ErrNoDialect)
	}
	name, ok := driverDialects[t.PkgPath()]
	if !ok {
		return nil, fmt.Errorf("runtime: %w for database driver %s (package %s): pass runtime.WithDialect", ErrNoDialect, t, t.PkgPath())
	}
	return DialectByName(name)
}

// DialectByName returns the dialect with the given name: "postgres" (or
// "postgresql"), "sqlite" (or "sqlite3") and "mysql" (or "mariadb"), in
// any case. Any other name gives an error wrapping [ErrNoDialect].
func DialectByName(name string) (dialect.Dialect, error) {
	switch strings.ToLower(name) {
	case "postgres", "postgresql":
		return postgres.Dialect{}, nil
	case "sqlite", "sqlite3":
		return sqlite.Dialect{}, nil
	case "mysql", "mariadb":
		return mysql.Dialect{}, nil
	}
	return nil, fmt.Errorf("runtime: %w named %q (known: postgres, sqlite, mysql)", ErrNoDialect, name)
}
