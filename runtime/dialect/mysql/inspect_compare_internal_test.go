package mysql

import "testing"

func TestNormalizeExprReadsTheModelAndMySQLAlike(t *testing.T) {
	cases := []struct{ model, printed string }{
		{"age >= 0", "`age` >= 0"},
		{`(body <> 'draft') AND (body <> '"draft"')`, "`body` <> 'draft' and `body` <> '\"draft\"'"},
		{`"Title" <> 'draft' OR "Title" IS NULL`, "`Title` <> 'draft' or `Title` is null"},
		{"price IN (1, 2) OR email LIKE '%@%'", "`price` in (1,2) or `email` like '%@%'"},
		{"(a > 0 OR b > 0) AND c > 0", "(`a` > 0 or `b` > 0) and `c` > 0"},
		{"a != -1", "`a` <> -1"},
		{"-1.5", "-1.5"},
		{"x - 1 > 0", "`x` - 1 > 0"},
		{"json_valid(j)", "json_valid(`j`)"},
		{"(uuid())", "uuid()"},
	}
	for _, tc := range cases {
		if m, p := normalizeExpr(tc.model), normalizeExpr(tc.printed); m != p {
			t.Errorf("normalizeExpr(%q) = %q, normalizeExpr(%q) = %q; want them equal", tc.model, m, tc.printed, p)
		}
	}
	if a, b := normalizeExpr("(a OR b) AND c"), normalizeExpr("a OR b AND c"); a == b {
		t.Errorf("(a OR b) AND c and a OR b AND c both normalise to %q", a)
	}
}
