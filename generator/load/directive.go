package load

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/strata-go/strata/internal/sqltext"
)

// directivePrefix starts every strata directive, following Go's
// //tool:directive convention.
const directivePrefix = "//strata:"

// The directives a doc comment may hold.
var directiveVerbs = []string{"table", "extend", "index", "unique", "check", "pk", "enum", "offline"}

// directive is one //strata: comment line.
type directive struct {
	verb string
	args []dirArg
	pos  token.Pos // of the comment
}

// argKind tells what one argument of a directive is.
type argKind int

const (
	argWord   argKind = iota // users, unique, renamed_from=old
	argList                  // (a, b): text holds what is inside the parentheses
	argString                // "EXPR": text holds the unquoted string
)

// dirArg is one argument of a directive.
type dirArg struct {
	kind argKind
	text string
	pos  token.Pos
}

// describe names the argument for messages.
func (a dirArg) describe() string {
	switch a.kind {
	case argList:
		return "(" + a.text + ")"
	case argString:
		return strconv.Quote(a.text)
	}
	return a.text
}

// parseDirective splits the comment c, which starts with directivePrefix,
// into its verb and arguments. On a syntax error it returns the position
// and text of the problem.
func parseDirective(c *ast.Comment) (directive, token.Pos, string) {
	text := strings.TrimPrefix(c.Text, directivePrefix)
	base := c.Slash + token.Pos(len(directivePrefix))
	verb, _, _ := strings.Cut(text, " ")
	verb, _, _ = strings.Cut(verb, "\t")
	d := directive{verb: verb, pos: c.Slash}
	args, off, msg := splitArgs(text[len(verb):])
	if msg != "" {
		return d, base + token.Pos(len(verb)+off), msg
	}
	for i := range args {
		args[i].pos += base + token.Pos(len(verb))
	}
	d.args = args
	return d, token.NoPos, ""
}

// splitArgs splits the arguments of a directive into words, parenthesized
// lists and double-quoted (or back-quoted) Go strings. Argument positions
// are byte offsets in s, held in dirArg.pos. On a syntax error it returns
// the offset and a message.
func splitArgs(s string) ([]dirArg, int, string) {
	var args []dirArg
	for i := 0; i < len(s); {
		switch s[i] {
		case ' ', '\t':
			i++
		case '(':
			end := sqltext.ClosingParen(s, i)
			if end < 0 {
				return nil, i, "unclosed parenthesis"
			}
			args = append(args, dirArg{kind: argList, text: s[i+1 : end], pos: token.Pos(i)})
			i = end + 1
		case '"', '`':
			end := closingQuote(s, i)
			if end < 0 {
				return nil, i, "unterminated string"
			}
			str, err := strconv.Unquote(s[i : end+1])
			if err != nil {
				return nil, i, "invalid string " + s[i:end+1] + ": write a Go string literal"
			}
			args = append(args, dirArg{kind: argString, text: str, pos: token.Pos(i)})
			i = end + 1
		default:
			end := i
			for end < len(s) && !strings.ContainsRune(" \t(\"`", rune(s[end])) {
				end++
			}
			args = append(args, dirArg{kind: argWord, text: s[i:end], pos: token.Pos(i)})
			i = end
		}
	}
	return args, 0, ""
}

// closingQuote returns the index of the quote that ends the Go string
// literal starting at s[open], or -1.
func closingQuote(s string, open int) int {
	q := s[open]
	for i := open + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			return i
		}
	}
	return -1
}

// columnList is the (a, b) list of a directive: column names.
type columnList struct {
	names []string
	pos   token.Pos
}

// parseColumnList reads the column names of a list argument. It returns a
// message when the list is empty, has an empty entry or names a column
// twice.
func parseColumnList(a dirArg) (columnList, string) {
	list := columnList{pos: a.pos}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(a.text, ",") {
		name := strings.TrimSpace(part)
		switch {
		case name == "":
			return list, "empty column name in (" + a.text + "): write column names separated by commas, such as (org_id, email)"
		case seen[name]:
			return list, "column " + name + " is listed twice in (" + a.text + ")"
		}
		seen[name] = true
		list.names = append(list.names, name)
	}
	return list, ""
}
