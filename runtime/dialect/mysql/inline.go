package mysql

import (
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
)

// Inline returns statement, whose arguments are ? placeholders, with args
// written into it as literals, and reports whether it could write every
// one (see [dialect.Literal]); times go as the UTC DATETIME(6) text
// go-sql-driver/mysql writes with its default loc=UTC.
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
			lit, ok := dialect.Literal(args[next], timeLayout)
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

// timeLayout writes a time as the UTC DATETIME(6) text go-sql-driver/mysql
// writes with its default loc=UTC.
const timeLayout = "'2006-01-02 15:04:05.000000'"
