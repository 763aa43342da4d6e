package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// authRelease returns the migrations of release n (1 to 3) of a library
// set "auth": users, then sessions referencing them, then a locale on
// users.
func authRelease(n int) []runtime.Migration {
	all := []runtime.Migration{
		{
			ID: "0001_initial",
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "users",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}},
				},
				PrimaryKey: []string{"id"},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: "users"}},
		},
		{
			ID: "0002_create_sessions",
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "sessions",
				Columns: []schema.Column{
					{Name: "token", Type: schema.Type{Kind: schema.Text, Size: 64}},
					{Name: "user_id", Type: schema.Type{Kind: schema.Int64}},
				},
				PrimaryKey:  []string{"token"},
				ForeignKeys: []schema.ForeignKey{{Name: "sessions_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}}},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: "sessions"}},
		},
		{
			ID:   "0003_add_users_locale",
			Up:   []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{Name: "locale", Type: schema.Type{Kind: schema.Text, Size: 16}, Nullable: true}}},
			Down: []schema.Operation{schema.DropColumn{Table: "users", Column: "locale"}},
		},
	}
	return all[:n]
}

// appRelease returns the migrations of release n (1 to 3) of an app that
// includes "auth": posts by users, made against auth's first release; a
// nickname that extends auth's users, made against its second; an index
// on it, made against its third.
func appRelease(n int) []runtime.Migration {
	all := []runtime.Migration{
		{
			ID:        "0001_initial",
			DependsOn: []string{"auth/0001_initial"},
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "posts",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "user_id", Type: schema.Type{Kind: schema.Int64}},
				},
				PrimaryKey:  []string{"id"},
				ForeignKeys: []schema.ForeignKey{{Name: "posts_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}}},
			}}},
			Down: []schema.Operation{schema.DropTable{Name: "posts"}},
		},
		{
			ID:        "0002_add_users_nickname",
			DependsOn: []string{"auth/0002_create_sessions"},
			Up:        []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{Name: "nickname", Type: schema.Type{Kind: schema.Text, Size: 40}, Nullable: true}}},
			Down:      []schema.Operation{schema.DropColumn{Table: "users", Column: "nickname"}},
		},
		{
			ID:        "0003_index_users_nickname",
			DependsOn: []string{"auth/0003_add_users_locale"},
			Up:        []schema.Operation{schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_nickname_idx", Columns: []string{"nickname"}}}},
			Down:      []schema.Operation{schema.DropIndex{Table: "users", Name: "users_nickname_idx"}},
		},
	}
	return all[:n]
}

// withAuth returns an app's Migrator holding app and including a set
// "auth" holding auth.
func withAuth(app, auth []runtime.Migration) (*runtime.Migrator, *runtime.Migrator) {
	set := runtime.NewSet("auth")
	set.Register(auth...)
	m := newMigrator(app...)
	m.Include(set)
	return m, set
}

// migrationIDs returns the IDs of ms.
func migrationIDs(ms []runtime.Migration) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestSetsRunInTheOrderOfTheirDependenciesTheAppsFirst(t *testing.T) {
	m, _ := withAuth(appRelease(3), authRelease(3))
	want := []string{
		"auth/0001_initial",
		"0001_initial", // ready once auth/0001 ran: before auth/0002
		"auth/0002_create_sessions",
		"0002_add_users_nickname",
		"auth/0003_add_users_locale",
		"0003_index_users_nickname",
	}
	if diff := cmp.Diff(want, migrationIDs(m.Migrations())); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}

	// A set that depends on another runs before it when both could: its
	// migration was made against the other's earlier release.
	base := runtime.NewSet("a_base")
	base.Register(runtime.Migration{ID: "0001"}, runtime.Migration{ID: "0002"})
	ext := runtime.NewSet("z_ext")
	ext.Register(runtime.Migration{ID: "0001", DependsOn: []string{"a_base/0001"}})
	ext.Include(base)
	app := runtime.NewMigrator()
	app.Include(base, ext)
	want = []string{"a_base/0001", "z_ext/0001", "a_base/0002"}
	if diff := cmp.Diff(want, migrationIDs(app.Migrations())); diff != "" {
		t.Errorf("order with a set depending on another (-want +got):\n%s", diff)
	}

	// Alone, a set's migrations keep their qualified IDs.
	set := runtime.NewSet("auth")
	set.Register(authRelease(2)...)
	if diff := cmp.Diff([]string{"auth/0001_initial", "auth/0002_create_sessions"}, migrationIDs(set.Migrations())); diff != "" {
		t.Errorf("a set alone (-want +got):\n%s", diff)
	}
}

