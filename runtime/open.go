package runtime

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/strata-go/strata/internal/dburl"
)

// Open opens the database a URL names, as the migrate command reads it:
// postgres:// and postgresql:// URLs through the "pgx" driver (pgx's
// stdlib); mysql:// and mariadb:// URLs
// (mysql://user:password@host:port/database?params) through the "mysql"
// driver (github.com/go-sql-driver/mysql), with parseTime=true and the
// session's time zone UTC unless the URL sets them; sqlite:PATH and file:
// URIs through the "sqlite" driver
// (modernc.org/sqlite), with a busy timeout of ten seconds, foreign keys
// on, and time.Time values written in UTC as SQLite's own functions write
// them (_time_format=sqlite&_timezone=UTC), each unless the URL sets it. So an app can take the same
// DATABASE_URL at start-up as its migrate command:
//
//	db, err := runtime.Open(ctx, os.Getenv("DATABASE_URL"))
//
// The app registers the driver by importing it; Open imports none. Open
// pings the database, so an unreachable server is an error here. Its
// errors never show the URL's password.
func Open(ctx context.Context, url string) (*sql.DB, error) {
	t, err := dburl.Parse(url)
	if err != nil {
		return nil, fmt.Errorf("runtime: open: %w", err)
	}
	db, err := dburl.Open(ctx, url, t, "in the app")
	if err != nil {
		return nil, fmt.Errorf("runtime: open: %w", err)
	}
	return db, nil
}
