// Package dburl reads the database URLs strata takes (postgres://...,
// mysql://..., sqlite:PATH, file: URIs) and hides their passwords. The runtime's Open
// and the migrate command share it; it imports the standard library only.
package dburl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Accepted lists the database URLs Parse understands, for messages.
const Accepted = "postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH"

// ErrEmpty is the error of Parse given no URL.
var ErrEmpty = errors.New("no database URL (" + Accepted + ")")

// Drivers names, for each database/sql driver a URL opens with, the import
// that registers it.
var Drivers = map[string]string{
	"pgx":    "github.com/jackc/pgx/v5/stdlib",
	"sqlite": "modernc.org/sqlite",
	"mysql":  "github.com/go-sql-driver/mysql",
}

// Target is what a database URL names: the dialect, and the database/sql
// driver and data source name that open it.
type Target struct {
	Dialect string // "postgres", "sqlite" or "mysql"
	Driver  string
	DSN     string
}

// sqliteSettings are the connection settings of every SQLite database,
// unless its URL sets them itself: wait up to ten seconds for another
// writer rather than fail at once, enforce foreign keys, and write a
// time.Time as SQLite's own functions do, in UTC with its offset
// (2024-03-05 14:15:16.123456789+00:00), the form strata's defaults and
// auto_now triggers write too, so that datetime() reads every stored time
// and their text sorts in time order.
var sqliteSettings = []struct {
	param  string   // the query parameter, key=value
	pragma bool     // param is a _pragma, which a _pragma of the same name sets too
	keys   []string // query keys that set it already
}{
	{"_pragma=busy_timeout(10000)", true, []string{"_busy_timeout", "_timeout"}},
	{"_pragma=foreign_keys(1)", true, []string{"_foreign_keys", "_fk"}},
	{"_time_format=sqlite", false, []string{"_time_format", "_time_integer_format"}},
	{"_timezone=UTC", false, []string{"_timezone"}},
}

// Parse reads a database URL without connecting to anything.
func Parse(rawURL string) (Target, error) {
	if rawURL == "" {
		return Target{}, ErrEmpty
	}
	scheme, rest, ok := strings.Cut(rawURL, ":")
	if !ok || scheme == "" {
		return Target{}, fmt.Errorf("database URL %q has no scheme: use %s", Redact(rawURL), Accepted)
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return Target{Dialect: "postgres", Driver: "pgx", DSN: rawURL}, nil
	case "mysql", "mariadb":
		dsn, err := mysqlDSN(rawURL)
		if err != nil {
			return Target{}, fmt.Errorf("database URL %q: %w", Redact(rawURL), err)
		}
		return Target{Dialect: "mysql", Driver: "mysql", DSN: dsn}, nil
	case "sqlite":
		path, query, _ := strings.Cut(strings.TrimPrefix(rest, "//"), "?")
		if path == "" {
			return Target{}, fmt.Errorf("database URL %q names no file: write sqlite:PATH, such as sqlite:app.db", Redact(rawURL))
		}
		dsn, err := withSQLiteSettings(path, query)
		if err != nil {
			return Target{}, fmt.Errorf("database URL %q: %w", Redact(rawURL), err)
		}
		return Target{Dialect: "sqlite", Driver: "sqlite", DSN: dsn}, nil
	case "file":
		path, query, _ := strings.Cut(rawURL, "?")
		dsn, err := withSQLiteSettings(path, query)
		if err != nil {
			return Target{}, fmt.Errorf("database URL %q: %w", Redact(rawURL), err)
		}
		return Target{Dialect: "sqlite", Driver: "sqlite", DSN: dsn}, nil
	default:
		return Target{}, fmt.Errorf("unsupported database URL scheme %q: use %s", scheme, Accepted)
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
		if !setsSQLite(values, s.param, s.pragma, s.keys) {
			params = append(params, s.param)
		}
	}
	if len(params) == 0 {
		return path, nil
	}
	return path + "?" + strings.Join(params, "&"), nil
}

// setsSQLite reports whether the query values set what param sets,
// either through one of keys or, for a pragma, through a _pragma of the
// same name.
func setsSQLite(values url.Values, param string, pragma bool, keys []string) bool {
	for _, k := range keys {
		if values.Has(k) {
			return true
		}
	}
	if !pragma {
		return false
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(param, "_pragma="), "(")
	for _, p := range values["_pragma"] {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), name) {
			return true
		}
	}
	return false
}

// Redacted is what a password is replaced by.
const Redacted = "xxxxx"

