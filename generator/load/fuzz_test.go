package load

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// The fuzz targets below run their seeds as ordinary tests under go test;
// go test -fuzz=FuzzParseOptions (or FuzzParseDirective) explores further.
// Their seeds are every strata tag and every directive of the modules in
// testdata/*.txtar, and the tricky inputs listed here.

// trickyTags are strata tags that stress splitOptions.
var trickyTags = []string{
	"", " ", ",", ",,", "pk,", ",pk", "pk,,unique", "=", "=x", "pk=", "size=",
	"type=numeric(10,2)", "type=numeric((10),(2)),default=0",
	"default='a,b'", `default="a,b"`, "default='it''s',unique", `default='"',pk`, `default="'",pk`,
	"check=(a, ')') > 0", "check=f(a, g(b, c))", "using=CAST(code AS integer)",
	"default='", `default="`, "type=numeric(10,2", "type=numeric10,2)", ")", "(", "'", `"`, "())",
	"type.postgres=citext,type.sqlite=TEXT", "type.mysql=text", "type.=x", "Pk", "pk,pk", "pk=true",
	" pk , unique ", "default = 'x' ", "default='é,ü',size=3", "default='\x00,\xff'", "日本=語",
}

// trickyDirectives are the text of directives after //strata:.
var trickyDirectives = []string{
	"", " ", "\t", "table", "table ", "table\tusers", " table users", "index  i  (a,  b)   unique",
	"index i (a", "index i (a))", "index i ((a), (b))", "index i (')', a)", `index i ("(", a)`,
	`check c "unterminated`, "check c `unterminated", `check c "\q"`, `check c "\"" x`, "check c `\\`",
	`check c "a""b"`, "check c \"日本\" `語`", "index i (a)b\"c\"`d`", "pk ()", "pk (,)", "pk (a,,b)", "pk (a, a)",
	"pk ( a ,b )", "enum \xff", "table(a)", `table"x"`, "renamed_from \"it's\"",
}

// seedsFromTestdata returns the strata tags of the struct fields, and the
// text after //strata: of the directives, of the Go files in
// testdata/*.txtar.
func seedsFromTestdata(tb testing.TB) (tags, directives []string) {
	tb.Helper()
	archives, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range archives {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, ".go") {
				continue
			}
			// Some files do not compile on purpose; what parses is enough.
			file, _ := parser.ParseFile(token.NewFileSet(), f.Name, f.Data, parser.ParseComments)
			if file == nil {
				continue
			}
			for _, g := range file.Comments {
				for _, c := range g.List {
					if rest, ok := strings.CutPrefix(c.Text, directivePrefix); ok {
						directives = append(directives, rest)
					}
				}
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if f, ok := n.(*ast.Field); ok && f.Tag != nil {
					if tag, err := strconv.Unquote(f.Tag.Value); err == nil {
						if v, ok := reflect.StructTag(tag).Lookup("strata"); ok {
							tags = append(tags, v)
						}
					}
				}
				return true
			})
		}
	}
	slices.Sort(tags)
	slices.Sort(directives)
	tags, directives = slices.Compact(tags), slices.Compact(directives)
	if len(tags) == 0 || len(directives) == 0 {
		tb.Fatalf("testdata/*.txtar hold %d strata tags and %d directives; want some of each", len(tags), len(directives))
	}
	return tags, directives
}

