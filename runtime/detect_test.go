package runtime_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
)

// otherDriver is a database/sql driver of a package DialectFor does not
// know. It connects to nothing.
type otherDriver struct{}

var errNoConnection = errors.New("otherDriver connects to nothing")

func (otherDriver) Open(string) (driver.Conn, error) { return nil, errNoConnection }

func init() { sql.Register("strata-test-other", otherDriver{}) }

func TestDialectForTellsTheDialectFromTheDriver(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none") // connects lazily
	if err != nil {
		t.Fatalf("pgxpool.New: %v", err)
	}
	t.Cleanup(pool.Close)
	tests := []struct {
		name string
		db   func(t *testing.T) *sql.DB
		want string
	}{
		{"pgx's stdlib driver is PostgreSQL", func(t *testing.T) *sql.DB { return mustOpen(t, "pgx", "postgres://nobody@127.0.0.1:1/none") }, "postgres"},
		{"a pgx pool opened as a *sql.DB is PostgreSQL", func(*testing.T) *sql.DB { return stdlib.OpenDBFromPool(pool) }, "postgres"},
		{"modernc's driver is SQLite", func(t *testing.T) *sql.DB { return mustOpen(t, "sqlite", ":memory:") }, "sqlite"},
		{"go-sql-driver's is MySQL", func(t *testing.T) *sql.DB { return mustOpen(t, "mysql", "nobody@tcp(127.0.0.1:1)/none") }, "mysql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := runtime.DialectFor(tt.db(t))
			if err != nil {
				t.Fatalf("DialectFor: %v", err)
			}
			if d.Name() != tt.want {
				t.Errorf("DialectFor = %s, want %s", d.Name(), tt.want)
			}
		})
	}

	t.Run("another driver is refused with a hint", func(t *testing.T) {
		_, err := runtime.DialectFor(mustOpen(t, "strata-test-other", ""))
		if !errors.Is(err, runtime.ErrNoDialect) {
			t.Fatalf("DialectFor: err = %v, want ErrNoDialect", err)
		}
		want := "runtime: no dialect for database driver runtime_test.otherDriver (package github.com/strata-go/strata/runtime_test): pass runtime.WithDialect"
		if err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
	})

	t.Run("another driver works with WithDialect", func(t *testing.T) {
		db := mustOpen(t, "strata-test-other", "")
		d, _ := runtime.DialectByName("sqlite")
		// Status gets as far as the driver, which connects to nothing.
		_, err := newMigrator(blog()...).Status(context.Background(), db, runtime.WithDialect(d))
		if !errors.Is(err, errNoConnection) {
			t.Errorf("Status with WithDialect: err = %v, want the driver's own error", err)
		}
	})
}

func TestDialectByNameKnowsEachDialectAndItsAliases(t *testing.T) {
	tests := []struct{ name, want string }{
		{"postgres", "postgres"},
		{"postgresql", "postgres"},
		{"PostgreSQL", "postgres"},
		{"sqlite", "sqlite"},
		{"sqlite3", "sqlite"},
		{"mysql", "mysql"},
		{"mariadb", "mysql"},
		{"MariaDB", "mysql"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is "+tt.want, func(t *testing.T) {
			d, err := runtime.DialectByName(tt.name)
			if err != nil || d.Name() != tt.want {
				t.Errorf("DialectByName(%q) = %v, %v; want %s", tt.name, nameOf(d), err, tt.want)
			}
		})
	}
	t.Run("another name is refused", func(t *testing.T) {
		if _, err := runtime.DialectByName("oracle"); !errors.Is(err, runtime.ErrNoDialect) {
			t.Errorf("err = %v, want ErrNoDialect", err)
		}
	})
}

func nameOf(d dialect.Dialect) string {
	if d == nil {
		return "<nil>"
	}
	return d.Name()
}

func mustOpen(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
