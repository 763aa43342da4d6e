package dialecttest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

// AssertTouches checks, on a row of table (inserted, when the table has
// none, with n = 0 and every other column's default: MySQL has no
// DEFAULT VALUES), that an UPDATE which does not set an auto_now
// column moves it forward, that one which sets it keeps the value it sets,
// and that other timestamp columns keep theirs. n is the column it updates
// to touch the row. Names are in double quotes, which MySQL reads as
// names under ANSI_QUOTES, as the test databases of internal/testdb and
// the mysql dialect's sessions do.
func AssertTouches(t *testing.T, db *sql.DB, table schema.Table) {
	t.Helper()
	var stamps []string
	for _, c := range table.Columns {
		if c.Type.Kind == schema.Timestamp {
			stamps = append(stamps, c.Name)
		}
	}
	if len(stamps) == 0 || table.Column("n") == nil {
		return
	}
	name := quoteName(table.Name)
	if rowCount(t, db, table.Name) == 0 {
		Exec(t, db, "INSERT INTO "+name+" ("+quoteName("n")+") VALUES (0)")
	}
	// An UPDATE that sets a column to the value it holds cannot be told
	// from one that does not set it: set them all twice, to 2000-01-01 and
	// then 2001-01-01, so that the second always sets a new value.
	reset := func() {
		for _, year := range []string{"2000", "2001"} {
			set := make([]string, len(stamps))
			for i, c := range stamps {
				set[i] = quoteName(c) + " = '" + year + "-01-01 00:00:00'"
			}
			Exec(t, db, "UPDATE "+name+" SET "+strings.Join(set, ", "))
		}
	}
	// Every column set explicitly: every one keeps its value.
	reset()
	assertAges(t, db, table, stamps, "", "setting them all")
	// One column set explicitly, the others not.
	for _, c := range stamps {
		reset()
		Exec(t, db, "UPDATE "+name+" SET "+quoteName(c)+" = '2002-02-02 00:00:00', n = n + 1")
		assertAges(t, db, table, stamps, c, "setting "+c+" alone")
	}
	// None set.
	reset()
	Exec(t, db, "UPDATE "+name+" SET n = n + 1")
	assertAges(t, db, table, stamps, "-", "setting none of them")
}

// assertAges checks the timestamp columns stamps of the row of table after
// an UPDATE that set column explicit to 2002-02-02 and no other one: that
// column holds it, the auto_now columns are now, and the others still hold
// 2001-01-01. An explicit "" means every column was set, to 2001-01-01.
func assertAges(t *testing.T, db *sql.DB, table schema.Table, stamps []string, explicit, what string) {
	t.Helper()
	var want, got []string
	for _, c := range stamps {
		age := "past"
		switch {
		case c == explicit:
			age = "explicit"
		case explicit != "" && table.Column(c).AutoNow:
			age = "now"
		}
		want = append(want, c+" "+age)
		got = append(got, c+" "+QueryRows(t, db, "SELECT CASE WHEN "+quoteName(c)+" < '2001-06-01' THEN 'past' WHEN "+
			quoteName(c)+" < '2002-06-01' THEN 'explicit' ELSE 'now' END FROM "+quoteName(table.Name))[0])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table %s after an UPDATE %s (-want +got):\n%s", table.Name, what, diff)
	}
}

// AutoNowName is the name of table's auto_now trigger (its trigger
// function on PostgreSQL), by the documented convention:
// strata_auto_now_{table}, cut to 63 bytes with the first 8 hex digits of
// the SHA-256 of the whole name.
func AutoNowName(table string) string {
	name := "strata_auto_now_" + table
	if len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return name[:54] + "_" + hex.EncodeToString(sum[:4])
}

func quoteName(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Exec runs statement on db, failing the test on an error.
func Exec(t *testing.T, db *sql.DB, statement string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), statement); err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}

func rowCount(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+quoteName(table)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Querier runs a query: a *sql.DB or a *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// QueryRows returns the one text column of each row query answers.
func QueryRows(t *testing.T, db Querier, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
