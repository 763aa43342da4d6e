package mysql

import (
	"strings"
	"testing"
)

func TestSupportedTakesMariaDB105AndLaterAndRefusesMySQL(t *testing.T) {
	for _, tc := range []struct {
		version string
		refused string // a part of the error, or "" when supported
	}{
		{"10.11.6-MariaDB-0+deb12u1", ""},
		{"10.5.2-MariaDB", ""},
		{"11.4.2-MariaDB-ubu2404", ""},
		{"5.5.5-10.11.6-MariaDB", ""},
		{"10.4.32-MariaDB", "needs MariaDB 10.5 or later"},
		{"10.3.39-MariaDB-0+deb10u1", "needs MariaDB 10.5 or later"},
		{"8.0.36", "the server is MySQL 8.0.36"},
		{"8.4.0-0ubuntu0.24.04.1", "MySQL itself is not supported yet"},
		{"5.7.44-log", "the server is MySQL 5.7.44-log"},
		{"", "cannot tell which server version"},
		{"MariaDB", "cannot tell which server version"},
	} {
		err := supported(tc.version)
		switch {
		case tc.refused == "" && err != nil:
			t.Errorf("supported(%q) = %v, want nil", tc.version, err)
		case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
			t.Errorf("supported(%q) = %v, want an error containing %q", tc.version, err, tc.refused)
		}
	}
}
