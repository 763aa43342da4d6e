package testdb

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"
)

// EnvPgBouncer names the environment variable holding the URL of a
// PgBouncer in transaction pooling, in front of the server of
// [EnvPostgres], that forwards any database name to the database of that
// name on it, such as
// postgres://postgres@127.0.0.1:6433/test?sslmode=disable&default_query_exec_mode=exec.
//
// pgx must not use named prepared statements through PgBouncer 1.18 in
// transaction pooling, which hands each transaction to whichever server
// session is free: default_query_exec_mode=exec (or simple_protocol) in
// the URL keeps it from doing so.
const EnvPgBouncer = "STRATA_TEST_PGBOUNCER_URL"

// PgBouncerURL creates a new, empty PostgreSQL database for the test, as
// [PostgresURL] does, and returns two URLs of it: direct, to the server,
// and bounced, through the PgBouncer of [EnvPgBouncer]. The database is
// dropped when the test ends.
//
// Without [EnvPgBouncer] the test skips, saying how to enable it; when CI
// is set it fails instead.
func PgBouncerURL(t testing.TB) (direct, bounced string) {
	t.Helper()
	bouncer := bouncerURL(t)
	direct = PostgresURL(t)
	d, err := url.Parse(direct)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvPostgres, err)
	}
	b, err := url.Parse(bouncer)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvPgBouncer, err)
	}
	b.Path = d.Path
	bounced = b.String()

	db := open(t, bounced)
	defer func() { _ = db.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("testdb: the PgBouncer of %s does not reach the new database %s: is it in front of the server of %s? %v",
			EnvPgBouncer, d.Path[1:], EnvPostgres, err)
	}
	return direct, bounced
}

func bouncerURL(t testing.TB) string {
	t.Helper()
	bouncer := os.Getenv(EnvPgBouncer)
	if bouncer == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("testdb: %s is not set, and PgBouncer tests must run in CI", EnvPgBouncer)
		}
		t.Skipf("PgBouncer tests are off: set %s to a PgBouncer in transaction pooling in front of the server of %s, "+
			"for example to postgres://postgres@127.0.0.1:6433/test?sslmode=disable&default_query_exec_mode=exec "+
			"(.ci/run starts one)", EnvPgBouncer, EnvPostgres)
	}
	return bouncer
}
