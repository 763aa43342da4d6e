package mysql

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
		{"INSERT INTO `t` (a, b, c, d) VALUES (?, ?, ?, ?)", []any{"0001_init", 7, int64(-3), at},
			"INSERT INTO `t` (a, b, c, d) VALUES ('0001_init', 7, -3, '2026-12-06 22:04:05.123456')"},
		{"SELECT `odd?name`, '?' FROM t WHERE id = ?", []any{"x"}, "SELECT `odd?name`, '?' FROM t WHERE id = 'x'"},
		{"DELETE FROM t WHERE id = ?", []any{"it's"}, ""},
		{"DELETE FROM t WHERE id = ?", []any{`back\slash`}, ""},
		{"DELETE FROM t WHERE id = ?", []any{1.5}, ""},
		{"DELETE FROM t WHERE id = ?", nil, ""},
		{"DELETE FROM t", []any{"extra"}, ""},
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
