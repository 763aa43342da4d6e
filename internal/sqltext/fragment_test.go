package sqltext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExpressionTakesOneExpression(t *testing.T) {
	for _, s := range []string{
		"price >= 0",
		"status IN ('active', 'banned')",
		`"email" LIKE '%@%'`,
		"'it''s' = note",
		"coalesce(a, b, 0) > 0",
		"now() - interval '1 day'",
		"x'00ff' <> X'ABCD'",
		"B'101'",
		"left(\"name\", 200)",
		"tags[1] = 'a'",
		"ARRAY[1, 2]",
		"lower(email)",
		"'a;b' = note",
		`"we;ird" > 0`,
	} {
		if p := Expression(s); p != nil {
			t.Errorf("Expression(%q) = %v, want it taken", s, p)
		}
	}
}

func TestExpressionRefusesWhatEndsOrHidesAStatement(t *testing.T) {
	cases := []struct {
		s    string
		at   int // 1-based, as Error prints it
		says string
	}{
		{"a > 0; CREATE TABLE pwned (x int)", 6, "semicolon"},
		{"a > 0) , CONSTRAINT x CHECK (1", 6, "closes a parenthesis"},
		{"0, evil int", 2, "comma outside parentheses"},
		{"1 -- the rest", 3, "comment"},
		{"1 /* */", 3, "comment"},
		{"$$'$$; DROP TABLE x; SELECT '", 1, "$"},
		{"`a`", 1, "backquote"},
		{"['] ; DROP TABLE x; --']", 2, "inside [ ]"},
		{`E'\''; DROP TABLE x`, 1, "E'...'"},
		{`'\'; DROP TABLE x; --'`, 2, "backslash"},
		{"U&'d0061'", 1, "U&'...'"},
		{"X'zz'", 3, "digits"},
		{"'open", 1, "not closed"},
		{`"open`, 1, "not closed"},
		{"(a", 2, "not closed"},
		{"a]", 2, "without its ["},
		{"a\x00", 2, "NUL"},
		{"a\xff", 2, "UTF-8"},
		{"  ", 1, "empty"},
	}
	for _, tc := range cases {
		p := Expression(tc.s)
		switch {
		case p == nil:
			t.Errorf("Expression(%q) took it", tc.s)
		case p.At+1 != tc.at || !strings.Contains(p.Why, tc.says):
			t.Errorf("Expression(%q) = %v, want at byte %d, saying %q", tc.s, p, tc.at, tc.says)
		}
	}
}

func TestTypeTakesOneType(t *testing.T) {
	for _, s := range []string{
		"numeric(10,2)", "numeric(10, 2)", "double precision", "timestamp(3) with time zone",
		"character varying(20)[]", "text[]", "int[3][]", "citext", "public.citext", `"My Type"`, "bit varying(5)",
		"TEXT COLLATE NOCASE", `varchar(20) COLLATE "C"`,
	} {
		if p := Type(s); p != nil {
			t.Errorf("Type(%q) = %v, want it taken", s, p)
		}
	}
	cases := []struct {
		s, says string
	}{
		{"text) ; DROP TABLE x; --", "closes a parenthesis"},
		{"text /* ' */", "comment"},
		{"text DEFAULT 'x'", "DEFAULT after the type"},
		{"int NOT NULL", "NOT after the type"},
		{"numeric(a)", "parameters are numbers"},
		{"text['x']", "quote inside [ ]"},
		{"text[x]", "brackets hold nothing or a number"},
		{"(10)", "'('"},
		{"int = 1", "'='"},
	}
	for _, tc := range cases {
		p := Type(tc.s)
		switch {
		case p == nil:
			t.Errorf("Type(%q) took it", tc.s)
		case !strings.Contains(p.Why, tc.says):
			t.Errorf("Type(%q) = %v, want it to say %q", tc.s, p, tc.says)
		}
	}
}

// outsideQuotes returns the bytes of s that are outside single- and
// double-quoted text, as a reader that knows nothing of Expression's
// other rules sees them.
func outsideQuotes(s string) string {
	var b strings.Builder
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0 // a doubled quote closes and reopens: same outside text
		case quote != 0:
		case r == '\'' || r == '"':
			quote = r
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func FuzzExpression(f *testing.F) {
	for _, s := range []string{"price >= 0", "a > 0; DROP TABLE x", "'it''s' = x", "x'00'", "(a, b)", "text[]", "$$", "E'\\''", "a -- b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Expression(s) != nil {
			if Type(s) == nil {
				t.Fatalf("Type(%q) took what Expression refuses", s)
			}
			return
		}
		out := outsideQuotes(s)
		switch {
		case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
			t.Fatalf("Expression(%q) took invalid text", s)
		case strings.ContainsAny(out, ";$`\\"), strings.Contains(out, "--"), strings.Contains(out, "/*"):
			t.Fatalf("Expression(%q) took text that ends or hides a statement: %q outside quotes", s, out)
		case strings.Count(out, "(") != strings.Count(out, ")"):
			t.Fatalf("Expression(%q) took unbalanced parentheses", s)
		case strings.Contains(s, "\\"):
			t.Fatalf("Expression(%q) took a backslash", s)
		}
		_ = Type(s) // never panics
	})
}