func TestSetsThatCannotRunSayWhy(t *testing.T) {
	db := engines[0].open(t)
	ctx := context.Background()

	missing, _ := withAuth(appRelease(2), authRelease(1)) // auth's release 1 lacks 0002
	if _, err := missing.Up(ctx, db); err == nil || !strings.Contains(err.Error(), "0002_add_users_nickname depends on auth/0002_create_sessions, which is not registered") {
		t.Errorf("Up with a dependency no set registers = %v", err)
	}
	notIncluded := newMigrator(appRelease(1)...)
	if _, err := notIncluded.Up(ctx, db); err == nil || !strings.Contains(err.Error(), `include set "auth"`) {
		t.Errorf("Up with a set not included = %v", err)
	}

	a, b := runtime.NewSet("a"), runtime.NewSet("b")
	a.Register(runtime.Migration{ID: "0001", DependsOn: []string{"b/0001"}})
	b.Register(runtime.Migration{ID: "0001", DependsOn: []string{"a/0001"}})
	cycle := runtime.NewMigrator()
	cycle.Include(a, b)
	if _, err := cycle.Up(ctx, db); err == nil || !strings.Contains(err.Error(), "wait for each other: a/0001 waits for b/0001; b/0001 waits for a/0001") {
		t.Errorf("Up with sets waiting for each other = %v", err)
	}

	twins := runtime.NewMigrator()
	twins.Include(runtime.NewSet("auth"))
	twins.Include(runtime.NewSet("auth"))
	if _, err := twins.Up(ctx, db); err == nil || !strings.Contains(err.Error(), `two different sets are named "auth"`) {
		t.Errorf("Up with two sets of one name = %v", err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("the refused runs left %d tables (%v)", tables, err)
	}

	for _, c := range []struct {
		name string
		call func()
		want string
	}{
		{"a '/' in an ID", func() { runtime.NewMigrator().Register(runtime.Migration{ID: "auth/0001"}) }, "has a '/' in its ID"},
		{"a set without a name", func() { runtime.NewMigrator().Include(runtime.NewMigrator()) }, "made by NewSet"},
		{"a bad set name", func() { runtime.NewSet("auth/v2") }, "is not a set name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if got := fmt.Sprint(recover()); !strings.Contains(got, c.want) {
					t.Errorf("panic %q, want it to say %q", got, c.want)
				}
			}()
			c.call()
		})
	}
}

// An app and a library evolve, in both orders of release: the database
// always holds what the migrations build, each set's checksums chain
// within the set, and Down reverts everything in the reverse order.
func TestTwoSetsEvolveInEitherOrderOfReleaseAndRevertToNothing(t *testing.T) {
	orders := map[string][][2]int{ // releases of (app, auth), one deploy each
		"library first": {{0, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 3}, {3, 3}},
		"app first":     {{1, 1}, {1, 2}, {2, 2}, {2, 3}, {3, 3}},
	}
	onEachEngine(t, func(t *testing.T, e engine) {
		for name, deploys := range orders {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				db := e.open(t)
				var m *runtime.Migrator
				for _, d := range deploys {
					m, _ = withAuth(appRelease(d[0]), authRelease(d[1]))
					if _, err := m.Up(ctx, db); err != nil {
						t.Fatalf("deploy app %d, auth %d: %v", d[0], d[1], err)
					}
					e.assertSchema(t, db, m.Migrations())
					wantSetLedger(t, db, e, m)
				}
				statuses, err := m.Status(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, st := range statuses {
					got = append(got, st.ID+" "+string(st.State))
				}
				var want []string
				for _, mig := range m.Migrations() {
					want = append(want, mig.ID+" "+string(runtime.StateApplied))
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("status (-want +got):\n%s", diff)
				}
				results, err := m.Down(ctx, db, 100)
				if err != nil {
					t.Fatal(err)
				}
				reverse := migrationIDs(m.Migrations())
				slices.Reverse(reverse)
				for k := range reverse {
					reverse[k] += " down"
				}
				if diff := cmp.Diff(reverse, ids(results)); diff != "" {
					t.Errorf("Down reverted (-want +got):\n%s", diff)
				}
				e.assertSchema(t, db, nil)
			})
		}
	})
}

// wantSetLedger checks that the ledger of db records every migration of
// m, each with the checksum of its Up operations chained to the row
// before it in its set.
func wantSetLedger(t *testing.T, db *sql.DB, e engine, m *runtime.Migrator) {
	t.Helper()
	prev := map[string]string{} // by set
	want := map[string]string{}
	for _, mig := range m.Migrations() {
		set, _, _ := strings.Cut(mig.ID, "/")
		if !strings.Contains(mig.ID, "/") {
			set = ""
		}
		prev[set] = opsChecksum(prev[set], e.dialect, mig)
		want[mig.ID] = prev[set]
	}
	got := map[string]string{}
	for _, row := range readLedger(t, db, runtime.DefaultLedgerTable) {
		got[row.ID] = row.Checksum
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ledger checksums (-want +got):\n%s", diff)
	}
}

