package postgres

import "testing"

func TestRewritesNothing(t *testing.T) {
	cases := []struct {
		from, to string
		want     bool
	}{
		{"VARCHAR(100)", "VARCHAR(200)", true},
		{"VARCHAR(100)", "varchar(100)", true},
		{"VARCHAR(100)", "TEXT", true},
		{"VARCHAR(100)", "varchar", true},
		{"VARCHAR(200)", "VARCHAR(100)", false},
		{"TEXT", "VARCHAR(100)", false},
		{"numeric(10,2)", "numeric(12,2)", true},
		{"numeric(10,2)", "numeric", true},
		{"numeric(10,2)", "numeric(12,3)", false},
		{"bit varying(3)", "bit varying(5)", true},
		{"INTEGER", "BIGINT", false},
		{"TEXT", "JSONB", false},
	}
	for _, tc := range cases {
		if got := rewritesNothing(tc.from, tc.to); got != tc.want {
			t.Errorf("rewritesNothing(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}
