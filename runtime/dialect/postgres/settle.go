package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Settle tells whether statement, which a migration run began outside a
// transaction and did not see end, took effect, for the statements whose
// outcome the catalogue shows, and clears what a run that failed left
// behind, so that the statement can run again. It reports known false for
// any other statement. conn must not be inside a transaction.
//
//   - CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON table ...
//     took effect when a valid index of that name exists in the table's
//     schema. An interrupted build leaves the index behind, invalid (so
//     that a second CREATE INDEX fails with "relation already exists"):
//     Settle drops it, with DROP INDEX CONCURRENTLY, and reports that the
//     statement did not take effect.
//   - DROP INDEX CONCURRENTLY [IF EXISTS] name took effect when no index
//     of that name is left; one left behind, valid or not, takes the
//     statement again.
//
// The runtime calls it when it finds a statement of a non-transactional
// migration marked as running by a run that never finished it, and before
// it runs such a statement, so that a leftover of an earlier failure does
// not stop it.
func (Dialect) Settle(ctx context.Context, conn *sql.Conn, statement string) (tookEffect, known bool, err error) {
	ix, ok := parseConcurrentIndex(statement)
	if !ok {
		return false, false, nil
	}
	if !ix.create {
		var exists bool
		if err := conn.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", ix.relation).Scan(&exists); err != nil {
			return false, false, fmt.Errorf("postgres: look up index %s: %w", ix.relation, err)
		}
		return !exists, true, nil
	}
	var (
		schema string
		valid  bool
	)
	err = conn.QueryRowContext(ctx, `SELECT n.nspname, i.indisvalid
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = $1 AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass($2))`,
		ix.name, ix.relation).Scan(&schema, &valid)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, true, nil
	case err != nil:
		return false, false, fmt.Errorf("postgres: look up index %s: %w", ix.name, err)
	case valid:
		return true, true, nil
	}
	if _, err := conn.ExecContext(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+quote(schema)+"."+quote(ix.name)); err != nil {
		return false, false, fmt.Errorf("postgres: drop the invalid index %s that an interrupted CREATE INDEX CONCURRENTLY left: %w", ix.name, err)
	}
	return false, true, nil
}

// concurrentIndex is what Settle reads of a CREATE or DROP INDEX
// CONCURRENTLY statement.
type concurrentIndex struct {
	create bool
	// name is the index's name, as the catalogue holds it.
	name string
	// relation names, as the statement writes it, for to_regclass: the
	// table of a CREATE, whose schema holds the index, or the index of a
	// DROP.
	relation string
}

// parseConcurrentIndex reads a CREATE INDEX CONCURRENTLY or DROP INDEX
// CONCURRENTLY of one named index, and reports whether statement is one.
func parseConcurrentIndex(statement string) (concurrentIndex, bool) {
	toks := sqlWords(statement)
	next := func(words ...string) bool {
		for i, w := range words {
			if i >= len(toks) || toks[i].quoted || !strings.EqualFold(toks[i].text, w) {
				return false
			}
		}
		toks = toks[len(words):]
		return true
	}
	// name reads a name, qualified or not, and returns its last part and
	// the statement's text of it whole.
	name := func() (last, text string, ok bool) {
		if len(toks) == 0 || (!toks[0].quoted && isKeyword(toks[0].text)) {
			return "", "", false
		}
		start := len(statement) - remaining(toks)
		last, toks = toks[0].ident(), toks[1:]
		if len(toks) >= 2 && toks[0].text == "." && !toks[0].quoted {
			last, toks = toks[1].ident(), toks[2:]
		}
		end := len(statement) - remaining(toks)
		return last, strings.TrimSpace(statement[start:end]), true
	}
	switch {
	case next("CREATE"):
		next("UNIQUE")
		if !next("INDEX", "CONCURRENTLY") {
			return concurrentIndex{}, false
		}
		next("IF", "NOT", "EXISTS")
		ix, _, ok := name()
		if !ok || !next("ON") {
			return concurrentIndex{}, false
		}
		next("ONLY")
		_, table, ok := name()
		if !ok {
			return concurrentIndex{}, false
		}
		return concurrentIndex{create: true, name: ix, relation: table}, true
	case next("DROP", "INDEX", "CONCURRENTLY"):
		next("IF", "EXISTS")
		ix, text, ok := name()
		if !ok || (len(toks) > 0 && toks[0].text == ",") { // one index only
			return concurrentIndex{}, false
		}
		return concurrentIndex{name: ix, relation: text}, true
	}
	return concurrentIndex{}, false
}

// word is a word or punctuation mark of SQL text.
type word struct {
	text   string // as written, quotes included
	quoted bool
	rest   int // how many bytes of the statement follow the word
}

// ident returns the identifier w names: a quoted one as written, an
// unquoted one folded to lower case, as PostgreSQL folds it.
func (w word) ident() string {
	if w.quoted {
		return strings.ReplaceAll(w.text[1:len(w.text)-1], `""`, `"`)
	}
	return strings.ToLower(w.text)
}

// remaining returns how many bytes of the statement follow the words
// before toks, or 0 when toks is empty.
func remaining(toks []word) int {
	if len(toks) == 0 {
		return 0
	}
	return toks[0].rest + len(toks[0].text)
}

// sqlWords splits s into words, double-quoted identifiers and single
// punctuation marks, skipping white space and comments.
func sqlWords(s string) []word {
	var words []word
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"':
			j := i + 1
			for j < len(s) {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(s))
			words = append(words, word{text: s[i:end], quoted: true, rest: len(s) - end})
			i = end
		case c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c) || c >= 0x80:
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 0x80 || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			words = append(words, word{text: s[i:j], rest: len(s) - j})
			i = j
		default:
			words = append(words, word{text: s[i : i+1], rest: len(s) - i - 1})
			i++
		}
	}
	return words
}

// isKeyword reports whether an unquoted word is one that cannot name an
// index where Settle expects a name.
func isKeyword(w string) bool {
	switch strings.ToUpper(w) {
	case "ON", "IF", "ONLY", "USING", "CASCADE", "RESTRICT":
		return true
	}
	return false
}
