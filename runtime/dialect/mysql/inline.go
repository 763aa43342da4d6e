package mysql

import (
	"strconv"
	"strings"
	"time"
)

// Inline returns statement, whose arguments are ? placeholders, with args
// written into it as literals, and reports whether it could write every
// one: integers; strings without a quote, a backslash or a NUL, which
// read the same whatever the session's SQL mode; and times, as the UTC
// DATETIME(6) text go-sql-driver/mysql writes with its default loc=UTC.
// The runtime sends its own bookkeeping statements so: go-sql-driver/mysql
// prepares a statement that has arguments in a round trip of its own
// unless the DSN says interpolateParams=true, which a migration's many
// small writes to the ledger and its progress table would pay each time.
// A ? inside a quoted name or string is not a placeholder.
func (Dialect) Inline(statement string, args []any) (string, bool) {
	var b strings.Builder
	b.Grow(len(statement) + 16*len(args))
	next := 0
	var quote byte
	for i := 0; i < len(statement); i++ {
		c := statement[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '`' || c == '\'' || c == '"':
			quote = c
		case c == '?':
			if next == len(args) {
				return "", false
			}
			lit, ok := literal(args[next])
			if !ok {
				return "", false
			}
			b.WriteString(lit)
			next++
			continue
		}
		b.WriteByte(c)
	}
	if next != len(args) {
		return "", false
	}
	return b.String(), true
}

// literal returns v as an SQL literal, when it is one of the kinds Inline
// writes.
func literal(v any) (string, bool) {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case string:
		if strings.ContainsAny(v, "'\\\x00") {
			return "", false
		}
		return "'" + v + "'", true
	case time.Time:
		return v.UTC().Format("'2006-01-02 15:04:05.000000'"), true
	}
	return "", false
}
