package sqlite

import (
	"errors"
	"strings"
)

// This file holds the small SQL lexer that [Inspect] uses to read back the
// parts of the stored CREATE statements that SQLite's pragmas do not report,
// and that Render uses to classify defaults and to find the columns an
// expression names. It knows SQLite's tokens, not its grammar: the statements
// it reads are the ones strata itself wrote (as amended by SQLite's own ALTER
// TABLE), so a token stream and a little bracket matching are enough.

type tokenKind int

const (
	tokWord    tokenKind = iota // a keyword or bare identifier
	tokIdent                    // a quoted identifier: "x", `x` or [x]
	tokString                   // a string literal: 'x'
	tokBlob                     // a blob literal: X'00'
	tokNumber                   // a numeric literal
	tokPunct                    // one character of punctuation or operator
	tokComment                  // a -- or /* */ comment
)

// token is one token of SQL text, with its position in the text.
type token struct {
	kind     tokenKind
	text     string // the token as written
	pos, end int    // byte offsets of the token in the text
}

// value is the token's text with any quoting removed.
func (t token) value() string {
	switch t.kind {
	case tokIdent:
		body := t.text[1 : len(t.text)-1]
		switch t.text[0] {
		case '"':
			return strings.ReplaceAll(body, `""`, `"`)
		case '`':
			return strings.ReplaceAll(body, "``", "`")
		}
		return body
	case tokString:
		return strings.ReplaceAll(t.text[1:len(t.text)-1], "''", "'")
	}
	return t.text
}

// isWord reports whether t is the bare word w, compared as SQL compares
// keywords (ASCII case-insensitively).
func (t token) isWord(w string) bool { return t.kind == tokWord && strings.EqualFold(t.text, w) }

// isPunct reports whether t is the punctuation p.
func (t token) isPunct(p string) bool { return t.kind == tokPunct && t.text == p }

// isName reports whether t can be an identifier: a bare word or a quoted one.
func (t token) isName() bool { return t.kind == tokWord || t.kind == tokIdent }

var errUnterminated = errors.New("unterminated quote or comment")

// lex splits src into tokens, comments included and white space left out.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
			i++
			continue
		}
		kind, end := scan(src, i)
		if end < 0 {
			return nil, errUnterminated
		}
		toks = append(toks, token{kind: kind, text: src[i:end], pos: i, end: end})
		i = end
	}
	return toks, nil
}

// scan returns the kind and end of the token starting at src[i], or an end
// of -1 when it is not terminated.
func scan(src string, i int) (tokenKind, int) {
	c := src[i]
	next := byte(0)
	if i+1 < len(src) {
		next = src[i+1]
	}
	switch {
	case c == '-' && next == '-':
		if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
			return tokComment, i + j
		}
		return tokComment, len(src)
	case c == '/' && next == '*':
		if j := strings.Index(src[i+2:], "*/"); j >= 0 {
			return tokComment, i + 2 + j + 2
		}
		return tokComment, -1
	case c == '\'':
		return tokString, quoted(src, i, '\'')
	case c == '"' || c == '`':
		return tokIdent, quoted(src, i, c)
	case c == '[':
		if j := strings.IndexByte(src[i:], ']'); j >= 0 {
			return tokIdent, i + j + 1
		}
		return tokIdent, -1
	case (c == 'x' || c == 'X') && next == '\'':
		return tokBlob, quoted(src, i+1, '\'')
	case isDigit(c) || c == '.' && isDigit(next):
		return tokNumber, number(src, i)
	case isWordByte(c):
		j := i
		for j < len(src) && (isWordByte(src[j]) || isDigit(src[j]) || src[j] == '$') {
			j++
		}
		return tokWord, j
	}
	return tokPunct, i + 1
}

// quoted returns the end of the quoted token opening at src[i] with quote
// q, where a doubled q stands for itself, or -1.
func quoted(src string, i int, q byte) int {
	for j := i + 1; j < len(src); j++ {
		if src[j] != q {
			continue
		}
		if j+1 < len(src) && src[j+1] == q {
			j++
			continue
		}
		return j + 1
	}
	return -1
}

// number returns the end of the numeric literal starting at src[i]: digits,
// a fraction, an exponent, or a hexadecimal integer.
func number(src string, i int) int {
	j := i
	if strings.HasPrefix(src[i:], "0x") || strings.HasPrefix(src[i:], "0X") {
		j += 2
		for j < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[j]) >= 0 {
			j++
		}
		return j
	}
	for j < len(src) && (isDigit(src[j]) || src[j] == '.') {
		j++
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			for j = k; j < len(src) && isDigit(src[j]); j++ {
			}
		}
	}
	return j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

// code returns toks without their comments.
func code(toks []token) []token {
	out := make([]token, 0, len(toks))
	for _, t := range toks {
		if t.kind != tokComment {
			out = append(out, t)
		}
	}
	return out
}

// closing returns the index of the ")" that closes the "(" at toks[open],
// or -1.
func closing(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].isPunct("("):
			depth++
		case toks[i].isPunct(")"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitCommas splits toks at the commas outside any parentheses.
func splitCommas(toks []token) [][]token {
	var parts [][]token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		case t.isPunct(",") && depth == 0:
			parts = append(parts, toks[start:i])
			start = i + 1
		}
	}
	return append(parts, toks[start:])
}

// names returns the identifiers of a parenthesised, comma-separated list of
// names starting at toks[open], and the index just past its ")".
func names(toks []token, open int) ([]string, int, bool) {
	if open >= len(toks) || !toks[open].isPunct("(") {
		return nil, 0, false
	}
	end := closing(toks, open)
	if end < 0 {
		return nil, 0, false
	}
	var list []string
	for _, part := range splitCommas(toks[open+1 : end]) {
		if len(part) == 0 || !part[0].isName() {
			return nil, 0, false
		}
		list = append(list, part[0].value())
	}
	return list, end + 1, true
}

// mentions reports whether the SQL expression expr names the column column,
// bare or quoted. It errs on the side of yes: a function or keyword spelt
// like the column counts too.
func mentions(expr, column string) bool {
	toks, err := lex(expr)
	if err != nil {
		return true
	}
	for _, t := range toks {
		if t.isName() && strings.EqualFold(t.value(), column) {
			return true
		}
	}
	return false
}
