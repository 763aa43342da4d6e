// Package column holds Go types for model fields whose values the database
// clients cannot store on their own. A model imports it; the generator maps
// each type to its column, and the types carry their own conversions, so
// that database/sql, sqlx and pgx read and write them alike.
package column

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// JSON holds a value of type T stored as JSON: a JSONB column on
// PostgreSQL, TEXT on SQLite. A field of type JSON[T] needs no option;
// strata makes it a NOT NULL JSON column, and *JSON[T] a nullable one.
//
// database/sql and the clients built on it (sqlx among them) cannot write a
// map or a struct, so a field such as map[string]any with the json option
// works only through pgx's own interface; JSON[T] works through every
// client, because it implements [driver.Valuer] and [sql.Scanner]:
//
//	type User struct {
//		ID    int64                    `db:"id" strata:"pk,identity"`
//		Prefs column.JSON[Preferences] `db:"prefs" strata:"default=('{}')"`
//	}
//
// Every value of T is stored: a nil map or slice is written as the JSON
// null, which reads back as nil. Reading SQL NULL (from a nullable column
// scanned into JSON[T] rather than *JSON[T]) gives the zero T.
//
// JSON[T] marshals to and from JSON as V itself, so a model that is also
// an API type shows the value, not a wrapper.
//
// [sql.Scanner]: https://pkg.go.dev/database/sql#Scanner
type JSON[T any] struct {
	V T
}

// JSONOf returns a JSON holding v.
func JSONOf[T any](v T) JSON[T] { return JSON[T]{V: v} }

// Value returns V encoded as JSON text, as [driver.Valuer] asks. It
// returns text rather than bytes because SQLite's JSON functions read a
// BLOB as its binary JSONB form.
func (j JSON[T]) Value() (driver.Value, error) {
	b, err := json.Marshal(j.V)
	if err != nil {
		return nil, fmt.Errorf("column: encoding %T as JSON: %w", j.V, err)
	}
	return string(b), nil
}

// Scan decodes a JSON value read from the database into V, as
// [database/sql.Scanner] asks. It takes text or bytes; NULL and the JSON
// null set V to the zero T, so that a nil json.RawMessage, written as
// null, reads back nil.
func (j *JSON[T]) Scan(src any) error {
	var zero T
	j.V = zero
	var b []byte
	switch s := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(s)
	case []byte:
		b = s
	default:
		return fmt.Errorf("column: cannot read a %T as JSON into %T: the column holds no JSON text", src, j.V)
	}
	if string(bytes.TrimSpace(b)) == "null" {
		return nil // as a nil map or slice is written; a json.RawMessage stays nil
	}
	if err := json.Unmarshal(b, &j.V); err != nil {
		return fmt.Errorf("column: decoding JSON into %T: %w", j.V, err)
	}
	return nil
}

// MarshalJSON encodes V.
func (j JSON[T]) MarshalJSON() ([]byte, error) { return json.Marshal(j.V) }

// UnmarshalJSON decodes into V.
func (j *JSON[T]) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &j.V) }
