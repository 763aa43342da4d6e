package dburl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// mysqlSettings are the connection settings of every MySQL database,
// unless its URL sets them itself: DATETIME and TIMESTAMP values read as
// time.Time (parseTime), in UTC, the driver's default location, and the
// session's time zone UTC too, so that CURRENT_TIMESTAMP, which a DATETIME
// column stores as it reads, is a UTC time, as on the migration's own
// session (see the mysql dialect). The driver's defaults, one statement
// per call (multiStatements=false) among them, are left as they are.
var mysqlSettings = []struct{ key, value string }{
	{"parseTime", "true"},
	{"time_zone", "'+00:00'"},
}

// mysqlDSN returns the github.com/go-sql-driver/mysql data source name,
// user:password@tcp(host:port)/database?params, of a mysql:// or
// mariadb:// URL: mysql://user:password@host:port/database?params, the
// password percent-escaped as in any URL, the port 3306 when it is left
// out, the params passed on to the driver (with [mysqlSettings] added).
func mysqlDSN(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// Not url.Parse's error, which may quote a piece of the password.
		return "", errors.New("does not read as a URL: escape any of :/?#[]@% in the user name and password as %XX")
	}
	if u.Opaque != "" || u.Host == "" {
		return "", errors.New("write mysql://user:password@host:port/database")
	}
	database := strings.TrimPrefix(u.Path, "/")
	if database == "" || strings.Contains(database, "/") {
		return "", errors.New("names no database: write mysql://user:password@host:port/database")
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(strings.Trim(u.Hostname(), "[]"), "3306")
	}
	var b strings.Builder
	if u.User != nil {
		b.WriteString(u.User.Username())
		if pw, ok := u.User.Password(); ok {
			b.WriteString(":" + pw)
		}
		b.WriteString("@")
	}
	b.WriteString("tcp(" + host + ")/" + url.PathEscape(database))
	values, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("bad query: %w", err)
	}
	for _, s := range mysqlSettings {
		if !values.Has(s.key) {
			values.Set(s.key, s.value)
		}
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	params := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, v := range values[k] {
			params = append(params, k+"="+url.QueryEscape(v))
		}
	}
	b.WriteString("?" + strings.Join(params, "&"))
	return b.String(), nil
}

// driverDSN matches the user information of a go-sql-driver/mysql data
// source name, user:password@tcp(host)/db or user:password@/db, at the
// start of a string or after a space or '=': its password is group 1.
var driverDSN = regexp.MustCompile(`(?:^|[\s=])[^\s:/@=()]+:([^\s]*)@(?:(?:tcp[46]?|unix)\(|/)`)

// driverDSNPasswords returns where the passwords of the go-sql-driver/mysql
// data source names in s lie.
func driverDSNPasswords(s string) []Span {
	var spans []Span
	for _, m := range driverDSN.FindAllStringSubmatchIndex(s, -1) {
		spans = append(spans, Span{Start: m[2], End: m[3]})
	}
	return spans
}
