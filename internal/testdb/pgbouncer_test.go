package testdb_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/strata-go/strata/internal/testdb"
)

// lockKey is the key of the session advisory locks the tests take.
const lockKey = 4242

func TestPgBouncerPoolsTheTestDatabaseInTransactionMode(t *testing.T) {
	ctx := context.Background()
	direct, bounced := testdb.PgBouncerURL(t)
	name := databaseName(t, direct)
	if got := databaseName(t, bounced); got != name {
		t.Fatalf("the bouncer URL names database %q, want %q", got, name)
	}

	// A query through the bouncer reaches the new database, with parameters
	// and after DDL.
	client := connect(t, bounced)
	for _, stmt := range []string{"CREATE TABLE probe (id BIGINT PRIMARY KEY, label TEXT NOT NULL)", "ALTER TABLE probe ADD COLUMN note TEXT"} {
		if _, err := client.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s through the bouncer: %v", stmt, err)
		}
	}
	for i := range 3 {
		if _, err := client.Exec(ctx, "INSERT INTO probe (id, label) VALUES ($1, $2)", int64(i), "row"); err != nil {
			t.Fatalf("insert with parameters through the bouncer: %v", err)
		}
	}
	var n int
	if err := client.QueryRow(ctx, "SELECT count(*) FROM probe WHERE label = $1 AND current_database() = $2", "row", name).Scan(&n); err != nil || n != 3 {
		t.Fatalf("count through the bouncer = %d, %v; want 3, nil", n, err)
	}

	admin := connect(t, adminURL(t))
	if got := showValue(t, admin, "SHOW CONFIG", "key", "pool_mode", "value"); got != "transaction" {
		t.Errorf("SHOW CONFIG: pool_mode = %q, want transaction", got)
	}
	if got := showValue(t, admin, "SHOW POOLS", "database", name, "pool_mode"); got != "transaction" {
		t.Errorf("SHOW POOLS: the pool of %s runs in mode %q, want transaction", name, got)
	}
}

func TestASessionLockTakenThroughPgBouncerOutlivesItsClientAndGoesToTheNextOne(t *testing.T) {
	ctx := context.Background()
	direct, bounced := testdb.PgBouncerURL(t)
	server := connect(t, direct)
	// held reports whether a session holds the lock, as the server sees it.
	held := func(t *testing.T) bool {
		t.Helper()
		var n int
		err := server.QueryRow(ctx, `SELECT count(*) FROM pg_locks
WHERE locktype = 'advisory' AND granted AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
			lockKey).Scan(&n)
		if err != nil {
			t.Fatalf("look for the lock: %v", err)
		}
		return n > 0
	}
	// takeThenTry has one client take the lock and a second try to, while
	// the first is connected; then both disconnect. It reports whether the
	// second got the lock too.
	takeThenTry := func(t *testing.T, url string) bool {
		t.Helper()
		first, second := connect(t, url), connect(t, url)
		if _, err := first.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
			t.Fatalf("the first client takes the lock: %v", err)
		}
		var got bool
		if err := second.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", lockKey).Scan(&got); err != nil {
			t.Fatalf("the second client tries to take the lock: %v", err)
		}
		_ = first.Close(ctx)
		_ = second.Close(ctx)
		return got
	}

	t.Run("directly, the lock is the first client's alone and ends with its session", func(t *testing.T) {
		if takeThenTry(t, direct) {
			t.Error("the second client took the lock the first held")
		}
		deadline := time.Now().Add(10 * time.Second)
		for held(t) {
			if time.Now().After(deadline) {
				t.Fatal("the lock is still held 10s after both clients disconnected")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	// Through PgBouncer, the lock belongs to the server session that ran
	// the statement, which goes back to the pool when the statement's
	// transaction ends: the second client is handed the same session (the
	// pool of this fresh database has no other), lock included, and the
	// lock outlives both clients.
	t.Run("through PgBouncer, the second client gets the lock too and it outlives both", func(t *testing.T) {
		if !takeThenTry(t, bounced) {
			t.Error("the second client could not take the lock: did it get a server session of its own?")
		}
		if !held(t) {
			t.Error("the lock was released when its clients disconnected")
		}
	})
}

func TestThroughPgBouncerPgxMustNotNameItsPreparedStatements(t *testing.T) {
	_, bounced := testdb.PgBouncerURL(t)
	// twoClients runs one query with a parameter on two clients in turn, in
	// the given default_query_exec_mode, and returns the second's error.
	// The pool of this fresh database holds one server session, which both
	// are handed.
	twoClients := func(mode string) error {
		t.Helper()
		u, err := url.Parse(bounced)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("default_query_exec_mode", mode)
		u.RawQuery = q.Encode()
		first, second := connect(t, u.String()), connect(t, u.String())
		const query = "SELECT $1::int + 1"
		var n int
		if err := first.QueryRow(context.Background(), query, 1).Scan(&n); err != nil {
			t.Fatalf("the first client: %v", err)
		}
		return second.QueryRow(context.Background(), query, 1).Scan(&n)
	}

	t.Run("with pgx's default, cache_statement, the second finds the first's statement on its session", func(t *testing.T) {
		var pgErr *pgconn.PgError
		if err := twoClients("cache_statement"); !errors.As(err, &pgErr) || pgErr.Code != "42P05" {
			t.Errorf("the second client: %v; want a duplicate_prepared_statement error (SQLSTATE 42P05)", err)
		}
	})
	for _, mode := range []string{"exec", "simple_protocol"} {
		t.Run("with "+mode+", both run the query", func(t *testing.T) {
			if err := twoClients(mode); err != nil {
				t.Errorf("the second client: %v", err)
			}
		})
	}
}

// connect opens a pgx connection to url, closed when the test ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// adminURL returns the URL of PgBouncer's admin console: its database
// pgbouncer.
func adminURL(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(os.Getenv(testdb.EnvPgBouncer))
	if err != nil {
		t.Fatalf("%s: %v", testdb.EnvPgBouncer, err)
	}
	u.Path = "/pgbouncer"
	return u.String()
}

// databaseName returns the name of the database of a postgres:// URL.
func databaseName(t *testing.T, u string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(parsed.Path, "/")
}

// showValue runs an admin console command, which speaks only the simple
// query protocol, and returns the column want of its row whose column
// match is key.
func showValue(t *testing.T, admin *pgx.Conn, command, match, key, want string) string {
	t.Helper()
	results, err := admin.PgConn().Exec(context.Background(), command).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	for _, res := range results {
		columns := map[string]int{}
		for i, f := range res.FieldDescriptions {
			columns[f.Name] = i
		}
		m, okMatch := columns[match]
		w, okWant := columns[want]
		if !okMatch || !okWant {
			t.Fatalf("%s has no column %s or %s", command, match, want)
		}
		for _, row := range res.Rows {
			if string(row[m]) == key {
				return string(row[w])
			}
		}
	}
	t.Fatalf("%s has no row whose %s is %q", command, match, key)
	return ""
}
