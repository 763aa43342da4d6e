package sqlite_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// stamped is a table whose created_at the database fills (DEFAULT
// CURRENT_TIMESTAMP) unless the row gives it, and whose updated_at its
// auto_now trigger keeps.
var stamped = schema.CreateTable{Table: schema.Table{
	Name: "events",
	Columns: []schema.Column{
		{Name: "id", Type: schema.Type{Kind: schema.Int64}},
		{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP"},
		{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
	},
	PrimaryKey: []string{"id"},
}}

// TestTimesWrittenByGoAndByTheDatabaseReadAndSortAlike opens a database as
// an app does, through runtime.Open and a sqlite: URL, and stores times
// both ways: time.Time values from Go, in UTC and in other zones, and the
// current time the table's default and auto_now trigger write. Every one
// reads back through the driver as the instant it was, SQLite's datetime()
// reads every one, and ORDER BY on the column gives time order.
func TestTimesWrittenByGoAndByTheDatabaseReadAndSortAlike(t *testing.T) {
	ctx := context.Background()
	db, err := runtime.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := runtime.NewMigrator()
	m.Register(runtime.Migration{ID: "0001_events", Up: []schema.Operation{stamped}})
	if _, err := m.Up(ctx, db); err != nil {
		t.Fatal(err)
	}

	kolkata := time.FixedZone("IST", 5*3600+1800)
	losAngeles := time.FixedZone("PST", -8*3600)
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	goTimes := map[int64]time.Time{
		1: start.Add(123456789 * time.Nanosecond).UTC(),
		2: start.Add(time.Second).In(kolkata), // a later instant, written with an earlier-looking clock
		3: start.Add(2*time.Second + 5*time.Millisecond).In(losAngeles),
		4: start.Add(2 * time.Second).UTC(),                      // a whole second: no fraction
		5: start.Add(2*time.Second + 500*time.Millisecond).UTC(), // .5 against 3's .005
	}
	for id, at := range goTimes {
		if _, err := db.ExecContext(ctx, `INSERT INTO events (id, created_at) VALUES (?, ?)`, id, at); err != nil {
			t.Fatalf("insert %d: %v", id, err)
		}
	}
	before := time.Now().Add(-time.Second)
	if _, err := db.ExecContext(ctx, `INSERT INTO events (id) VALUES (6)`); err != nil {
		t.Fatal(err)
	}
	after := time.Now().Add(time.Second)
	goTimes[7] = time.Now().Add(time.Hour).In(kolkata)
	if _, err := db.ExecContext(ctx, `INSERT INTO events (id, created_at) VALUES (?, ?)`, 7, goTimes[7]); err != nil {
		t.Fatal(err)
	}

	type row struct {
		id         int64
		created    time.Time
		text       string
		parsed     *string
		updated    time.Time
		updateText string
	}
	read := func() []row {
		t.Helper()
		rows, err := db.QueryContext(ctx, `SELECT id, created_at, CAST(created_at AS TEXT), datetime(created_at),
			updated_at, CAST(updated_at AS TEXT) FROM events ORDER BY created_at, id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.created, &r.text, &r.parsed, &r.updated, &r.updateText); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := read()

	var order []int64
	for _, r := range got {
		order = append(order, r.id)
		if r.parsed == nil {
			t.Errorf("row %d: datetime(created_at) is NULL: SQLite cannot read %q", r.id, r.text)
		}
		if r.id == 6 {
			if r.created.Before(before) || r.created.After(after) {
				t.Errorf("row 6: the default wrote %s (%q), not the time of the insert, between %s and %s", r.created, r.text, before, after)
			}
			continue
		}
		want := goTimes[r.id]
		if !r.created.Equal(want) {
			t.Errorf("row %d: created_at reads back %s (stored %q), want %s", r.id, r.created, r.text, want)
		}
		if r.parsed != nil && *r.parsed != want.UTC().Format(time.DateTime) {
			t.Errorf("row %d: datetime(created_at) = %s, want %s", r.id, *r.parsed, want.UTC().Format(time.DateTime))
		}
	}
	if want := []int64{1, 2, 4, 3, 5, 6, 7}; !slices.Equal(order, want) {
		for _, r := range got {
			t.Logf("row %d: %q", r.id, r.text)
		}
		t.Errorf("ORDER BY created_at gives rows %v, want %v", order, want)
	}

	// The auto_now trigger writes the same form as the default: an UPDATE
	// that leaves updated_at alone moves it to now, readable and later
	// than a time Go wrote an hour ago.
	if _, err := db.ExecContext(ctx, `UPDATE events SET updated_at = ? WHERE id = 1`, start.In(kolkata)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE events SET created_at = created_at WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	byUpdate := dialecttest.QueryRows(t, db, `SELECT CAST(id AS TEXT) FROM events
		WHERE id IN (1, 2) AND datetime(updated_at) IS NOT NULL ORDER BY updated_at`)
	if !slices.Equal(byUpdate, []string{"1", "2"}) {
		t.Errorf("ORDER BY updated_at after the updates gives %v, want [1 2]: row 1 set an hour ago, row 2 touched now", byUpdate)
	}
	for _, r := range read() {
		if r.id == 2 && (r.updated.Before(before) || r.updated.After(time.Now().Add(time.Second))) {
			t.Errorf("row 2: the auto_now trigger wrote %s (%q), not the time of the update", r.updated, r.updateText)
		}
		if r.id == 1 && !r.updated.Equal(start) {
			t.Errorf("row 1: updated_at reads back %s (%q), want the %s the UPDATE gave it", r.updated, r.updateText, start)
		}
	}
}

// TestInspectReadsTheTimesOfEarlierReleases reads a table as strata wrote
// it before times took nowSQL's form: DEFAULT CURRENT_TIMESTAMP and an
// auto_now trigger that sets CURRENT_TIMESTAMP. It holds the schema a
// migration declares today, so an upgrade reports no drift; the next
// rebuild of the table writes the new form.
func TestInspectReadsTheTimesOfEarlierReleases(t *testing.T) {
	db := testdb.SQLite(t)
	stale := `NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT CURRENT_TIMESTAMP`
	if err := exec(db,
		`CREATE TABLE "events" (
  "id" BIGINT NOT NULL,
  "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("id")
)`,
		`CREATE TRIGGER "strata_auto_now_events" AFTER UPDATE ON "events" FOR EACH ROW
WHEN (`+stale+`)
BEGIN
  UPDATE "events" SET "updated_at" = CASE WHEN `+stale+` THEN CURRENT_TIMESTAMP ELSE "updated_at" END WHERE "id" = NEW."id";
END`,
	); err != nil {
		t.Fatal(err)
	}
	before := applied(t, &schema.Schema{}, []schema.Operation{stamped})
	assertLive(t, db, before)

	rebuild := []schema.Operation{schema.AlterColumn{Table: "events", Column: schema.Column{
		Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Nullable: true, Default: "CURRENT_TIMESTAMP",
	}}}
	run(t, db, render(t, before, rebuild))
	assertLive(t, db, applied(t, before, rebuild))
	for _, text := range dialecttest.QueryRows(t, db, `SELECT sql FROM sqlite_schema WHERE tbl_name = 'events' AND sql IS NOT NULL`) {
		if strings.Contains(text, "CURRENT_TIMESTAMP") {
			t.Errorf("after a rebuild the table still writes CURRENT_TIMESTAMP's form:\n%s", text)
		}
	}
}
