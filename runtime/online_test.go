package runtime_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// onlineChanges returns the users table, with rows, then a migration that
// changes it in every way that has an online form: an index, a unique
// constraint, a foreign key to a new table and a check.
func onlineChanges() []runtime.Migration {
	users := blog()[0]
	seed := runtime.Migration{
		ID: "0002_seed",
		Up: []schema.Operation{schema.RunSQL{SQL: `INSERT INTO "users" ("email") SELECT 'u' || g || '@example.com' FROM generate_series(1, 500) g`}},
	}
	change := runtime.Migration{
		ID: "0003_online",
		Up: []schema.Operation{
			schema.CreateTable{Table: schema.Table{
				Name:       "orgs",
				Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}},
				PrimaryKey: []string{"id"},
			}},
			schema.AddColumn{Table: "users", Column: schema.Column{Name: "org_id", Type: schema.Type{Kind: schema.Int64}, Nullable: true}},
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_org_id_idx", Columns: []string{"org_id"}}},
			schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_email_key", Columns: []string{"email"}}},
			schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{
				Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"},
			}},
			schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_email_check", Expr: "id > 0"}},
		},
		Down: []schema.Operation{
			schema.DropCheck{Table: "users", Name: "users_email_check"},
			schema.DropForeignKey{Table: "users", Name: "users_org_id_fkey"},
			schema.DropUnique{Table: "users", Name: "users_email_key"},
			schema.DropIndex{Table: "users", Name: "users_org_id_idx"},
			schema.DropColumn{Table: "users", Column: "org_id"},
			schema.DropTable{Name: "orgs"},
		},
	}
	return []runtime.Migration{users, seed, change}
}

// seededForOnline returns a new PostgreSQL database of the shared tests
// with the migrations of onlineChanges applied up to 0002_seed, the
// migrator and the migrations.
func seededForOnline(t *testing.T) (engine, *sql.DB, *runtime.Migrator, []runtime.Migration) {
	t.Helper()
	e := postgresEngine()
	db := e.open(t)
	ms := onlineChanges()
	m := newMigrator(ms...)
	if _, err := m.UpTo(context.Background(), db, "0002_seed"); err != nil {
		t.Fatal(err)
	}
	return e, db, m, ms
}

// postgresEngine returns the PostgreSQL engine of the shared tests.
func postgresEngine() engine { return engines[1] }

