package load

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/strata-go/strata/runtime/schema"
)

// MaxNameLen is the longest identifier strata gives a table, column, index or
// constraint, in bytes (see [schema.MaxNameLen]).
const MaxNameLen = schema.MaxNameLen

// ConstraintName returns the conventional name of an index or constraint of
// table over columns, as every dialect derives it: see [schema.DerivedName].
func ConstraintName(table string, columns []string, suffix string) string {
	return schema.DerivedName(table, columns, suffix)
}

// identProblem says why name cannot be an SQL identifier in strata's
// schemas, or returns "" when it can. A name must read the same quoted or
// unquoted on every engine: [a-z_][a-z0-9_]*, at most MaxNameLen bytes.
func identProblem(name string) string {
	switch {
	case name == "":
		return "it is empty"
	case len(name) > MaxNameLen:
		return "it is longer than 63 bytes, the most PostgreSQL keeps"
	}
	for i, r := range name {
		lower := r >= 'a' && r <= 'z' || r == '_'
		if !lower && (i == 0 || r < '0' || r > '9') {
			return "names are lowercase letters, digits and underscores, starting with a letter or underscore, so that they read the same quoted or not"
		}
	}
	return ""
}

// identHint turns name into something close that is a valid identifier, for
// "write ... instead" messages.
func identHint(name string) string {
	var b strings.Builder
	for _, r := range snakeCase(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	return s
}

// writeInstead returns " (write X)", X being format applied to a valid
// identifier close to the invalid name, or "" when there is none.
func writeInstead(name, format string) string {
	hint := identHint(name)
	if hint == name || len(hint) > MaxNameLen {
		return ""
	}
	return " (write " + fmt.Sprintf(format, hint) + ")"
}

// snakeCase turns a Go name into snake_case: OrgID is org_id, HTTPStatus is
// http_status.
func snakeCase(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prev != '_' && (unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// closest returns the candidate nearest to word by edit distance, when it is
// near enough to be what the user meant, or "".
func closest(word string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(word), strings.ToLower(c))
		if d <= (len(c)+2)/3 && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean returns ` (did you mean "x"?)` for the candidate closest to
// word, or "".
func didYouMean(word string, candidates []string) string {
	if c := closest(word, candidates); c != "" {
		return ` (did you mean "` + c + `"?)`
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