// FuzzParseOptions checks splitOptions and parseOptions: a tag splits only
// at its top-level commas into pieces that each stand alone, every piece
// yields an option or a problem, problems name what is wrong, and the
// options parsed, written back as a tag, parse to themselves.
func FuzzParseOptions(f *testing.F) {
	tags, _ := seedsFromTestdata(f)
	for _, tag := range append(tags, trickyTags...) {
		f.Add(tag)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		parts, problem := splitOptions(tag)
		checkSplit(t, tag, parts, problem)

		opts, problems := parseOptions(tag)
		if strings.TrimSpace(tag) == "" {
			if len(opts) != 0 || len(problems) != 0 {
				t.Fatalf("parseOptions(%q) = %v, %q; want nothing for a blank tag", tag, opts, problems)
			}
			return
		}
		if problem != "" {
			if len(opts) != 0 || !slices.Equal(problems, []string{problem}) {
				t.Fatalf("parseOptions(%q) = %v, %q; want only the problem of splitOptions, %q", tag, opts, problems, problem)
			}
			return
		}
		if len(opts)+len(problems) != len(parts) {
			t.Errorf("parseOptions(%q) = %d options and %d problems from %d pieces; want one of either per piece",
				tag, len(opts), len(problems), len(parts))
		}
		for _, p := range problems {
			checkOptionProblem(t, tag, p)
		}
		checkOptions(t, tag, opts)

		// The options written back as a canonical tag parse to themselves.
		again := joinOptions(opts)
		opts2, problems2 := parseOptions(again)
		if len(problems2) != 0 {
			t.Fatalf("parseOptions(%q), the options of %q written back, has problems %q", again, tag, problems2)
		}
		if diff := cmp.Diff(opts, opts2); diff != "" {
			t.Errorf("options of %q written back as %q parse otherwise (-first +second):\n%s", tag, again, diff)
		}

		// Blanks around the pieces change nothing.
		padded := " " + strings.Join(parts, " ,\t") + " "
		opts3, problems3 := parseOptions(padded)
		if diff := cmp.Diff(opts, opts3); diff != "" || len(problems3) != len(problems) {
			t.Errorf("parseOptions(%q) = %v, %q; with blanks around the pieces of %q, want %v and %d problems",
				padded, opts3, problems3, tag, opts, len(problems))
		}
	})
}

// checkSplit checks what splitOptions returned for tag.
func checkSplit(t *testing.T, tag string, parts []string, problem string) {
	t.Helper()
	if problem != "" {
		if parts != nil {
			t.Errorf("splitOptions(%q) = %q with problem %q; want no pieces", tag, parts, problem)
		}
		if want := fmt.Sprintf("strata:%q", tag); !strings.Contains(problem, want) ||
			!strings.HasPrefix(problem, "unclosed ") && !strings.HasPrefix(problem, "unbalanced ") {
			t.Errorf("splitOptions(%q) problem %q does not say what is unclosed or unbalanced in %s", tag, problem, want)
		}
		return
	}
	if len(parts) == 0 {
		t.Fatalf("splitOptions(%q) = no pieces and no problem", tag)
	}
	if got := strings.Join(parts, ","); got != tag {
		t.Errorf("splitOptions(%q) = %q, which joined is %q: the pieces must be the tag cut at commas", tag, parts, got)
	}
	for _, p := range parts {
		// A piece is balanced and has no top-level comma: alone it
		// splits to itself.
		if again, problem := splitOptions(p); problem != "" || !slices.Equal(again, []string{p}) {
			t.Errorf("splitOptions(%q) = %q, %q; the piece %q of %q must split to itself", p, again, problem, p, tag)
		}
	}
	// A balanced tag in parentheses is one piece.
	wrapped := "x=(" + tag + ")"
	if again, problem := splitOptions(wrapped); problem != "" || !slices.Equal(again, []string{wrapped}) {
		t.Errorf("splitOptions(%q) = %q, %q; want it whole", wrapped, again, problem)
	}
}

// checkOptionProblem checks that p, a problem of parseOptions(tag) after a
// clean split, says what is wrong: it quotes the tag or names an option
// key of it, and it does not end in an empty hint.
func checkOptionProblem(t *testing.T, tag, p string) {
	t.Helper()
	if p == "" {
		t.Errorf("parseOptions(%q) has an empty problem", tag)
		return
	}
	if strings.HasSuffix(p, "such as ") || strings.HasSuffix(p, ": ") {
		t.Errorf("parseOptions(%q) problem %q ends in an empty hint", tag, p)
	}
	if strings.Contains(p, fmt.Sprintf("strata:%q", tag)) {
		return
	}
	parts, _ := splitOptions(tag)
	for _, part := range parts {
		key, _, _ := strings.Cut(part, "=")
		key = strings.TrimSpace(key)
		if key != "" && (strings.Contains(p, key) || strings.Contains(p, strconv.Quote(key))) {
			return
		}
	}
	t.Errorf("parseOptions(%q) problem %q names neither the tag nor any of its options", tag, p)
}

