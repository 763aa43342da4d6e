package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// crew is the schema the tests of changes to tables holding rows start
// from: teams; members, which reference teams with ON DELETE CASCADE and
// have an identity key, an enum column, two indexes (one partial), a
// unique constraint and a check; notes, a table without a primary key
// whose rows are known by their row ids only, which reference members with
// ON DELETE CASCADE. A hand-written trigger on members and a view over it
// stand for what the schema model does not hold.
var crew = []schema.Operation{
	statusEnum,
	schema.CreateTable{Table: schema.Table{
		Name:       "teams",
		Columns:    []schema.Column{{Name: "id", Type: bigint, Identity: true}, {Name: "name", Type: varchar(100)}},
		PrimaryKey: []string{"id"},
		Uniques:    []schema.Unique{{Name: "teams_name_key", Columns: []string{"name"}}},
	}},
	schema.CreateTable{Table: schema.Table{
		Name: "members",
		Columns: []schema.Column{
			{Name: "id", Type: bigint, Identity: true},
			{Name: "team_id", Type: bigint},
			{Name: "email", Type: varchar(320)},
			{Name: "nickname", Type: text, Nullable: true},
			{Name: "status", Type: enum("status"), Default: "'active'"},
			{Name: "score", Type: integer, Default: "0"},
			{Name: "mentor_id", Type: bigint, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Indexes: []schema.Index{
			{Name: "members_team_id_idx", Columns: []string{"team_id"}},
			{Name: "members_nickname_idx", Columns: []string{"nickname"}, Where: "nickname IS NOT NULL"},
		},
		Uniques: []schema.Unique{{Name: "members_email_key", Columns: []string{"email"}}},
		ForeignKeys: []schema.ForeignKey{{
			Name: "members_team_id_fkey", Columns: []string{"team_id"}, RefTable: "teams", RefColumns: []string{"id"}, OnDelete: schema.Cascade,
		}},
		Checks: []schema.Check{{Name: "members_score_check", Expr: "score >= 0"}},
	}},
	schema.CreateTable{Table: schema.Table{
		Name:    "notes",
		Columns: []schema.Column{{Name: "member_id", Type: bigint}, {Name: "body", Type: text, Nullable: true}},
		Indexes: []schema.Index{{Name: "notes_member_id_idx", Columns: []string{"member_id"}}},
		ForeignKeys: []schema.ForeignKey{{
			Name: "notes_member_id_fkey", Columns: []string{"member_id"}, RefTable: "members", RefColumns: []string{"id"}, OnDelete: schema.Cascade,
		}},
	}},
	schema.RunSQL{SQLite: `CREATE TRIGGER "members_score_log" AFTER UPDATE OF "score" ON "members" ` +
		`BEGIN INSERT INTO "notes" ("member_id", "body") VALUES (NEW."id", 'score ' || NEW."score"); END`},
	schema.RunSQL{SQLite: `CREATE VIEW "member_emails" AS SELECT "email" FROM "members"`},
}

// crewRows fill crew. The ids of members and the row ids of notes have
// gaps, so that a copy that numbers rows anew shows.
var crewRows = []string{
	`INSERT INTO "teams" ("id", "name") VALUES (1, 'red'), (2, 'blue')`,
	`INSERT INTO "members" ("id", "team_id", "email", "nickname", "status", "score", "mentor_id") VALUES
	  (5, 1, 'ann@example.com', 'annie', 'active', 3, NULL),
	  (7, 1, 'bob@example.com', NULL, 'banned', 0, 5),
	  (9, 2, 'cy@example.com', 'cy', 'active', 12, 7)`,
	`INSERT INTO "notes" ("rowid", "member_id", "body") VALUES (10, 5, 'first'), (20, 7, 'second'), (30, 9, NULL)`,
}

// crewDB returns a database holding crew and its rows, and crew's schema.
func crewDB(t *testing.T) (*sql.DB, *schema.Schema) {
	t.Helper()
	db := testdb.SQLite(t) // enforces foreign keys
	s := migrate(t, db, crew)
	if err := exec(db, crewRows...); err != nil {
		t.Fatal(err)
	}
	return db, s
}

// tableRows is what the tables of a database hold: for each table, its rows
// in the order of their row ids, each as its values by column name, with
// the row id under "(rowid)". Values are SQL literals, so that 3, 3.0 and
// '3' differ.
type tableRows map[string][]map[string]string

// rowsOf reads every table of db but SQLite's and strata's own.
func rowsOf(t *testing.T, db *sql.DB) tableRows {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	tables := queryStrings(t, conn, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'strata_%' ORDER BY name`)
	all := tableRows{}
	for _, table := range tables {
		all[table] = readRows(t, conn, `SELECT rowid AS "(rowid)", * FROM "`+table+`" ORDER BY rowid`)
	}
	return all
}

func readRows(t *testing.T, conn *sql.Conn, query string) []map[string]string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]string{}
		for i, c := range cols {
			row[c] = literal(values[i])
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// literal writes v, a value the driver scanned, as an SQL literal.
func literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return s
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case []byte:
		return "X'" + hex.EncodeToString(v) + "'"
	case time.Time:
		return "'" + v.UTC().Format(time.RFC3339Nano) + "'"
	}
	return "?"
}

// clone returns a deep copy of rows.
func (rows tableRows) clone() tableRows {
	c := tableRows{}
	for table, list := range rows {
		for _, r := range list {
			row := map[string]string{}
			for k, v := range r {
				row[k] = v
			}
			c[table] = append(c[table], row)
		}
	}
	return c
}

// set sets column of every row of table to value, or removes it when value
// is "".
func (rows tableRows) set(table, column, value string) {
	for _, r := range rows[table] {
		if value == "" {
			delete(r, column)
		} else {
			r[column] = value
		}
	}
}

// rename renames column of every row of table.
func (rows tableRows) rename(table, from, to string) {
	for _, r := range rows[table] {
		r[to] = r[from]
		delete(r, from)
	}
}

// assertRows fails the test unless db holds want; volatile columns
// ("table.column") must hold a value, which is not compared.
func assertRows(t *testing.T, db *sql.DB, when string, want tableRows, volatile ...string) {
	t.Helper()
	got := rowsOf(t, db)
	for _, tc := range volatile {
		table, column, _ := strings.Cut(tc, ".")
		for _, r := range got[table] {
			if v, ok := r[column]; !ok || v == "NULL" {
				t.Errorf("%s: a row of %s has no value in %s: %v", when, table, column, r)
			}
		}
		got.set(table, column, "")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s, the rows differ (-want +got):\n%s", when, diff)
	}
}

// assertHandWrittenKept fails the test unless db still has the trigger and
// the view crew creates by hand, and the view still reads the members.
func assertHandWrittenKept(t *testing.T, db *sql.DB, when string) {
	t.Helper()
	var triggers, views int
	err := db.QueryRowContext(context.Background(), `SELECT
	  (SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'members_score_log'),
	  (SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = 'member_emails')`).Scan(&triggers, &views)
	if err != nil {
		t.Fatal(err)
	}
	if triggers != 1 || views != 1 {
		t.Errorf("%s: %d trigger members_score_log and %d view member_emails, want one of each", when, triggers, views)
	}
	var seen int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM "member_emails"`).Scan(&seen); err != nil || seen != 3 {
		t.Errorf("%s: the view reads %d rows (%v), want 3", when, seen, err)
	}
}

// rebuilds counts the table rebuilds among steps.
func rebuilds(steps []dialect.Step) int {
	n := 0
	for _, s := range steps {
		if strings.HasPrefix(s.SQL, "-- rebuild ") {
			n++
		}
	}
	return n
}
