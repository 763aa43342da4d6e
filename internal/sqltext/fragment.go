package sqltext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A Problem says why a fragment of SQL is refused, and where: At is the
// byte offset in the fragment.
type Problem struct {
	At  int
	Why string
}

func (p *Problem) Error() string { return fmt.Sprintf("at byte %d: %s", p.At+1, p.Why) }

// Expression checks that s is one SQL expression that strata may write
// into its own statements (a CHECK, an index's WHERE, a DEFAULT, a USING,
// a backfill) and that both engines read alike: it cannot end the
// statement or the clause it sits in, hide text from one engine that the
// other runs, or carry bytes an engine refuses. It returns nil or the
// first problem.
//
// The checks are on tokens, not on the grammar, which is each engine's
// own: single-quoted strings and double-quoted names, their quotes
// doubled inside them; parentheses balanced; no semicolon, and no comma
// outside parentheses (which would start another column or another
// clause); none of what PostgreSQL and SQLite quote differently (dollar
// quotes, backquotes, brackets around quotes, a backslash in a string,
// which a PostgreSQL server with standard_conforming_strings off reads as
// an escape, prefixed strings but X'..' and B'..'); no comment; valid
// UTF-8 without NUL.
func Expression(s string) *Problem {
	if strings.TrimSpace(s) == "" {
		return &Problem{0, "the expression is empty"}
	}
	if !utf8.ValidString(s) {
		return &Problem{invalidUTF8(s), "the text is not valid UTF-8"}
	}
	depth, brackets := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0:
			return &Problem{i, "a NUL byte, which PostgreSQL refuses in text"}
		case c == '\'' || c == '"':
			if c == '\'' {
				if p := prefixProblem(s, i); p != nil {
					return p
				}
			}
			if brackets > 0 {
				return &Problem{i, "a quote inside [ ], which SQLite reads as a quoted name"}
			}
			end, p := closing(s, i)
			if p != nil {
				return p
			}
			i = end
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return &Problem{i, "a ) that closes a parenthesis the expression did not open, which would end the clause around it"}
			}
			depth--
		case c == '[':
			brackets++
		case c == ']':
			if brackets == 0 {
				return &Problem{i, "a ] without its ["}
			}
			brackets--
		case c == ';':
			return &Problem{i, "a semicolon, which would end strata's statement and start another"}
		case c == ',' && depth == 0 && brackets == 0:
			return &Problem{i, "a comma outside parentheses, which would end the expression and start another column or clause"}
		case c == '-' && i+1 < len(s) && s[i+1] == '-', c == '/' && i+1 < len(s) && s[i+1] == '*':
			return &Problem{i, "a comment, which would hide the rest of strata's statement"}
		case c == '$':
			return &Problem{i, "a $, which PostgreSQL may read as the start of a dollar-quoted string and SQLite does not"}
		case c == '`':
			return &Problem{i, "a backquote, which SQLite reads as a quoted name and PostgreSQL refuses"}
		case c == '\\':
			return &Problem{i, `a backslash, which PostgreSQL reads as an escape in some strings: write the character itself`}
		}
	}
	switch {
	case depth > 0:
		return &Problem{len(s) - 1, "a ( that is not closed"}
	case brackets > 0:
		return &Problem{len(s) - 1, "a [ that is not closed"}
	}
	return nil
}

// Type checks that s is one SQL type: names (with spaces between them, as
// in double precision or timestamp with time zone, and dots, as in
// public.citext), then, in parentheses, numbers separated by commas, more
// names (COLLATE and a collation's name among them), and [] or [n] for
// arrays. A default or a constraint after the type is refused: the model
// says those.
func Type(s string) *Problem {
	if p := Expression(s); p != nil {
		return p
	}
	words := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			end, _ := closing(s, i)
			words++
			i = end + 1
		case isNameStart(c):
			j := i
			for j < len(s) && (isNameStart(s[j]) || isDigit(s[j])) {
				j++
			}
			if constraintWords[strings.ToLower(s[i:j])] {
				return &Problem{i, fmt.Sprintf("%s after the type: a type= holds the type alone; the model says its default, NULL-ability and constraints", strings.ToUpper(s[i:j]))}
			}
			words++
			i = j
		case c == '.' && words > 0:
			i++
		case c == '(' && words > 0:
			end := ClosingParen(s, i)
			for _, n := range strings.Split(s[i+1:end], ",") {
				if n = strings.TrimSpace(n); n == "" || strings.Trim(n, "0123456789") != "" {
					return &Problem{i + 1, "a type's parameters are numbers, as in numeric(10,2)"}
				}
			}
			i = end + 1
		case c == '[' && words > 0:
			end := strings.IndexByte(s[i:], ']') + i
			if n := strings.TrimSpace(s[i+1 : end]); strings.Trim(n, "0123456789") != "" {
				return &Problem{i + 1, "an array type's brackets hold nothing or a number, as in text[]"}
			}
			i = end + 1
		default:
			return &Problem{i, fmt.Sprintf("%q in a type, which is names, numbers in parentheses and [] for arrays", c)}
		}
	}
	if words == 0 {
		return &Problem{0, "no type name"}
	}
	return nil
}

// constraintWords start what may follow a type in a column's definition,
// and so do not belong in a type.
var constraintWords = map[string]bool{
	"default": true, "not": true, "null": true, "primary": true, "unique": true, "check": true,
	"references": true, "constraint": true, "generated": true, "as": true,
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// closing returns the index of the quote that closes the one at s[open],
// skipping doubled quotes.
func closing(s string, open int) (int, *Problem) {
	q := s[open]
	for i := open + 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q == '\'':
			return 0, &Problem{i, `a backslash in a string, which PostgreSQL reads as an escape when standard_conforming_strings is off: write the character itself`}
		case s[i] == 0:
			return 0, &Problem{i, "a NUL byte, which PostgreSQL refuses in text"}
		case s[i] != q:
		case i+1 < len(s) && s[i+1] == q:
			i++
		default:
			return i, nil
		}
	}
	return 0, &Problem{open, fmt.Sprintf("a %c that is not closed: inside quotes, write the quote twice", q)}
}

// prefixProblem refuses a string literal at s[quote] that a name or
// number runs into, as in E'..' or U&'..', which one engine reads as a
// kind of string the other does not, but for X'..' and B'..', whose
// digits it checks.
func prefixProblem(s string, quote int) *Problem {
	if quote == 0 {
		return nil
	}
	prev := s[quote-1]
	if !isNameStart(prev) && !isDigit(prev) && prev != '&' {
		return nil
	}
	start := quote - 1
	for start > 0 && (isNameStart(s[start-1]) || isDigit(s[start-1])) {
		start--
	}
	digits := ""
	switch strings.ToUpper(s[start:quote]) {
	case "X":
		digits = "0123456789abcdefABCDEF"
	case "B":
		digits = "01"
	default:
		return &Problem{start, fmt.Sprintf("%s'...' is a kind of string the engines read differently: write a plain '...'", s[start:quote])}
	}
	end := strings.IndexByte(s[quote+1:], '\'')
	if end < 0 {
		return &Problem{quote, "a ' that is not closed: inside quotes, write the quote twice"}
	}
	if body := s[quote+1 : quote+1+end]; strings.Trim(body, digits) != "" {
		return &Problem{quote + 1, fmt.Sprintf("%s'...' holds only the digits %s", strings.ToUpper(s[start:quote]), digits)}
	}
	return nil
}

// invalidUTF8 returns the offset of the first byte of s that is not valid
// UTF-8.
func invalidUTF8(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		}
	}
	return 0
}
