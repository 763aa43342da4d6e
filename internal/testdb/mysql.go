package testdb

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	mysqldialect "github.com/strata-go/strata/runtime/dialect/mysql"
)

// EnvMySQL names the environment variable holding the server MySQL and
// MariaDB tests use, as a go-sql-driver/mysql DSN such as
// root@tcp(127.0.0.1:3306)/test, or as a URL such as
// mysql://root@127.0.0.1:3306/test (mariadb:// too).
const EnvMySQL = "STRATA_TEST_MYSQL_URL"

// MySQLURL creates a new, empty database for the test on the server named
// by STRATA_TEST_MYSQL_URL and returns its go-sql-driver/mysql DSN; the
// database is dropped when the test ends. The DSN reads times as UTC
// (parseTime, loc=UTC) and sets, on each connection, the time zone UTC and
// the SQL mode the mysql dialect sets on the migration's session
// ([mysqldialect.SQLMode]), so that what a test runs reads as the
// runtime's statements do.
//
// Without STRATA_TEST_MYSQL_URL the test is skipped with a message saying
// how to enable it, or fails when CI is set.
func MySQLURL(t testing.TB) string {
	t.Helper()
	server := mysqlServer(t)
	name := "strata_" + sanitize(t.Name()) + "_" + randomSuffix(t)
	admin := openMySQL(t, server.FormatDSN())
	defer func() { _ = admin.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+mysqlQuote(name)+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("testdb: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin := openMySQL(t, server.FormatDSN())
		defer func() { _ = admin.Close() }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+mysqlQuote(name)); err != nil {
			t.Errorf("testdb: drop database %s: %v", name, err)
		}
	})
	cfg := server.Clone()
	cfg.DBName = name
	return cfg.FormatDSN()
}

// MySQLSchemeURL creates a new, empty database for the test, as
// [MySQLURL] does, and returns it as the mysql:// URL strata's commands
// take (mysql://user:password@host:port/database), without the session
// settings of MySQLURL's DSN: the URL's reader adds its own.
func MySQLSchemeURL(t testing.TB) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(MySQLURL(t))
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + cfg.DBName}
	if cfg.Passwd != "" {
		u.User = url.UserPassword(cfg.User, cfg.Passwd)
	} else if cfg.User != "" {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

// MySQL creates a new, empty database for the test, as [MySQLURL] does,
// and opens it through go-sql-driver/mysql; both are closed and dropped
// when the test ends.
func MySQL(t testing.TB) *sql.DB {
	t.Helper()
	db := openMySQL(t, MySQLURL(t))
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// mysqlServer reads STRATA_TEST_MYSQL_URL into a driver configuration with
// the settings every test connection takes.
func mysqlServer(t testing.TB) *mysql.Config {
	t.Helper()
	dsn := os.Getenv(EnvMySQL)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("testdb: %s is not set, and MySQL tests must run in CI", EnvMySQL)
		}
		t.Skipf("MySQL tests are off: set %s, for example to root@tcp(127.0.0.1:3306)/test", EnvMySQL)
	}
	cfg, err := mysqlConfig(dsn)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvMySQL, err)
	}
	return cfg
}

// MySQLDSN returns the go-sql-driver/mysql DSN of a mysql:// or mariadb://
// URL, such as one [MySQLSchemeURL] returns, or of a DSN, with the
// settings of the DSNs [MySQLURL] returns: times read as UTC, the session's
// time zone UTC and its SQL mode the dialect's.
func MySQLDSN(rawURL string) (string, error) {
	cfg, err := mysqlConfig(rawURL)
	if err != nil {
		return "", err
	}
	return cfg.FormatDSN(), nil
}

// mysqlConfig reads a URL or DSN into a driver configuration with the
// settings every test connection takes.
func mysqlConfig(dsn string) (*mysql.Config, error) {
	var cfg *mysql.Config
	if rest, ok := strings.CutPrefix(dsn, "mysql://"); ok || strings.HasPrefix(dsn, "mariadb://") {
		if !ok {
			rest = strings.TrimPrefix(dsn, "mariadb://")
		}
		u, err := url.Parse("mysql://" + rest)
		if err != nil {
			return nil, err
		}
		cfg = mysql.NewConfig()
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
		cfg.Net, cfg.Addr = "tcp", u.Host
		cfg.DBName = strings.TrimPrefix(u.Path, "/")
	} else {
		var err error
		if cfg, err = mysql.ParseDSN(dsn); err != nil {
			return nil, err
		}
	}
	cfg.ParseTime, cfg.Loc = true, time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["sql_mode"] = "'" + mysqldialect.SQLMode + "'"
	cfg.Params["time_zone"] = "'+00:00'"
	return cfg, nil
}

func openMySQL(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("testdb: open mysql: %v", err)
	}
	return db
}

func mysqlQuote(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }
