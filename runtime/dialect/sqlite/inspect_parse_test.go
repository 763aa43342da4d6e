package sqlite

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLexSplitsSQLiteTokens(t *testing.T) {
	src := "CREATE \"a \"\"b\"\"\" `c` [d e] 'it''s' X'00' 0x1F 1.5e-3 .5 >= -- line\n/* block */ $x"
	toks, err := lex(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tok := range toks {
		got = append(got, tok.value())
	}
	want := []string{"CREATE", `a "b"`, "c", "d e", "it's", "X'00'", "0x1F", "1.5e-3", ".5", ">", "=", "-- line", "/* block */", "$", "x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("token values (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`"open`, `'open`, `/* open`, `[open`, "`open"} {
		if _, err := lex(bad); err == nil {
			t.Errorf("lex(%s) returned no error", bad)
		}
	}
}

func TestDefaultKindTellsConstantsFromExpressions(t *testing.T) {
	cases := map[string]defaultClass{
		"":                  nullDefault,
		"NULL":              nullDefault,
		"0":                 constDefault,
		"-1.5":              constDefault,
		"+2e3":              constDefault,
		"'a,b'":             constDefault,
		"X'00ff'":           constDefault,
		"true":              constDefault,
		"FALSE":             constDefault,
		"CURRENT_TIMESTAMP": currentDefault,
		"current_date":      currentDefault,
		"lower('A')":        exprDefault,
		"'a' || 'b'":        exprDefault,
		"(1)":               exprDefault,
		"active":            exprDefault,
		"'open":             exprDefault,
	}
	for d, want := range cases {
		if got := defaultKind(d); got != want {
			t.Errorf("defaultKind(%q) = %d, want %d", d, got, want)
		}
	}
}

func TestMentionsFindsAColumnAsAnIdentifierOnly(t *testing.T) {
	cases := []struct {
		expr, column string
		want         bool
	}{
		{"qty >= 0", "qty", true},
		{`"qty" >= 0`, "qty", true},
		{"QTY >= 0", "qty", true},
		{"qty_max >= 0", "qty", false},
		{"note = 'qty'", "qty", false},
		{"lower(name) = name", "lower", true}, // errs on the side of yes
	}
	for _, tc := range cases {
		if got := mentions(tc.expr, tc.column); got != tc.want {
			t.Errorf("mentions(%q, %q) = %v, want %v", tc.expr, tc.column, got, tc.want)
		}
	}
}

func TestParseRefusesMalformedStatements(t *testing.T) {
	for _, text := range []string{
		`CREATE TABLE t AS SELECT 1`,
		`CREATE TABLE t (a INT`,
		`CREATE TABLE t (a INT,, b INT)`,
		`CREATE TABLE t (a INT, CONSTRAINT c)`,
		`CREATE TABLE t (a INT, CHECK a > 0)`,
		`CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES)`,
		`CREATE TABLE t (a INT, FOREIGN (a) REFERENCES u (b))`,
		`CREATE TABLE t (a INT CHECK)`,
		`CREATE TABLE t (a INT REFERENCES (b))`,
		`CREATE TABLE t ('open)`,
	} {
		if d, err := parseCreateTable(text); err == nil {
			t.Errorf("parseCreateTable(%s) = %+v, want an error", text, d)
		}
	}
	for _, text := range []string{`CREATE INDEX i`, `CREATE INDEX i ON t a`, `CREATE INDEX i ON t (a`, `CREATE INDEX 'open`} {
		if d, err := parseIndex(text); err == nil {
			t.Errorf("parseIndex(%s) = %+v, want an error", text, d)
		}
	}
}

func TestParseIndexReadsTheMarkAndTheWhere(t *testing.T) {
	cases := []struct {
		text string
		want indexDDL
	}{
		{`CREATE UNIQUE INDEX "k" /* unique constraint */ ON "t" ("a")`, indexDDL{marked: true}},
		{`CREATE UNIQUE INDEX "k" ON "t" ("a") /* unique constraint */`, indexDDL{}},
		{`CREATE UNIQUE INDEX "k" /* something else */ ON "t" ("a")`, indexDDL{}},
		{`CREATE INDEX "i" ON "t" ("a", lower("b")) WHERE a IN (1, 2) AND "b" = 'x' -- trailing`, indexDDL{where: `a IN (1, 2) AND "b" = 'x'`}},
	}
	for _, tc := range cases {
		got, err := parseIndex(tc.text)
		if err != nil || got != tc.want {
			t.Errorf("parseIndex(%s) = %+v, %v; want %+v", tc.text, got, err, tc.want)
		}
	}
}
