package postgres

import (
	"testing"
	"time"
)

func TestInlineWritesArgumentsAsLiteralsOrDeclines(t *testing.T) {
	at := time.Date(2026, 12, 6, 23, 4, 5, 123456789, time.FixedZone("", 3600))
	for _, tc := range []struct {
		statement string
		args      []any
		want      string // "" when Inline declines
	}{
		{`INSERT INTO "t" (a, b, c, d) VALUES ($1, $2, $3, $4)`, []any{"0001_init", 7, int64(-3), at},
			`INSERT INTO "t" (a, b, c, d) VALUES ('0001_init', 7, -3, '2026-12-06 22:04:05.123456+00')`},
		{`UPDATE t SET b = $2 WHERE a = $1 AND "x$1" = '$1'`, []any{"k", 10}, `UPDATE t SET b = 10 WHERE a = 'k' AND "x$1" = '$1'`},
		{`INSERT INTO t VALUES ($1, $10)`, []any{"a"}, ""},
		{`DELETE FROM t WHERE id = $1`, []any{"it's"}, ""},
		{`DELETE FROM t WHERE id = $1`, []any{`back\slash`}, ""},
		{`DELETE FROM t WHERE id = $1`, []any{2.5}, ""},
		{`DELETE FROM t WHERE id = $1`, []any{"a", "unused"}, ""},
		{`SELECT $$text$$`, nil, ""},
	} {
		got, ok := Dialect{}.Inline(tc.statement, tc.args)
		if tc.want == "" {
			if ok {
				t.Errorf("Inline(%q, %v) = %q, want it to decline", tc.statement, tc.args, got)
			}
			continue
		}
		if !ok || got != tc.want {
			t.Errorf("Inline(%q, %v) = %q, %v; want %q", tc.statement, tc.args, got, ok, tc.want)
		}
	}
}
