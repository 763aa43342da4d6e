package introspect_test

import (
	"context"
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
	for _, stmt := range []string{
		"CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0)",
		"CREATE DOMAIN percent AS posint DEFAULT 50 CHECK (VALUE <= 100)",
		"CREATE TABLE scores (id bigint PRIMARY KEY, pct percent)",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
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
