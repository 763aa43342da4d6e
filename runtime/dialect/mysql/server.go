package mysql

import (
	"fmt"
	"strconv"
	"strings"
)

// The servers the dialect's SQL is written for: MariaDB from 10.5 on,
// the first with ALTER TABLE ... RENAME COLUMN and RENAME INDEX beside the
// DROP INDEX IF EXISTS and ADD INDEX IF NOT EXISTS that keep the index
// InnoDB makes for a foreign key in step (see dropForeignKey). MySQL has
// no IF EXISTS on an index.
const (
	minMariaDBMajor = 10
	minMariaDBMinor = 5
)

// supported returns nil when version, as SELECT VERSION() reads it, is
// MariaDB 10.5 or later, and otherwise an error naming the server.
// [Dialect.Lock] checks it before it changes anything, so that a run on
// another server stops at once rather than at its first statement the
// server refuses, half-way through a migration whose DDL commits statement
// by statement.
func supported(version string) error {
	major, minor, ok := versionNumbers(version)
	mariaDB := strings.Contains(strings.ToLower(version), "mariadb")
	switch {
	case !ok:
		return fmt.Errorf("mysql: cannot tell which server version %q is; strata's MySQL dialect needs MariaDB %d.%d or later", version, minMariaDBMajor, minMariaDBMinor)
	case !mariaDB:
		return fmt.Errorf("mysql: the server is MySQL %s; strata's MySQL dialect writes the SQL of MariaDB %d.%d and later, "+
			"some of which MySQL refuses (DROP INDEX IF EXISTS, a literal default on a JSON column): MySQL itself is not supported yet, "+
			"and nothing was changed", version, minMariaDBMajor, minMariaDBMinor)
	case major < minMariaDBMajor || major == minMariaDBMajor && minor < minMariaDBMinor:
		return fmt.Errorf("mysql: the server is MariaDB %s; strata needs MariaDB %d.%d or later (ALTER TABLE ... RENAME COLUMN)",
			version, minMariaDBMajor, minMariaDBMinor)
	}
	return nil
}

// versionNumbers returns the major and minor numbers at the start of
// version ("10.11.6-MariaDB-0+deb12u1", "8.0.36"), skipping the "5.5.5-"
// that MariaDB servers before 11 put in front of their own version where
// clients read it from the handshake.
func versionNumbers(version string) (major, minor int, ok bool) {
	v := strings.TrimPrefix(version, "5.5.5-")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err := strconv.Atoi(parts[0])
	if err != nil {
		return 0, 0, false
	}
	digits := parts[1]
	if i := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = digits[:i]
	}
	minor, err = strconv.Atoi(digits)
	if err != nil {
		return 0, 0, false
	}
	return major, minor, true
}
