package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// crewMigrations are crew, its rows and a change that rebuilds members, the
// table between the two others, as an app registers them.
var crewMigrations = []runtime.Migration{
	{ID: "0001_crew", Up: crew},
	{ID: "0002_rows", Up: []schema.Operation{
		schema.RunSQL{SQL: crewRows[0]}, schema.RunSQL{SQL: crewRows[1]}, schema.RunSQL{SQL: crewRows[2]},
	}},
	{
		ID: "0003_mentors",
		Up: []schema.Operation{
			alterMember(schema.Column{Name: "score", Type: bigint, Default: "0"}),
			schema.AddForeignKey{Table: "members", ForeignKey: mentorKey},
		},
		Down: []schema.Operation{
			schema.DropForeignKey{Table: "members", Name: "members_mentor_id_fkey"},
			alterMember(memberScore),
		},
	},
}

// The runtime takes its connection from the app's pool, which enforces
// foreign keys here as testdb.SQLite opens it: Lock turns enforcement off
// for the run and its unlock back on, and rows that reference the rebuilt
// table with ON DELETE CASCADE survive Up and Down.
func TestTheRuntimeRebuildsWithEnforcementOffAndTurnsItBackOn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := oneConnDB(t)
	m := runtime.NewMigrator()
	m.Register(crewMigrations...)

	if _, err := m.Up(ctx, db); err != nil {
		t.Fatalf("Up: %v", err)
	}
	assertLive(t, db, replayed(t, crewMigrations))
	original := crewRowsAsHeld(t)
	assertRows(t, db, "after Up", original)
	assertEnforced(t, db, "after Up")

	if _, err := m.Down(ctx, db, 1); err != nil {
		t.Fatalf("Down: %v", err)
	}
	assertLive(t, db, replayed(t, crewMigrations[:2]))
	assertRows(t, db, "after Down", original)
	assertEnforced(t, db, "after Down")
}

// A migration whose new foreign key rows break fails through the runtime,
// is rolled back, and the connection enforces foreign keys again.
func TestTheRuntimeRollsBackARebuildThatBreaksAForeignKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := oneConnDB(t)
	m := runtime.NewMigrator()
	m.Register(crewMigrations[:2]...)
	m.Register(runtime.Migration{ID: "0003_bad_mentors", Up: []schema.Operation{
		schema.RunSQL{SQL: `UPDATE "members" SET "mentor_id" = 99 WHERE "id" = 7`},
		schema.AddForeignKey{Table: "members", ForeignKey: mentorKey},
	}})

	_, err := m.Up(ctx, db)
	var failed *runtime.MigrationError
	if !errors.As(err, &failed) || failed.ID != "0003_bad_mentors" || !errors.Is(err, sqlite.ErrForeignKeyViolation) {
		t.Fatalf("Up: err = %v, want migration 0003_bad_mentors to fail with ErrForeignKeyViolation", err)
	}
	assertLive(t, db, replayed(t, crewMigrations[:2]))
	assertRows(t, db, "after the failed Up", crewRowsAsHeld(t))
	assertEnforced(t, db, "after the failed Up")
}

// oneConnDB returns an empty database with a single connection, which
// enforces foreign keys: the runtime and the test use it in turn, so the
// test sees the settings the runtime leaves.
func oneConnDB(t *testing.T) *sql.DB {
	t.Helper()
	db := testdb.SQLite(t)
	db.SetMaxOpenConns(1)
	return db
}

// replayed returns the schema the Up operations of ms build.
func replayed(t *testing.T, ms []runtime.Migration) *schema.Schema {
	t.Helper()
	s := &schema.Schema{}
	for _, m := range ms {
		s = applied(t, s, m.Up)
	}
	return s
}

// crewRowsAsHeld returns the rows a database holds once crewRows are in.
func crewRowsAsHeld(t *testing.T) tableRows {
	t.Helper()
	db, _ := crewDB(t)
	return rowsOf(t, db)
}

// assertEnforced fails the test unless db's connection enforces foreign
// keys again, with legacy_alter_table off, as before the run.
func assertEnforced(t *testing.T, db *sql.DB, when string) {
	t.Helper()
	var fks, legacy int
	if err := db.QueryRowContext(context.Background(), "SELECT foreign_keys, legacy_alter_table FROM pragma_foreign_keys, pragma_legacy_alter_table").Scan(&fks, &legacy); err != nil {
		t.Fatal(err)
	}
	if fks != 1 || legacy != 0 {
		t.Errorf("%s: foreign_keys = %d, legacy_alter_table = %d; want 1 and 0, as the app had them", when, fks, legacy)
	}
	if err := exec(db, `INSERT INTO "notes" ("member_id") VALUES (42)`); err == nil {
		t.Errorf("%s: a note for a member that does not exist went in", when)
	}
}
