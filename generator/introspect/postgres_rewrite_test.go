package introspect

import "testing"

func TestReplaceValuePutsTheColumnForTheKeywordOnly(t *testing.T) {
	for _, tc := range []struct{ expr, column, want string }{
		{"((VALUE >= 1901) AND (VALUE <= 2155))", "release_year", "((release_year >= 1901) AND (release_year <= 2155))"},
		{"(value <> 'VALUE'::text)", "code", "(code <> 'VALUE'::text)"},
		{`(VALUE <> "VALUE")`, "Code", `("Code" <> "VALUE")`},
		{"(VALUES_SEEN > 0 AND VALUE ~ 'it''s VALUE')", "note", "(VALUES_SEEN > 0 AND note ~ 'it''s VALUE')"},
		{"(char_length(VALUE) > 0)", `say "hi"`, `(char_length("say ""hi""") > 0)`},
	} {
		if got := replaceValue(tc.expr, tc.column); got != tc.want {
			t.Errorf("replaceValue(%q, %q) = %q, want %q", tc.expr, tc.column, got, tc.want)
		}
	}
}
