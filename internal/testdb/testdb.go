// Package testdb gives tests fresh, real databases: a SQLite file in the
// test's temporary directory, and a PostgreSQL or MySQL database of its
// own, created on the server named by STRATA_TEST_POSTGRES_URL or
// STRATA_TEST_MYSQL_URL and dropped when the test ends.
//
// Without STRATA_TEST_POSTGRES_URL, PostgreSQL tests skip with a message
// saying how to enable them; when CI is set they fail instead, so CI can
// never pass by skipping them. The same holds of MySQL tests and
// STRATA_TEST_MYSQL_URL.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// EnvPostgres names the environment variable holding the URL of the
// PostgreSQL server tests use, such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "STRATA_TEST_POSTGRES_URL"

// SQLiteURL returns a sqlite: URL for a new database file in the test's
// temporary directory. The file does not exist yet.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
}

// SQLite opens a new SQLite database in the test's temporary directory and
// closes it when the test ends.
func SQLite(t testing.TB) *sql.DB {
	t.Helper()
	path := strings.TrimPrefix(SQLiteURL(t), "sqlite:")
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite&_timezone=UTC")
	if err != nil {
		t.Fatalf("testdb: open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// PostgresURL creates a new, empty PostgreSQL database for the test and
// returns its URL; the database is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	server := serverURL(t)
	name := "strata_" + sanitize(t.Name()) + "_" + randomSuffix(t)
	admin := open(t, server)
	defer func() { _ = admin.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+quote(name)); err != nil {
		t.Fatalf("testdb: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin := open(t, server)
		defer func() { _ = admin.Close() }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quote(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("testdb: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres creates a new, empty PostgreSQL database for the test and opens
// it through pgx's database/sql driver; both are closed and dropped when the
// test ends.
func Postgres(t testing.TB) *sql.DB {
	t.Helper()
	db := open(t, PostgresURL(t))
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func serverURL(t testing.TB) string {
	t.Helper()
	server := os.Getenv(EnvPostgres)
	if server == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("testdb: %s is not set, and PostgreSQL tests must run in CI", EnvPostgres)
		}
		t.Skipf("PostgreSQL tests are off: set %s, for example to postgres://postgres@127.0.0.1:5432/test?sslmode=disable", EnvPostgres)
	}
	return server
}

func open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("testdb: open postgres: %v", err)
	}
	return db
}

// sanitize keeps the part of a test name that is safe in a database name,
// short enough to leave room for the suffix within PostgreSQL's 63 bytes.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() == 40 {
			break
		}
	}
	return b.String()
}

func randomSuffix(t testing.TB) string {
	var buf [4]byte
	if _, err := rand.Read(buf[:]); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return hex.EncodeToString(buf[:])
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