// Redact returns rawURL with any password replaced by "xxxxx": the one in
// the user information of a URL (user:password@host), whether or not "//"
// follows its scheme (postgres://alice:pw@db/app, postgres:/alice:pw@db/app
// and postgres:alice:pw@db/app alike), and the value of any password or
// sslpassword setting, as a query parameter (?password=pw) or in a
// key=value connection string (host=db password=pw). The rest of rawURL is
// left as it was, even when it is not a well-formed URL.
func Redact(rawURL string) string {
	s := passwordSetting.ReplaceAllString(rawURL, "${1}${2}"+Redacted)
	spans := UserPasswords(s)
	for k := len(spans) - 1; k >= 0; k-- {
		s = s[:spans[k].Start] + Redacted + s[spans[k].End:]
	}
	return s
}

// passwordSetting matches a password given as a query parameter or as a
// key=value setting (password=..., sslpassword=...): the character before
// it, the key with its '=', then the value, quoted as in a libpq
// connection string or running to the next '&', '#' or space.
var passwordSetting = regexp.MustCompile(`(?i)(^|[?&;\s])((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&#\s]*)`)

// scheme matches the scheme of a URL with its colon.
var scheme = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*:`)

// Span is where a password lies in a string: s[Start:End].
type Span struct{ Start, End int }

// userPasswords returns where the passwords of the user information of the
// URLs in s lie: for each scheme, such as "postgres:", followed by any
// number of '/' and user:password@host, the password. An '@' ends the
// user information: the last one before the query or fragment or, when
// none comes before them, the last one of all; and the user name holds no
// '/', '?' or '#'. So a password holding an unescaped '/', '@', '?' or '#'
// is still found whole, while neither a query such as
// ?application_name=a:b@c nor a file path such as sqlite:/data/a:b@c.db is
// taken for user information. A database name holding an '@' is redacted
// too much, which is the safe way to be wrong. The passwords of
// go-sql-driver/mysql data source names (user:password@tcp(host)/db) are
// found too.
func UserPasswords(s string) []Span {
	spans := driverDSNPasswords(s)
	for i := 0; i < len(s); {
		loc := scheme.FindStringIndex(s[i:])
		if loc == nil {
			break
		}
		after := i + loc[1]
		sp, ok := userPassword(s, after)
		if !ok {
			i = after
			continue
		}
		spans = append(spans, sp)
		i = sp.End + 1 // past the '@'
	}
	return merge(spans)
}

// merge returns spans sorted, with those that overlap made one.
func merge(spans []Span) []Span {
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	var out []Span
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.Start < out[n-1].End {
			out[n-1].End = max(out[n-1].End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// userPassword finds the password of the user information that starts at
// from, just after a scheme's colon, as [UserPasswords] describes. Its
// span ends at the '@' that ends the user information.
func userPassword(s string, from int) (Span, bool) {
	auth := from
	for auth < len(s) && s[auth] == '/' {
		auth++
	}
	rest := s[auth:]
	authority := rest
	if end := strings.IndexAny(rest, "?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		at = strings.LastIndex(rest, "@")
	}
	if at < 0 {
		return Span{}, false
	}
	user, password, ok := strings.Cut(rest[:at], ":")
	switch {
	case !ok, strings.ContainsAny(user, "/?#"):
		return Span{}, false
	case strings.HasPrefix(password, "//"):
		// user was a scheme: another URL starts here.
		return Span{}, false
	}
	start := auth + len(user) + 1
	return Span{Start: start, End: start + len(password)}, true
}

// PasswordSettings returns the values of the password and sslpassword
// settings in s, as written (quoted as in a libpq connection string, when
// they are).
func PasswordSettings(s string) []string {
	var values []string
	for _, m := range passwordSetting.FindAllStringSubmatch(s, -1) {
		values = append(values, m[3])
	}
	return values
}

// Open opens the database that target t, read from rawURL, names, and
// pings it. Its errors name the URL without its password. what, such as
// "in this command", says where the import of a missing driver goes.
func Open(ctx context.Context, rawURL string, t Target, what string) (*sql.DB, error) {
	if err := CheckDriver(t.Driver, sql.Drivers(), what); err != nil {
		return nil, err
	}
	db, err := sql.Open(t.Driver, t.DSN)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(rawURL), err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s: %w", Redact(rawURL), err)
	}
	return db, nil
}

// CheckDriver reports an error saying what import to add, and where
// (what), when the driver named name is not among registered.
func CheckDriver(name string, registered []string, what string) error {
	if slices.Contains(registered, name) {
		return nil
	}
	return fmt.Errorf("no %q driver is registered: import _ %q %s", name, Drivers[name], what)
}
