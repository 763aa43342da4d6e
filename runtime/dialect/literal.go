package dialect

import (
	"strconv"
	"strings"
	"time"
)

// Literal returns v as an SQL literal, for a dialect's Inline, which
// writes the arguments of the runtime's bookkeeping statements into their
// text, and reports whether v is a value it writes: an integer; a string
// without a quote, a backslash or a NUL, which reads the same whatever
// the session's settings say of backslashes; a time, in UTC, in layout
// (a time.Format layout that quotes itself).
func Literal(v any, layout string) (string, bool) {
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
		return v.UTC().Format(layout), true
	}
	return "", false
}
