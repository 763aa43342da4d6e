package migratecli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/strata-go/strata/internal/dburl"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
)

// acceptedURLs lists the database URLs Open understands, for error messages.
const acceptedURLs = dburl.Accepted

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
	d, err := runtime.DialectByName(t.dialect)
	if err != nil {
		return nil, nil, err
	}
	db, err := dburl.Open(ctx, rawURL, dburl.Target{Dialect: t.dialect, Driver: t.driver, DSN: t.dsn}, "in this command")
	if err != nil {
		return nil, nil, err
	}
	return db, d, nil
}

// parseURL reads a database URL without connecting to anything.
func parseURL(rawURL string) (target, error) {
	t, err := dburl.Parse(rawURL)
	if errors.Is(err, dburl.ErrEmpty) {
		return target{}, errNoDatabase
	}
	return target{dialect: t.Dialect, driver: t.Driver, dsn: t.DSN}, err
}