func TestChangesToAnExistingTableTakeTheirOnlineFormOnPostgreSQL(t *testing.T) {
	ctx := context.Background()
	e := postgresEngine()
	db := e.open(t)
	ms := onlineChanges()
	m := newMigrator(ms...)

	plan, err := m.Plan(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	online := plan[2]
	if !online.NonTransactional {
		t.Error("the plan does not say that the online migration runs part by part")
	}
	var outside, apart []string
	for _, st := range online.Steps {
		if st.Outside {
			outside = append(outside, st.SQL)
		}
		if st.Apart {
			apart = append(apart, st.SQL)
		}
	}
	wantOutside := []string{
		`CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_org_id_idx" ON "users" ("org_id")`,
		`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_email_key" ON "users" ("email")`,
	}
	wantApart := []string{
		`ALTER TABLE "users" VALIDATE CONSTRAINT "users_org_id_fkey"`,
		`ALTER TABLE "users" VALIDATE CONSTRAINT "users_email_check"`,
	}
	if diff := cmp.Diff(wantOutside, outside); diff != "" {
		t.Errorf("statements outside a transaction (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantApart, apart); diff != "" {
		t.Errorf("statements apart (-want +got):\n%s", diff)
	}

	results, err := m.Up(ctx, db)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	if diff := cmp.Diff([]string{"0001_create_users", "0002_seed", "0003_online"}, ids(results)); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	e.assertSchema(t, db, ms)
	assertValid(t, db)
	wantProgress(t, m, db, "0003_online", nil)

	if _, err := m.Down(ctx, db, 1); err != nil {
		t.Fatalf("Down: %v", err)
	}
	e.assertSchema(t, db, ms[:2])
	if _, err := m.Up(ctx, db); err != nil {
		t.Fatalf("Up again: %v", err)
	}
	e.assertSchema(t, db, ms)
}

// assertValid checks that every index of db is valid and every constraint
// validated.
func assertValid(t *testing.T, db *sql.DB) {
	t.Helper()
	var invalid []string
	rows, err := db.Query(`SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE NOT i.indisvalid AND c.relnamespace = current_schema()::regnamespace
UNION ALL SELECT conname FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		invalid = append(invalid, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(invalid) > 0 {
		t.Errorf("invalid indexes or constraints not validated: %v", invalid)
	}
}

func TestOfflineRendersThePlainForm(t *testing.T) {
	ctx := context.Background()
	e := postgresEngine()
	db := e.open(t)
	ms := onlineChanges()
	m := newMigrator(ms...)
	for _, opt := range []runtime.Option{runtime.WithOffline(), runtime.WithSingleTransaction()} {
		plan, err := m.Plan(ctx, db, opt)
		if err != nil {
			t.Fatal(err)
		}
		if plan[2].NonTransactional {
			t.Errorf("%T: the migration runs part by part", opt)
		}
		for _, st := range plan[2].Steps {
			if st.Outside || st.Apart || strings.Contains(st.SQL, "CONCURRENTLY") || strings.Contains(st.SQL, "NOT VALID") {
				t.Errorf("a statement in its online form: %s", st.SQL)
			}
		}
	}
	if _, err := m.Up(ctx, db, runtime.WithOffline()); err != nil {
		t.Fatalf("Up: %v", err)
	}
	e.assertSchema(t, db, ms)
	assertValid(t, db)
}

// blockUsers holds ACCESS SHARE on users in a transaction of a connection
// of its own, named blocker, as a long report would, until release is
// called.
func blockUsers(t *testing.T, db *sql.DB) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "SET application_name = 'blocker'"); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT count(*) FROM "users"`); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			_ = tx.Rollback()
			_ = conn.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// bioBehindABlocker returns a new PostgreSQL database where the first two
// migrations of blog(), ms, are registered in m and the first is applied:
// the second, which adds a column to users, waits for the lock that a
// session holds on users until release.
func bioBehindABlocker(t *testing.T) (e engine, db *sql.DB, m *runtime.Migrator, ms []runtime.Migration, release func()) {
	t.Helper()
	e = postgresEngine()
	db = e.open(t)
	ms = blog()[:2]
	m = newMigrator(ms...)
	if _, err := m.UpTo(context.Background(), db, ms[0].ID); err != nil {
		t.Fatal(err)
	}
	return e, db, m, ms, blockUsers(t, db)
}

func TestAStatementThatTimesOutWaitingForALockIsTriedAgain(t *testing.T) {
	ctx := context.Background()
	e, db, m, ms, release := bioBehindABlocker(t)
	time.AfterFunc(500*time.Millisecond, release)

	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	results, err := m.Up(ctx, db, runtime.WithStepTimeouts(50*time.Millisecond, time.Second), runtime.WithLogger(logger))
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	if diff := cmp.Diff([]string{"0002_add_users_bio"}, ids(results)); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	if !strings.Contains(log.String(), "trying the migration again") {
		t.Errorf("no warning of a try again in the log:\n%s", log.String())
	}
	e.assertSchema(t, db, ms)
}

func TestAStatementThatKeepsTimingOutNamesWhoHoldsTheLock(t *testing.T) {
	ctx := context.Background()
	e, db, m, ms := seededForOnline(t)
	release := blockUsers(t, db)

	start := time.Now()
	_, err := m.Up(ctx, db, runtime.WithStepTimeouts(20*time.Millisecond, time.Second))
	var me *runtime.MigrationError
	switch {
	case !errors.As(err, &me):
		t.Fatalf("Up = %v, want a *MigrationError", err)
	case me.SQLState != "55P03":
		t.Errorf("SQLState = %q, want 55P03", me.SQLState)
	case me.LockTries != runtime.LockRetries+1:
		t.Errorf("LockTries = %d, want %d", me.LockTries, runtime.LockRetries+1)
	case !strings.Contains(me.Blockers, `application "blocker"`) || !strings.Contains(me.Blockers, `AccessShareLock on "users"`):
		t.Errorf("Blockers = %q, want the blocker's session and its lock", me.Blockers)
	case !strings.Contains(err.Error(), "gave up after 6 tries; held by process"):
		t.Errorf("error = %v, want it to say how many tries and who holds the lock", err)
	}
	t.Logf("Up: %v", err)
	// The pauses double from 100ms, with jitter: at least 3.1s in all.
	if took := time.Since(start); took < 3*time.Second {
		t.Errorf("Up gave up after %s, too soon for its pauses", took)
	}
	release()
	wantOnlineApplied(t, e, db, m, ms, "once the lock is free")
}

// A revert in a transaction that keeps timing out names who holds the
// lock too: its transaction is rolled back before they are looked up.
func TestARevertThatKeepsTimingOutNamesWhoHoldsTheLock(t *testing.T) {
	ctx := context.Background()
	e := postgresEngine()
	db := e.open(t)
	ms := blog()[:2]
	m := newMigrator(ms...)
	if _, err := m.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	release := blockUsers(t, db)
	_, err := m.Down(ctx, db, 1, runtime.WithStepTimeouts(20*time.Millisecond, time.Second))
	var me *runtime.MigrationError
	switch {
	case !errors.As(err, &me):
		t.Fatalf("Down = %v, want a *MigrationError", err)
	case !me.Down || me.LockTries != runtime.LockRetries+1:
		t.Errorf("Down = %v, LockTries = %d; want a revert tried %d times", me.Down, me.LockTries, runtime.LockRetries+1)
	case !strings.Contains(me.Blockers, `application "blocker"`):
		t.Errorf("Blockers = %q, want the blocker's session (%v)", me.Blockers, err)
	}
	release()
	e.assertSchema(t, db, ms)
}

// wantOnlineApplied applies the migrations of m, ms, to db, where
// 0003_online alone is pending, and checks the schema they leave, every
// index valid and every constraint validated.
func wantOnlineApplied(t *testing.T, e engine, db *sql.DB, m *runtime.Migrator, ms []runtime.Migration, when string) {
	t.Helper()
	results, err := m.Up(context.Background(), db)
	if err != nil {
		t.Fatalf("Up %s: %v", when, err)
	}
	if diff := cmp.Diff([]string{"0003_online"}, ids(results)); diff != "" {
		t.Errorf("applied %s (-want +got):\n%s", when, diff)
	}
	e.assertSchema(t, db, ms)
	assertValid(t, db)
}

func TestAUniqueIndexBuildThatFailsIsClearedAndBuiltAgainOnceTheRowsAreFixed(t *testing.T) {
	ctx := context.Background()
	e, db, m, ms := seededForOnline(t)
	if _, err := db.Exec(`INSERT INTO "users" ("email") VALUES ('u7@example.com')`); err != nil {
		t.Fatal(err)
	}
	_, err := m.Up(ctx, db)
	var me *runtime.MigrationError
	switch {
	case !errors.As(err, &me):
		t.Fatalf("Up = %v, want a *MigrationError", err)
	case me.SQLState != "23505" || !strings.Contains(me.Detail(), "u7@example.com"):
		t.Errorf("error = %v (SQLSTATE %s), want a unique violation that names the key", err, me.SQLState)
	case me.Committed == 0:
		t.Errorf("Committed = 0, want the parts before the unique index")
	}
	var invalid int
	if err := db.QueryRow(`SELECT count(*) FROM pg_index WHERE NOT indisvalid`).Scan(&invalid); err != nil {
		t.Fatal(err)
	}
	if invalid == 0 {
		t.Log("PostgreSQL left no invalid index behind")
	}
	if _, err := db.Exec(`DELETE FROM "users" WHERE "id" = (SELECT max("id") FROM "users")`); err != nil {
		t.Fatal(err)
	}
	wantOnlineApplied(t, e, db, m, ms, "once the rows are fixed")
}

func TestSQLiteRendersNoOnlineForm(t *testing.T) {
	ctx := context.Background()
	db := engines[0].open(t)
	ms := blog()
	plan, err := newMigrator(ms...).Plan(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plan {
		if p.NonTransactional || len(p.Parts) != 1 {
			t.Errorf("migration %s runs in %d parts on SQLite", p.ID, len(p.Parts))
		}
	}
}

// onlineCrashRows is how many rows the table of onlineCrash holds: enough
// for the backfill to take several batches.
const onlineCrashRows = 12_000

// onlineCrashForms names the online forms the crash test kills, each with
// the operations of the migration that takes it.
var onlineCrashForms = []struct {
	name string
	ops  []schema.Operation
}{
	{"a concurrent index", []schema.Operation{
		schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_nick_idx", Columns: []string{"nick", "email"}}},
		schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_email_key", Columns: []string{"email"}}},
	}},
	{"NOT VALID then VALIDATE", []schema.Operation{
		schema.CreateTable{Table: schema.Table{
			Name:       "orgs",
			Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}},
			PrimaryKey: []string{"id"},
		}},
		schema.AddColumn{Table: "users", Column: schema.Column{Name: "org_id", Type: schema.Type{Kind: schema.Int64}, Nullable: true}},
		schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{
			Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"},
		}},
		schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_id_check", Expr: "id > 0"}},
	}},
	{"a batched backfill", []schema.Operation{
		schema.AlterColumn{Table: "users", Column: schema.Column{Name: "nick", Type: schema.Type{Kind: schema.Text}}, Backfill: "'anonymous'"},
	}},
}

// onlineCrash returns users filled with onlineCrashRows rows whose nick is
// NULL, then migration 0003_online, which changes it with the operations
// of the online form named form of onlineCrashForms.
func onlineCrash(form string) []runtime.Migration {
	seed := runtime.Migration{
		ID: "0002_seed",
		Up: []schema.Operation{
			schema.AddColumn{Table: "users", Column: schema.Column{Name: "nick", Type: schema.Type{Kind: schema.Text}, Nullable: true}},
			schema.RunSQL{SQL: fmt.Sprintf(`INSERT INTO "users" ("email") SELECT 'u' || g || '@example.com' FROM generate_series(1, %d) g`, onlineCrashRows)},
		},
	}
	change := runtime.Migration{ID: "0003_online"}
	for _, f := range onlineCrashForms {
		if f.name == form {
			change.Up = f.ops
		}
	}
	return []runtime.Migration{blog()[0], seed, change}
}

func TestKillingAnOnlineMigrationLeavesAStateTheNextRunFinishes(t *testing.T) {
	seed := *crashSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("kill times from -crash.seed=%d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	e := postgresEngine()
	for _, form := range onlineCrashForms {
		t.Run(form.name, func(t *testing.T) {
			killOnlineMigration(t, e, rng, form.name)
		})
	}
}

// killOnlineMigration kills, 20 times, a process applying the online
// migration of form with SIGKILL at a random point, and checks that the
// next Up finishes it: every index valid, every constraint validated, no
// NULL left, the schema the migrations build.
func killOnlineMigration(t *testing.T, e engine, rng *rand.Rand, form string) {
	ctx := context.Background()
	dsn := e.dsn(t)
	db := e.openDSN(t, dsn)
	ms := onlineCrash(form)
	m := newMigrator(ms...)
	prepare := func() {
		resetCrashDatabase(t, e, db)
		if _, err := m.UpTo(ctx, db, "0002_seed"); err != nil {
			t.Fatal(err)
		}
	}
	// Timed as the kills meet it: in a helper process of its own, from the
	// moment it says it started, which includes reading the ledger and
	// taking the lock. Timed in this process, with its pool warm, it took
	// a third of that when other packages' tests loaded the machine, and
	// every kill landed before the migration began.
	prepare()
	cmd := startCrashHelper(t, e, dsn, envCrashOnline+"="+form)
	start := time.Now()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the helper applying the online migration: %v", err)
	}
	took := time.Since(start)
	t.Logf("the online migration takes %v in a helper process", took)

	landed := map[string]int{}
	for kill := range 20 {
		prepare()
		cmd := startCrashHelper(t, e, dsn, envCrashOnline+"="+form)
		time.Sleep(time.Duration(rng.Int64N(int64(took))))
		killed := cmd.Process.Signal(syscall.SIGKILL) == nil
		_ = cmd.Wait()
		waitForKilledSession(t, db)
		switch p := progressOf(t, m, db, "0003_online"); {
		case !killed || p == nil && count(t, db, "strata_migrations") == 3:
			landed["after the migration"]++
		case p == nil:
			landed["before its first part"]++
		case p.Interrupted:
			landed[fmt.Sprintf("during statement %d, outside a transaction", p.Done+1)]++
		default:
			landed[fmt.Sprintf("after %d statements", p.Done)]++
		}
		if _, err := m.Up(ctx, db, runtime.WithLockTimeout(30*time.Second)); err != nil {
			t.Fatalf("kill %d: Up after the kill: %v", kill+1, err)
		}
		e.assertSchema(t, db, ms)
		assertValid(t, db)
		wantProgress(t, m, db, "0003_online", nil)
		if form == "a batched backfill" {
			var nulls int
			if err := db.QueryRow(`SELECT count(*) FROM "users" WHERE "nick" IS NULL`).Scan(&nulls); err != nil || nulls != 0 {
				t.Fatalf("kill %d: %d NULL nicks after the next Up (%v)", kill+1, nulls, err)
			}
		}
	}
	t.Logf("where the 20 kills landed: %v", landed)
	if landed["after the migration"]+landed["before its first part"] == 20 {
		t.Errorf("no kill landed inside the migration: %v", landed)
	}
}

// progressOf returns the progress m's status reports for migration id on
// db, or nil.
func progressOf(t *testing.T, m *runtime.Migrator, db *sql.DB, id string) *runtime.Progress {
	t.Helper()
	statuses, err := m.Status(context.Background(), db, runtime.WithAllowDrift())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range statuses {
		if s.ID == id {
			return s.Progress
		}
	}
	return nil
}

func TestTheTablesAMigrationListsOfflineKeepThePlainForm(t *testing.T) {
	ctx := context.Background()
	e := postgresEngine()
	db := e.open(t)
	ms := onlineChanges()
	ms[2].Offline = []string{"users"}
	more := runtime.Migration{
		ID: "0004_index_both",
		Up: []schema.Operation{
			schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_bio_idx", Columns: []string{"email", "id"}}},
			schema.CreateIndex{Table: "orgs", Index: schema.Index{Name: "orgs_id_idx", Columns: []string{"id"}}},
		},
		Offline: []string{"users"},
	}
	ms = append(ms, more)
	m := newMigrator(ms...)
	plan, err := m.Plan(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if plan[2].NonTransactional {
		t.Error("0003, whose table is offline, runs part by part")
	}
	var forms []string
	for _, st := range plan[3].Steps {
		forms = append(forms, st.SQL)
	}
	want := []string{
		`CREATE INDEX "users_bio_idx" ON "users" ("email", "id")`,
		`CREATE INDEX CONCURRENTLY IF NOT EXISTS "orgs_id_idx" ON "orgs" ("id")`,
	}
	if diff := cmp.Diff(want, forms); diff != "" {
		t.Errorf("0004's statements (-want +got):\n%s", diff)
	}
	steps, err := m.SQL("0004_index_both", postgresEngine().dialect, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0].Outside || !steps[1].Outside {
		t.Errorf("SQL renders 0004 as %+v, want users plain and orgs online", steps)
	}
	if _, err := m.Up(ctx, db); err != nil {
		t.Fatalf("Up: %v", err)
	}
	e.assertSchema(t, db, ms)
}
