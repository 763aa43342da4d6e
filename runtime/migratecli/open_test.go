package migratecli

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dburl"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "a password in the user information is replaced",
			in:   "postgres://alice:s3cret@db.example.com:5432/app?sslmode=disable",
			want: "postgres://alice:xxxxx@db.example.com:5432/app?sslmode=disable",
		},
		{
			name: "an escaped password is replaced whole",
			in:   "postgresql://alice:p%40ss%2Fword@db/app",
			want: "postgresql://alice:xxxxx@db/app",
		},
		{
			name: "a password holding an unescaped slash and at sign is replaced whole",
			in:   "postgres://alice:pa/ss@word@db/app",
			want: "postgres://alice:xxxxx@db/app",
		},
		{
			name: "an empty password is replaced",
			in:   "postgres://alice:@db/app",
			want: "postgres://alice:xxxxx@db/app",
		},
		{
			name: "a password query parameter is replaced",
			in:   "postgres://db/app?user=alice&password=s3cret&sslmode=disable",
			want: "postgres://db/app?user=alice&password=xxxxx&sslmode=disable",
		},
		{
			name: "an sslpassword query parameter is replaced",
			in:   "postgres://db/app?sslpassword=s3cret",
			want: "postgres://db/app?sslpassword=xxxxx",
		},
		{
			name: "a password in a key=value connection string is replaced",
			in:   "host=db user=alice password=s3cret dbname=app",
			want: "host=db user=alice password=xxxxx dbname=app",
		},
		{
			name: "a user without a password is kept",
			in:   "postgres://alice@db/app",
			want: "postgres://alice@db/app",
		},
		{
			name: "a URL without user information is kept",
			in:   "postgres://db:5432/app",
			want: "postgres://db:5432/app",
		},
		{
			name: "an at sign in the query is not taken for user information",
			in:   "postgres://db/app?application_name=a:b@c",
			want: "postgres://db/app?application_name=a:b@c",
		},
		{
			name: "a mysql password is replaced",
			in:   "mysql://alice:s3cret@db:3306/app?tls=true",
			want: "mysql://alice:xxxxx@db:3306/app?tls=true",
		},
		{
			name: "a mariadb password is replaced",
			in:   "mariadb://alice:s3cret@db/app",
			want: "mariadb://alice:xxxxx@db/app",
		},
		{
			name: "the password of a go-sql-driver DSN is replaced",
			in:   "alice:s3cret@tcp(db:3306)/app?parseTime=true",
			want: "alice:xxxxx@tcp(db:3306)/app?parseTime=true",
		},
		{
			name: "the password of a DSN holding a colon and an at sign is replaced whole",
			in:   "--db=alice:s3:cr@t@tcp(db)/app",
			want: "--db=alice:xxxxx@tcp(db)/app",
		},
		{
			name: "a DSN without an address is redacted too",
			in:   "alice:s3cret@/app",
			want: "alice:xxxxx@/app",
		},
		{
			name: "a sqlite URL is kept",
			in:   "sqlite:data/app.db?_pragma=journal_mode(wal)",
			want: "sqlite:data/app.db?_pragma=journal_mode(wal)",
		},
		{
			name: "an empty URL stays empty",
			in:   "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	const (
		times    = "_time_format=sqlite&_timezone=UTC"
		settings = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&" + times
		// parseTime and the session's time zone UTC
		mysqlSettings = "parseTime=true&time_zone=%27%2B00%3A00%27"
	)
	tests := []struct {
		name string
		in   string
		want target
	}{
		{
			name: "a postgres URL opens through pgx as it is",
			in:   "postgres://alice:pw@db:5432/app?sslmode=disable",
			want: target{dialect: "postgres", driver: "pgx", dsn: "postgres://alice:pw@db:5432/app?sslmode=disable"},
		},
		{
			name: "a postgresql URL opens through pgx as it is",
			in:   "postgresql://db/app",
			want: target{dialect: "postgres", driver: "pgx", dsn: "postgresql://db/app"},
		},
		{
			name: "the scheme is matched whatever its case",
			in:   "Postgres://db/app",
			want: target{dialect: "postgres", driver: "pgx", dsn: "Postgres://db/app"},
		},
		{
			name: "a sqlite path gets a busy timeout and foreign keys",
			in:   "sqlite:data/app.db",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "data/app.db?" + settings},
		},
		{
			name: "a sqlite URL with slashes names an absolute path",
			in:   "sqlite:///var/lib/app.db",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "/var/lib/app.db?" + settings},
		},
		{
			name: "a sqlite query is kept before the settings",
			in:   "sqlite:app.db?_pragma=journal_mode(wal)",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "app.db?_pragma=journal_mode(wal)&" + settings},
		},
		{
			name: "a busy timeout of the URL's own is not overridden",
			in:   "sqlite:app.db?_pragma=busy_timeout(50)",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "app.db?_pragma=busy_timeout(50)&_pragma=foreign_keys(1)&" + times},
		},
		{
			name: "a foreign-key setting of the URL's own is not overridden",
			in:   "sqlite:app.db?_fk=0",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "app.db?_fk=0&_pragma=busy_timeout(10000)&" + times},
		},
		{
			name: "a time format or zone of the URL's own is not overridden",
			in:   "sqlite:app.db?_time_format=datetime&_timezone=Europe/Paris",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "app.db?_time_format=datetime&_timezone=Europe/Paris&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"},
		},
		{
			name: "times stored as integers keep the URL's format, and take UTC",
			in:   "sqlite:app.db?_time_integer_format=unix",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "app.db?_time_integer_format=unix&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_timezone=UTC"},
		},
		{
			name: "a mysql URL becomes the driver's DSN, with times read in UTC",
			in:   "mysql://alice:pw@db:3307/app",
			want: target{dialect: "mysql", driver: "mysql", dsn: "alice:pw@tcp(db:3307)/app?" + mysqlSettings},
		},
		{
			name: "a mariadb URL is MySQL's, on port 3306 unless it says",
			in:   "mariadb://alice@db/app",
			want: target{dialect: "mysql", driver: "mysql", dsn: "alice@tcp(db:3306)/app?" + mysqlSettings},
		},
		{
			name: "a mysql password is unescaped for the driver, which takes it raw",
			in:   "mysql://alice:p%40ss%2Fw%3Ard@db/app",
			want: target{dialect: "mysql", driver: "mysql", dsn: "alice:p@ss/w:rd@tcp(db:3306)/app?" + mysqlSettings},
		},
		{
			name: "a mysql query is passed on, and its own settings are kept",
			in:   "mysql://alice@[::1]/app?parseTime=false&tls=skip-verify&loc=Europe%2FParis",
			want: target{dialect: "mysql", driver: "mysql", dsn: "alice@tcp([::1]:3306)/app?loc=Europe%2FParis&parseTime=false&time_zone=%27%2B00%3A00%27&tls=skip-verify"},
		},
		{
			name: "a file URI is passed on whole, with the settings",
			in:   "file:app.db?mode=rwc",
			want: target{dialect: "sqlite", driver: "sqlite", dsn: "file:app.db?mode=rwc&" + settings},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseURL(tt.in)
			if err != nil {
				t.Fatalf("parseURL(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(target{})); diff != "" {
				t.Errorf("parseURL(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "an empty URL says how to name a database",
			in:   "",
			want: "no database: pass --db URL or set DATABASE_URL (postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH)",
		},
		{
			name: "an unsupported scheme lists the accepted ones",
			in:   "oracle://admin:s3cret@db/app",
			want: `unsupported database URL scheme "oracle": use postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH`,
		},
		{
			name: "a mysql URL without a database asks for one",
			in:   "mysql://admin:s3cret@db",
			want: `database URL "mysql://admin:xxxxx@db": names no database: write mysql://user:password@host:port/database`,
		},
		{
			name: "a mysql URL whose password is not escaped says so, without it",
			in:   "mysql://admin:s3cret#1@db/app",
			want: `database URL "mysql://admin:xxxxx@db/app": does not read as a URL: escape any of :/?#[]@% in the user name and password as %XX`,
		},
		{
			name: "a bare path asks for a scheme",
			in:   "app.db",
			want: `database URL "app.db" has no scheme: use postgres://..., postgresql://..., mysql://..., mariadb://..., sqlite:PATH or file:PATH`,
		},
		{
			name: "a sqlite URL without a path asks for one",
			in:   "sqlite:?_fk=1",
			want: `database URL "sqlite:?_fk=1" names no file: write sqlite:PATH, such as sqlite:app.db`,
		},
		{
			name: "a sqlite query that does not parse is reported",
			in:   "sqlite:app.db?_fk=%zz",
			want: `database URL "sqlite:app.db?_fk=%zz": bad query: invalid URL escape "%zz"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseURL(tt.in)
			if err == nil {
				t.Fatalf("parseURL(%q) succeeded, want error %q", tt.in, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("parseURL(%q) error:\n got %q\nwant %q", tt.in, err, tt.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("parseURL(%q) error shows the password: %v", tt.in, err)
			}
		})
	}
}

func TestParseURLWithoutDatabaseIsErrNoDatabase(t *testing.T) {
	if _, err := parseURL(""); !errors.Is(err, errNoDatabase) {
		t.Errorf("parseURL(\"\") = %v, want errNoDatabase", err)
	}
}

func TestCheckDriver(t *testing.T) {
	tests := []struct {
		name       string
		driver     string
		registered []string
		want       string
	}{
		{
			name:       "a missing pgx driver names the import to add",
			driver:     "pgx",
			registered: []string{"sqlite"},
			want:       `no "pgx" driver is registered: import _ "github.com/jackc/pgx/v5/stdlib" in this command`,
		},
		{
			name:       "a missing mysql driver names the import to add",
			driver:     "mysql",
			registered: []string{"pgx"},
			want:       `no "mysql" driver is registered: import _ "github.com/go-sql-driver/mysql" in this command`,
		},
		{
			name:       "a missing sqlite driver names the import to add",
			driver:     "sqlite",
			registered: []string{"pgx", "sqlite3"},
			want:       `no "sqlite" driver is registered: import _ "modernc.org/sqlite" in this command`,
		},
		{
			name:       "a registered driver is no error",
			driver:     "pgx",
			registered: []string{"pgx", "sqlite"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := dburl.CheckDriver(tt.driver, tt.registered, "in this command")
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("CheckDriver(%q, %q) = %q, want %q", tt.driver, tt.registered, got, tt.want)
			}
		})
	}
}