// Integrity is judged within each set: a pending migration of one set is
// not out of order for the applied migrations of another, unless one of
// them depends on it; an edit in a set's migration is drift; a set a
// later build applied further is the future.
func TestTheLedgerOfEachSetIsCheckedOnItsOwn(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m, _ := withAuth(appRelease(2), authRelease(2))
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}

		// A build with auth's next release: pending after the app's
		// applied migrations, in its own set, so not out of order.
		next, _ := withAuth(appRelease(2), authRelease(3))
		statuses, err := next.Status(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if got := stateOf(statuses, "auth/0003_add_users_locale"); got != runtime.StatePending {
			t.Errorf("auth/0003 is %s, want pending", got)
		}

		// A migration of auth reverted behind the app's back: the app's
		// migration that depends on it is applied, so it is out of order.
		if _, err := db.ExecContext(ctx, e.sql("DELETE FROM strata_migrations WHERE id = $1"), "auth/0002_create_sessions"); err != nil {
			t.Fatal(err)
		}
		_, err = m.Up(ctx, db)
		var drift *runtime.DriftError
		if !errors.As(err, &drift) || !strings.Contains(err.Error(), "migration auth/0002_create_sessions is pending but 0002_add_users_nickname, which is applied, depends on it") {
			t.Errorf("Up with a dependency of an applied migration pending = %v", err)
		}
		if _, err := m.Fake(ctx, db, "auth/0002_create_sessions"); err != nil {
			t.Fatal(err)
		}
		// The fake recorded the checksum the chain expects: no drift.
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}

		// The database ahead of this build in one set: future, left alone.
		if _, err := next.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		if results, err := m.Up(ctx, db); err != nil || len(results) != 0 {
			t.Errorf("Up of the older build = %v, %v; want nothing to do", ids(results), err)
		}
		statuses, err = m.Status(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if got := stateOf(statuses, "auth/0003_add_users_locale"); got != runtime.StateFuture {
			t.Errorf("auth/0003 seen by the older build is %s, want future", got)
		}

		// An edit of a set's applied migration.
		edited := authRelease(3)
		edited[0].Up = append(edited[0].Up, schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_email_idx", Columns: []string{"email"}}})
		changed, _ := withAuth(appRelease(2), edited)
		_, err = changed.Up(ctx, db)
		if !errors.As(err, &drift) || len(drift.Drift) != 1 || drift.Drift[0].ID != "auth/0001_initial" || drift.Drift[0].State != runtime.StateEdited {
			t.Errorf("Up with an edited migration of auth = %v", err)
		}
	})
}

// stateOf returns the state statuses give migration id, "" when none.
func stateOf(statuses []runtime.MigrationStatus, id string) runtime.State {
	for _, st := range statuses {
		if st.ID == id {
			return st.State
		}
	}
	return ""
}

// A set applied alone (in the library's own tests, say) records its
// qualified IDs, so an app that includes it later finds it applied; every
// command takes qualified IDs.
func TestASetAppliedAloneIsFoundAppliedByTheAppThatIncludesIt(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		set := runtime.NewSet("auth")
		set.Register(authRelease(2)...)
		if _, err := set.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		m, _ := withAuth(appRelease(3), authRelease(3))
		results, err := m.UpTo(ctx, db, "0002_add_users_nickname")
		if err != nil {
			t.Fatal(err)
		}
		wantIDs(t, "UpTo", results, "0001_initial", "0002_add_users_nickname")
		results, err = m.Up(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		wantIDs(t, "Up", results, "auth/0003_add_users_locale", "0003_index_users_nickname")
		results, err = m.DownTo(ctx, db, "auth/0002_create_sessions")
		if err != nil {
			t.Fatal(err)
		}
		wantIDs(t, "DownTo", results, "0003_index_users_nickname down", "auth/0003_add_users_locale down", "0002_add_users_nickname down")
		steps, err := m.SQL("auth/0003_add_users_locale", e.dialect, false)
		if err != nil || len(steps) == 0 || !strings.Contains(steps[0].SQL, "locale") {
			t.Errorf("SQL of auth/0003 = %v, %v", steps, err)
		}
		e.assertSchema(t, db, m.Migrations()[:3])
	})
}

