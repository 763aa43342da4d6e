package sqltext_test

import (
	"testing"

	"github.com/strata-go/strata/internal/sqltext"
)

func TestClosingParenSkipsNestingAndQuotes(t *testing.T) {
	cases := []struct {
		s    string
		open int
		want int
	}{
		{"(a)", 0, 2},
		{"(a, (b, c)) d", 0, 10},
		{"x (a) (b)", 6, 8},
		{"(')')", 0, 4},
		{`(")" || ')')`, 0, 11},
		{"(a", 0, -1},
		{"(')", 0, -1},
	}
	for _, tc := range cases {
		if got := sqltext.ClosingParen(tc.s, tc.open); got != tc.want {
			t.Errorf("ClosingParen(%q, %d) = %d, want %d", tc.s, tc.open, got, tc.want)
		}
	}
}
