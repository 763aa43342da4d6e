package migratecli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
)

// The database/sql drivers Open uses, and the import that registers each.
var drivers = map[string]string{
	"pgx":    "github.com/jackc/pgx/v5/stdlib",
	"sqlite": "modernc.org/sqlite",
}

// acceptedURLs lists the database URLs Open understands, for error messages.
const acceptedURLs = "postgres://..., postgresql://..., sqlite:PATH or file:PATH"

// sqliteSettings are the connection settings Open gives every SQLite
// database, unless its URL sets them itself: wait up to ten seconds for
// another writer rather than fail at once, and enforce foreign keys.
var sqliteSettings = []struct {
	pragma string   // the setting as a _pragma value
	keys   []string // query keys that set it already
}{
	{"busy_timeout(10000)", []string{"_busy_timeout", "_timeout"}},
	{"foreign_keys(1)", []string{"_foreign_keys", "_fk"}},
}

// target is what a database URL names: the dialect, and the database/sql
// driver and data source name that open it.
type target struct {
	dialect string // "postgres" or "sqlite"
	driver  string
	dsn     string
}

// errNoDatabase is the error for a command that needs a database when
// neither --db nor DATABASE_URL names one.
var errNoDatabase = errors.New("no database: pass --db URL or set DATABASE_URL (" + acceptedURLs + ")")

// Open opens the database a URL names: postgres:// and postgresql:// URLs
// through the "pgx" driver; sqlite:PATH and file: URIs through the "sqlite"
// driver, with a busy timeout and foreign keys on. It returns the dialect
// too. Open pings the database, so an unreachable server is an error here.
//
// The app registers the drivers by importing them; Open imports none. Errors
// never show the URL's password.
func Open(ctx context.Context, rawURL string) (*sql.DB, dialect.Dialect, error) {
	db, d, err := open(ctx, rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("migratecli: %w", err)
	}
	return db, d, nil
}

// open is [Open] with errors that do not name the package, for the
// command line.
func open(ctx context.Context, rawURL string) (*sql.DB, dialect.Dialect, error) {
	t, err := parseURL(rawURL)
	if err != nil {
		return nil, nil, err
	}
	if err := checkDriver(t.driver, sql.Drivers()); err != nil {
		return nil, nil, err
	}
	d, err := runtime.DialectByName(t.dialect)
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open(t.driver, t.dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", Redact(rawURL), err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("connect to %s: %w", Redact(rawURL), err)
	}
	return db, d, nil
}

// parseURL reads a database URL without connecting to anything.
func parseURL(rawURL string) (target, error) {
	if rawURL == "" {
		return target{}, errNoDatabase
	}
	scheme, rest, ok := strings.Cut(rawURL, ":")
	if !ok || scheme == "" {
		return target{}, fmt.Errorf("database URL %q has no scheme: use %s", Redact(rawURL), acceptedURLs)
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return target{dialect: "postgres", driver: "pgx", dsn: rawURL}, nil
	case "sqlite":
		path, query, _ := strings.Cut(strings.TrimPrefix(rest, "//"), "?")
		if path == "" {
			return target{}, fmt.Errorf("database URL %q names no file: write sqlite:PATH, such as sqlite:app.db", Redact(rawURL))
		}
		dsn, err := withSQLiteSettings(path, query)
		if err != nil {
			return target{}, fmt.Errorf("database URL %q: %w", Redact(rawURL), err)
		}
		return target{dialect: "sqlite", driver: "sqlite", dsn: dsn}, nil
	case "file":
		path, query, _ := strings.Cut(rawURL, "?")
		dsn, err := withSQLiteSettings(path, query)
		if err != nil {
			return target{}, fmt.Errorf("database URL %q: %w", Redact(rawURL), err)
		}
		return target{dialect: "sqlite", driver: "sqlite", dsn: dsn}, nil
	default:
		return target{}, fmt.Errorf("unsupported database URL scheme %q: use %s", scheme, acceptedURLs)
	}
}

// withSQLiteSettings returns the modernc.org/sqlite data source name for
// path with query, adding the settings of [sqliteSettings] that query does
// not set itself.
func withSQLiteSettings(path, query string) (string, error) {
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("bad query: %w", err)
	}
	params := []string{}
	if query != "" {
		params = append(params, query)
	}
	for _, s := range sqliteSettings {
		if !setsSQLite(values, s.pragma, s.keys) {
			params = append(params, "_pragma="+s.pragma)
		}
	}
	if len(params) == 0 {
		return path, nil
	}
	return path + "?" + strings.Join(params, "&"), nil
}

// setsSQLite reports whether the query values set the same thing as the
// pragma, either through one of keys or through a _pragma of the same name.
func setsSQLite(values url.Values, pragma string, keys []string) bool {
	for _, k := range keys {
		if values.Has(k) {
			return true
		}
	}
	name, _, _ := strings.Cut(pragma, "(")
	for _, p := range values["_pragma"] {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), name) {
			return true
		}
	}
	return false
}

// checkDriver reports an error saying what to import when the driver named
// name is not among the registered ones.
func checkDriver(name string, registered []string) error {
	if slices.Contains(registered, name) {
		return nil
	}
	return fmt.Errorf("no %q driver is registered: import _ %q in this command", name, drivers[name])
}
