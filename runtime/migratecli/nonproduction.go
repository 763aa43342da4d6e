package migratecli

import (
	"net/url"
	"slices"
	"strings"
)

// nonProductionWords are the words that, in the name of a database, mark it
// as one that `migrate fresh` may wipe without --non-production.
var nonProductionWords = []string{"test", "tests", "dev", "development", "local", "ci", "scratch", "tmp", "temp"}

// nonProduction reports whether rawURL names a database that its name marks
// as not a production one, so that `migrate fresh --yes` may drop
// everything in it:
//
//   - a SQLite database in memory (sqlite::memory:, file::memory:, or a
//     file: URI with mode=memory or vfs=memdb), or
//   - a SQLite file whose base name without its extension, or a PostgreSQL
//     database whose name, holds one of [nonProductionWords] as a word of
//     its own, in any case: bounded by '_', '-', '.' or the ends of the
//     name, as in app_test, dev.db, test, myapp-dev or App.Local.sqlite3,
//     but not latest.db or contest.
//
// Only the database's own name counts: not the directories of a SQLite
// file (/tmp/app.db is not marked), nor a PostgreSQL host or user. A URL
// that cannot be read, of a scheme strata does not know, or naming no
// database, is not marked.
func nonProduction(rawURL string) bool {
	scheme, rest, ok := strings.Cut(rawURL, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		u, err := url.Parse(rawURL)
		if err != nil {
			return false
		}
		return hasNonProductionWord(strings.TrimPrefix(u.Path, "/"))
	case "sqlite":
		return sqliteNonProduction(strings.TrimPrefix(rest, "//"))
	case "file":
		return sqliteNonProduction(rest)
	}
	return false
}

// sqliteNonProduction is [nonProduction] for the path and query of a
// SQLite URL, as in data/app_test.db?_fk=1.
func sqliteNonProduction(pathAndQuery string) bool {
	path, query, _ := strings.Cut(pathAndQuery, "?")
	values, _ := url.ParseQuery(query) // what parses is enough here
	if path == ":memory:" || strings.EqualFold(values.Get("mode"), "memory") || strings.EqualFold(values.Get("vfs"), "memdb") {
		return true
	}
	base := path[strings.LastIndexAny(path, `/\`)+1:]
	if dot := strings.LastIndex(base, "."); dot > 0 {
		base = base[:dot]
	}
	return hasNonProductionWord(base)
}

// hasNonProductionWord reports whether name, split at '_', '-' and '.',
// holds one of [nonProductionWords], in any case.
func hasNonProductionWord(name string) bool {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	return slices.ContainsFunc(words, func(w string) bool { return slices.Contains(nonProductionWords, w) })
}