// Replicas starting together apply an app of two sets exactly once, in
// the order of their dependencies: each migration also appends its ID to
// a log table, whose key refuses a second entry of one position.
func TestReplicasApplyTwoSetsExactlyOnceInOrder(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		dsn := e.dsn(t)
		logged := func(ms []runtime.Migration, prefix string) []runtime.Migration {
			out := slices.Clone(ms)
			for k := range out {
				out[k].Up = append(slices.Clip(out[k].Up), schema.RunSQL{SQL: fmt.Sprintf(
					"INSERT INTO steps (n, id) SELECT n, '%s%s' FROM (SELECT count(*) + 1 AS n FROM steps) AS c", prefix, out[k].ID)})
			}
			return out
		}
		auth := authRelease(3)
		auth[0].Up = append(slices.Clip(auth[0].Up), schema.CreateTable{Table: schema.Table{
			Name: "steps",
			Columns: []schema.Column{
				{Name: "n", Type: schema.Type{Kind: schema.Int64}},
				{Name: "id", Type: schema.Type{Kind: schema.Text, Size: 100}},
			},
			PrimaryKey: []string{"n"},
		}})
		app, lib := logged(appRelease(3), ""), logged(auth, "auth/")
		const replicas = 8
		var wg sync.WaitGroup
		applied := make([][]runtime.Result, replicas)
		errs := make([]error, replicas)
		for k := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db := e.openDSN(t, dsn)
				m, _ := withAuth(app, lib)
				applied[k], errs[k] = m.Up(ctx, db)
			}()
		}
		wg.Wait()
		var all []string
		for k := range replicas {
			if errs[k] != nil {
				t.Errorf("replica %d: %v", k, errs[k])
			}
			all = append(all, ids(applied[k])...)
		}
		m, _ := withAuth(app, lib)
		want := migrationIDs(m.Migrations())
		if got := slices.Sorted(slices.Values(all)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("the replicas applied %v, want each of %v once", all, want)
		}
		db := e.openDSN(t, dsn)
		rows, err := db.QueryContext(ctx, "SELECT id FROM steps ORDER BY n")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = rows.Close() }()
		var ran []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ran = append(ran, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, ran); diff != "" {
			t.Errorf("the order the migrations ran in (-want +got):\n%s", diff)
		}
	})
}

// A dependency on a migration that a squash of its set replaced is met by
// the squash.
func TestADependencyOnASquashedMigrationIsMetByTheSquash(t *testing.T) {
	auth := runtime.NewSet("auth")
	auth.Register(runtime.Migration{ID: "0002_initial_squashed", Replaces: []string{"0001_initial", "0002_create_sessions"}},
		runtime.Migration{ID: "0003_add_users_locale"})
	m := runtime.NewMigrator()
	m.Register(runtime.Migration{ID: "0001_initial", DependsOn: []string{"auth/0001_initial"}})
	m.Include(auth)
	want := []string{"auth/0002_initial_squashed", "0001_initial", "auth/0003_add_users_locale"}
	if diff := cmp.Diff(want, migrationIDs(m.Migrations())); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if _, err := m.Status(context.Background(), engines[0].open(t)); err != nil {
		t.Errorf("Status: %v", err)
	}
}

// An app puts a table of its own in the place of a set's users: the set's
// migrations leave users out, their foreign keys reference the app's
// table, and they run after the app's migration that makes it.
func TestAnAppReplacesATableOfASetByItsOwn(t *testing.T) {
	accounts := runtime.Migration{
		ID: "0001_initial",
		Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "accounts",
			Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Kind: schema.Int64}},
				{Name: "login", Type: schema.Type{Kind: schema.Text, Size: 64}},
			},
			PrimaryKey: []string{"id"},
		}}},
		Down: []schema.Operation{schema.DropTable{Name: "accounts"}},
	}
	build := func() *runtime.Migrator {
		set := runtime.NewSet("auth")
		set.Register(authRelease(3)...)
		m := newMigrator(accounts)
		m.Include(set.Replacing("users", "accounts"))
		return m
	}
	want := []string{"0001_initial", "auth/0001_initial", "auth/0002_create_sessions", "auth/0003_add_users_locale"}
	if diff := cmp.Diff(want, migrationIDs(build().Migrations())); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := build()
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		e.assertSchema(t, db, m.Migrations())
		got, err := e.inspect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if got.Table("users") != nil || got.Table("sessions") == nil || got.Table("sessions").ForeignKeys[0].RefTable != "accounts" {
			t.Errorf("the live schema keeps users, or sessions does not reference accounts: %+v", got.Tables)
		}
		if _, err := m.Down(ctx, db, 10); err != nil {
			t.Fatal(err)
		}
		e.assertSchema(t, db, nil)
	})

	// No migration of the app makes the table: every run says so.
	set := runtime.NewSet("auth")
	set.Register(authRelease(2)...)
	m := runtime.NewMigrator()
	m.Include(set.Replacing("users", "accounts"))
	if _, err := m.Up(context.Background(), engines[0].open(t)); err == nil || !strings.Contains(err.Error(), "references accounts, which replaces users of set auth, and no migration of the app makes accounts") {
		t.Errorf("Up without the app's table = %v", err)
	}
}
