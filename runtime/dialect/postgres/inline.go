package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
)

// Inline returns statement, whose arguments are $1, $2... placeholders,
// with args written into it as literals, and reports whether it could
// write every one (see [dialect.Literal]; a string is one whatever
// standard_conforming_strings says); times go as timestamptz text in UTC
// to the microsecond. A $ inside a
// quoted name or string is not a placeholder. The runtime sends its
// ledger row so, joined to the last statement of a migration's
// transaction (see [Dialect.ElapsedMillis]).
func (Dialect) Inline(statement string, args []any) (string, bool) {
	var b strings.Builder
	b.Grow(len(statement) + 16*len(args))
	used := make([]bool, len(args))
	var quote byte
	for i := 0; i < len(statement); i++ {
		c := statement[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$':
			j := i + 1
			for j < len(statement) && statement[j] >= '0' && statement[j] <= '9' {
				j++
			}
			if j == i+1 {
				return "", false // a dollar quote, which the runtime's statements hold none of
			}
			n, err := strconv.Atoi(statement[i+1 : j])
			if err != nil || n < 1 || n > len(args) {
				return "", false
			}
			lit, ok := dialect.Literal(args[n-1], timeLayout)
			if !ok {
				return "", false
			}
			b.WriteString(lit)
			used[n-1] = true
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	for _, u := range used {
		if !u {
			return "", false
		}
	}
	return b.String(), true
}

// timeLayout writes a time as timestamptz text in UTC, to the
// microsecond.
const timeLayout = "'2006-01-02 15:04:05.000000+00'"

// ElapsedMillis returns the SQL of the milliseconds since the current
// transaction began, by the server's clock, as a bigint: the duration the
// runtime records in a migration's ledger row when the row goes in the
// same text as the migration's last statement, before the client knows
// how long that statement takes.
func (Dialect) ElapsedMillis() string {
	return "(extract(epoch FROM clock_timestamp() - transaction_timestamp()) * 1000)::bigint"
}

// Canceled reports whether err says that the server stopped a statement
// (SQLSTATE 57014): it ran past statement_timeout, or somebody cancelled
// it.
func (Dialect) Canceled(err error) bool {
	var coded interface{ SQLState() string }
	return errors.As(err, &coded) && coded.SQLState() == "57014"
}

// TimesEachStatement reports whether the server on conn times each
// statement of a text of several on its own, starting from the
// statement_timeout that the statements before it in the text set:
// PostgreSQL 13 and later do. Older servers time the text as a whole,
// with the setting it began with.
func (Dialect) TimesEachStatement(ctx context.Context, conn *sql.Conn) (bool, error) {
	var version int
	if err := conn.QueryRowContext(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return false, fmt.Errorf("postgres: read the server's version: %w", err)
	}
	return version >= 130000, nil
}
