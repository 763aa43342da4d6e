package introspect_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator/introspect"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/schema"
)

// A column whose domain is built on another domain takes the type at the
// end of the chain, the NOT NULL and checks of every domain of it, and
// the nearest default: it admits exactly the values it admitted.
func TestReadGivesAColumnOfADomainOnADomainWhatEveryDomainSays(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	execAll(t, db,
		"CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0)",
		"CREATE DOMAIN percent AS posint DEFAULT 50 CHECK (VALUE <= 100)",
		"CREATE TABLE scores (id bigint PRIMARY KEY, pct percent)",
	)
	res, err := introspect.Read(ctx, db, "postgres", nil)
	if err != nil {
		t.Fatal(err)
	}
	scores := res.Schema.Table("scores")
	if scores == nil || scores.Column("pct") == nil {
		t.Fatalf("no column scores.pct in %+v", res.Schema.Tables)
	}
	pct := *scores.Column("pct")
	want := schema.Column{Name: "pct", Type: schema.Type{Kind: schema.Int32}, Default: "50"}
	if pct.Name != want.Name || pct.Type.Kind != want.Type.Kind || len(pct.Type.Custom) != 0 || pct.Nullable || pct.Default != want.Default {
		t.Errorf("scores.pct = %+v, want %+v", pct, want)
	}
	if len(scores.Checks) != 1 || scores.Checks[0].Name != "scores_pct_check" ||
		!strings.Contains(scores.Checks[0].Expr, "pct > 0") || !strings.Contains(scores.Checks[0].Expr, "pct <= 100") {
		t.Errorf("scores has the checks %+v, want scores_pct_check holding both domains' checks", scores.Checks)
	}
	listed := strings.Join(res.Skipped, "\n")
	for _, line := range []string{
		"domain percent: domains are not in the model language; its columns (scores.pct) take its base type integer",
		"domain posint: domains are not in the model language, and no column uses it (integer)",
	} {
		if !strings.Contains(listed, line) {
			t.Errorf("Read lists no %q; it lists:\n  %s", line, strings.Join(res.Skipped, "\n  "))
		}
	}
}

// What extensions create (their types, functions, operators) is theirs:
// Read lists each extension once, for a RunSQL step to create it, and
// none of its objects; a column of an extension's type keeps the type by
// name. A serial column, a partitioned table and its partitions, and an
// index other than a B-tree are listed with what the models make of them.
func TestReadListsExtensionsOnceAndNoneOfTheirObjects(t *testing.T) {
	ctx := context.Background()
	db := testdb.Postgres(t)
	execAll(t, db,
		"CREATE EXTENSION citext",
		"CREATE EXTENSION pg_trgm",
		"CREATE TABLE people (id serial PRIMARY KEY, email citext NOT NULL, name text NOT NULL)",
		"CREATE INDEX people_name_trgm ON people USING gin (name gin_trgm_ops)",
		"CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
		"CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
	)
	res, err := introspect.Read(ctx, db, "postgres", nil)
	if err != nil {
		t.Fatal(err)
	}
	listed := strings.Join(res.Skipped, "\n")
	for _, line := range []string{
		"extension citext: create it in a RunSQL step of the first migration",
		"extension pg_trgm: create it in a RunSQL step of the first migration",
		"column people.id: serial (DEFAULT nextval('people_id_seq'::regclass)); the models make it an identity column",
		"index people_name_trgm on people: CREATE INDEX people_name_trgm ON public.people USING gin (name gin_trgm_ops); strata's indexes are B-trees, so it is left out",
		"table events: partitioned (PARTITION BY RANGE (at))",
		"table events_2026: a partition of events (FOR VALUES FROM ('2026-01-01') TO ('2027-01-01'))",
	} {
		if !strings.Contains(listed, line) {
			t.Errorf("Read lists no %q; it lists:\n  %s", line, strings.Join(res.Skipped, "\n  "))
		}
	}
	for _, line := range res.Skipped {
		if strings.HasPrefix(line, "function ") || strings.HasPrefix(line, "type ") || strings.HasPrefix(line, "operator ") {
			t.Errorf("Read lists %q, an object of an extension", line)
		}
	}
	people := res.Schema.Table("people")
	if people == nil || people.Column("email") == nil {
		t.Fatalf("no column people.email in %+v", res.Schema.Tables)
	}
	if sql, ok := people.Column("email").Type.CustomFor("postgres"); !ok || sql != "citext" {
		t.Errorf("people.email has the type %+v, want citext", people.Column("email").Type)
	}
	if len(people.Indexes) != 0 {
		t.Errorf("people has the indexes %+v, want none: the GIN index is left out", people.Indexes)
	}
	if res.Schema.Table("events_2026") != nil {
		t.Errorf("the partition events_2026 is a table of the schema; it should be left out")
	}
}

// execAll runs stmts on db, in order, and fails the test at the first
// that fails.
func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, stmt := range stmts {
		if _, err := db.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}