// checkOptions checks the options parseOptions read from tag: known keys,
// flags without values, other options with trimmed, non-empty values taken
// from the tag.
func checkOptions(t *testing.T, tag string, opts options) {
	t.Helper()
	for key, value := range opts {
		switch {
		case !slices.Contains(knownOptions, key):
			t.Errorf("parseOptions(%q) read the unknown option %q", tag, key)
		case slices.Contains(flagOptions, key) && value != "":
			t.Errorf("parseOptions(%q) read the flag %s with the value %q", tag, key, value)
		case !slices.Contains(flagOptions, key) && (value == "" || value != strings.TrimSpace(value)):
			t.Errorf("parseOptions(%q) read option %s with the value %q; want it non-empty and trimmed", tag, key, value)
		case !strings.Contains(tag, value):
			t.Errorf("parseOptions(%q) read option %s with the value %q, which is not in the tag", tag, key, value)
		}
	}
}

// joinOptions writes opts back as a tag, in key order.
func joinOptions(opts options) string {
	var parts []string
	for _, key := range slices.Sorted(maps.Keys(opts)) {
		if slices.Contains(flagOptions, key) {
			parts = append(parts, key)
		} else {
			parts = append(parts, key+"="+opts[key])
		}
	}
	return strings.Join(parts, ",")
}

func TestEveryOptionWithAValueHasAHint(t *testing.T) {
	for _, key := range knownOptions {
		if !slices.Contains(flagOptions, key) && valueHints[key] == "" {
			t.Errorf("option %s takes a value and has no hint in valueHints", key)
		}
	}
}

// FuzzParseDirective checks parseDirective, splitArgs and parseColumnList
// on the text after //strata: of a comment: positions lie inside the
// comment and point at what they name, the arguments are the comment's own
// text, they read back the same when written anew, and column lists are
// the trimmed, distinct names between their commas.
func FuzzParseDirective(f *testing.F) {
	_, directives := seedsFromTestdata(f)
	for _, d := range append(directives, trickyDirectives...) {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, rest string) {
		const slash = token.Pos(1000) // where the comment starts in its file
		c := &ast.Comment{Slash: slash, Text: directivePrefix + rest}
		d, pos, msg := parseDirective(c)
		if d.pos != c.Slash {
			t.Errorf("parseDirective(%q).pos = %d, want the comment's %d", c.Text, d.pos, c.Slash)
		}
		if strings.ContainsAny(d.verb, " \t") || !strings.HasPrefix(rest, d.verb) {
			t.Errorf("parseDirective(%q).verb = %q, want the text up to the first blank", c.Text, d.verb)
		}
		if msg != "" {
			checkDirectiveProblem(t, c, d, pos, msg)
			return
		}
		if pos != token.NoPos {
			t.Errorf("parseDirective(%q) = position %d without a problem", c.Text, pos)
		}
		checkArgs(t, c, d)

		// Written anew, with single spaces, the arguments read the same.
		again := &ast.Comment{Slash: slash, Text: directivePrefix + writeDirective(d)}
		d2, _, msg2 := parseDirective(again)
		if msg2 != "" {
			t.Fatalf("parseDirective(%q), %q written anew: %s", again.Text, c.Text, msg2)
		}
		if d2.verb != d.verb || !slices.EqualFunc(d.args, d2.args, func(a, b dirArg) bool { return a.kind == b.kind && a.text == b.text }) {
			t.Errorf("parseDirective(%q) = %+v; %q, the same written anew, reads %+v", c.Text, d, again.Text, d2)
		}

		for _, a := range d.args {
			if a.kind == argList {
				checkColumnList(t, a)
			}
		}
	})
}

// checkDirectiveProblem checks the problem parseDirective found in c: a
// message and no arguments, at the parenthesis or quote in c that it is
// about.
func checkDirectiveProblem(t *testing.T, c *ast.Comment, d directive, pos token.Pos, msg string) {
	t.Helper()
	if d.args != nil {
		t.Errorf("parseDirective(%q) = arguments %+v with the problem %q", c.Text, d.args, msg)
	}
	start := c.Slash + token.Pos(len(directivePrefix)+len(d.verb))
	if pos < start || pos >= c.End() {
		t.Fatalf("parseDirective(%q) problem %q at %d, outside its arguments [%d, %d)", c.Text, msg, pos, start, c.End())
	}
	at := c.Text[pos-c.Slash]
	switch {
	case at == '(' && msg == "unclosed parenthesis":
	case (at == '"' || at == '`') && (msg == "unterminated string" || strings.HasPrefix(msg, "invalid string "+string(at))):
	default:
		t.Errorf("parseDirective(%q) problem %q points at %q", c.Text, msg, at)
	}
}

