// Package sqltext scans the bits of SQL text that both halves of strata
// read: the generator in struct tags and directives, the runtime in what
// PostgreSQL prints back. It depends on nothing.
package sqltext

// ClosingParen returns the index of the parenthesis that closes the one at
// s[open], skipping text in single or double quotes, or -1 when it is not
// closed.
func ClosingParen(s string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
