package sqlite_test

import (
	"testing"

	"github.com/strata-go/strata/runtime/dialect/sqlite"
)

func TestQuoteIdentAlwaysQuotes(t *testing.T) {
	cases := map[string]string{
		"users":      `"users"`,
		"Users":      `"Users"`,
		"select":     `"select"`,
		`say "hi"`:   `"say ""hi"""`,
		"with space": `"with space"`,
		"":           `""`,
		"café":       `"café"`,
	}
	for in, want := range cases {
		if got := (sqlite.Dialect{}).QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestNameIsSQLite(t *testing.T) {
	if got := (sqlite.Dialect{}).Name(); got != "sqlite" {
		t.Errorf("Name() = %q, want sqlite", got)
	}
}