// checkArgs checks that each argument of d, the directive of c, is at a position
// inside c that holds its text, in order, without overlaps.
func checkArgs(t *testing.T, c *ast.Comment, d directive) {
	t.Helper()
	end := len(directivePrefix) + len(d.verb)
	for _, a := range d.args {
		off := int(a.pos - c.Slash)
		if off < end || off >= len(c.Text) {
			t.Fatalf("argument %s of %q is at offset %d, outside [%d, %d)", a.describe(), c.Text, off, end, len(c.Text))
		}
		if blank := strings.Trim(c.Text[end:off], " \t"); blank != "" {
			t.Errorf("%q lies between the arguments of %q unread", blank, c.Text)
		}
		src := c.Text[off:]
		switch a.kind {
		case argWord:
			if a.text == "" || strings.ContainsAny(a.text, " \t(\"`") || !strings.HasPrefix(src, a.text) {
				t.Errorf("word %q of %q at offset %d: want the non-empty text there, without blanks, parentheses or quotes", a.text, c.Text, off)
			}
			end = off + len(a.text)
		case argList:
			if !strings.HasPrefix(src, "("+a.text+")") {
				t.Errorf("list %q of %q at offset %d: want the text between the parentheses there", a.text, c.Text, off)
			}
			end = off + len(a.text) + 2
		case argString:
			last := closingQuote(src, 0)
			if last < 0 {
				t.Fatalf("string %q of %q at offset %d has no closing quote", a.text, c.Text, off)
			}
			if s, err := strconv.Unquote(src[:last+1]); err != nil || s != a.text {
				t.Errorf("string %q of %q at offset %d: the literal there, %s, reads %q (%v)", a.text, c.Text, off, src[:last+1], s, err)
			}
			end = off + last + 1
		}
	}
	if rest := strings.Trim(c.Text[end:], " \t"); rest != "" {
		t.Errorf("%q at the end of %q is unread", rest, c.Text)
	}
}

// writeDirective writes d back as the text after //strata:, its arguments
// separated by single spaces.
func writeDirective(d directive) string {
	parts := []string{d.verb}
	for _, a := range d.args {
		parts = append(parts, a.describe())
	}
	return strings.Join(parts, " ")
}

// checkColumnList checks parseColumnList on the list argument a.
func checkColumnList(t *testing.T, a dirArg) {
	t.Helper()
	list, problem := parseColumnList(a)
	if list.pos != a.pos {
		t.Errorf("parseColumnList(%q).pos = %d, want the argument's %d", a.text, list.pos, a.pos)
	}
	pieces := strings.Split(a.text, ",")
	if problem != "" {
		if !strings.Contains(problem, "("+a.text+")") {
			t.Errorf("parseColumnList(%q) problem %q does not quote the list", a.text, problem)
		}
		if len(list.names) >= len(pieces) {
			t.Errorf("parseColumnList(%q) = %q with the problem %q; want the names before it", a.text, list.names, problem)
		}
		return
	}
	if len(list.names) != len(pieces) {
		t.Fatalf("parseColumnList(%q) = %q; want one name per comma-separated piece", a.text, list.names)
	}
	for i, name := range list.names {
		if name == "" || name != strings.TrimSpace(pieces[i]) || slices.Index(list.names, name) != i {
			t.Errorf("parseColumnList(%q) = %q; name %d is not the trimmed, distinct piece %q", a.text, list.names, i, pieces[i])
		}
	}
	again, problem := parseColumnList(dirArg{kind: argList, text: strings.Join(list.names, ", ")})
	if problem != "" || !slices.Equal(again.names, list.names) {
		t.Errorf("parseColumnList of %q written anew = %q, %q; want %q", a.text, again.names, problem, list.names)
	}
}
