package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxNameLen is the longest identifier strata gives a table, column, index or
// constraint, in bytes: PostgreSQL's limit (NAMEDATALEN - 1), which it would
// otherwise enforce by silently cutting longer names.
const MaxNameLen = 63

// DerivedName returns the name strata derives for an index or constraint
// of table over columns: "{table}_{columns joined by _}_{suffix}", or
// "{table}_{suffix}" when columns is empty (the primary key,
// "users_pkey"). The generator and every dialect derive names through it,
// so that they agree.
//
// The suffixes strata uses are "pkey", "key" (unique constraint), "idx"
// (index), "fkey" (foreign key) and "check". A name longer than
// [MaxNameLen] bytes is cut to 54 bytes and ends with "_" and the first 8
// hex digits of the SHA-256 of the full name, so that it stays unique and
// always comes out the same.
func DerivedName(table string, columns []string, suffix string) string {
	parts := append(append([]string{table}, columns...), suffix)
	return ShortName(strings.Join(parts, "_"))
}

// ShortName returns name when it fits in [MaxNameLen] bytes, and otherwise
// its first 54 bytes, "_" and the first 8 hex digits of its SHA-256.
func ShortName(name string) string {
	if len(name) <= MaxNameLen {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	hash := hex.EncodeToString(sum[:4])
	return name[:MaxNameLen-len(hash)-1] + "_" + hash
}
