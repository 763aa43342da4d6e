package integration

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strata-go/strata/runtime/schema"
)

// fRows tracks the rows the fidelity test inserted, with the value each
// kept column must hold, as canonical text (see canonical). Values come
// from one counter, so that they are distinct, positive and short: they
// fit every size, unique constraint and check the test draws, and survive
// every widening and its Down.
type fRows struct {
	byTable map[*fTable][]*fRow
	counter int
}

// fRow is one inserted row: its id and, per column, its value; a missing
// entry or a NULL value is NULL.
type fRow struct {
	id   int64
	vals map[*fColumn]fValue
}

// fValue is a column value as canonical text, or NULL.
type fValue struct {
	text string
	null bool
}

var null = fValue{null: true}

func newRows() *fRows { return &fRows{byTable: map[*fTable][]*fRow{}, counter: 100} }

// ids returns the ids of the rows of t.
func (r *fRows) ids(t *fTable) []int64 {
	var ids []int64
	for _, row := range r.byTable[t] {
		ids = append(ids, row.id)
	}
	return ids
}

// fill sets column c of every row of t to v where fill says so.
func (r *fRows) fill(t *fTable, c *fColumn, v fValue, only func(fValue) bool) {
	for _, row := range r.byTable[t] {
		if only(row.value(c)) {
			row.vals[c] = v
		}
	}
}

// value returns the value of column c in row: NULL when the row was
// inserted before c existed and nothing filled it.
func (row *fRow) value(c *fColumn) fValue {
	if v, ok := row.vals[c]; ok {
		return v
	}
	return null
}

// distinct reports whether the rows of t hold no two equal tuples over
// cols, ignoring tuples with a NULL: so that a unique constraint over them
// can be added.
func (r *fRows) distinct(t *fTable, cols ...*fColumn) bool {
	seen := map[string]bool{}
	for _, row := range r.byTable[t] {
		var key []string
		for _, c := range cols {
			v := row.value(c)
			if v.null {
				key = nil
				break
			}
			key = append(key, v.text)
		}
		if key == nil {
			continue
		}
		k := strings.Join(key, "\x00")
		if seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// draw returns a new value for column c of table t: the next value of the
// counter in c's type, NULL now and then where allowed, and for a foreign
// key the id of a row of the referenced table.
func (r *fRows) draw(rng *rand.Rand, c *fColumn, others []int64) fValue {
	if c.fk != nil {
		if len(others) == 0 || rng.IntN(3) == 0 {
			return null
		}
		return fValue{text: strconv.FormatInt(others[rng.IntN(len(others))], 10)}
	}
	if c.nullable && rng.IntN(4) == 0 {
		return null
	}
	switch c.kind {
	case schema.EnumKind:
		return fValue{text: c.enum.values[rng.IntN(len(c.enum.values))].name}
	case schema.Timestamp:
		return fValue{text: aTime}
	}
	return r.next(c.kind)
}

// next returns the next value of the counter in a column of kind, which
// is neither an enum nor a time.
func (r *fRows) next(kind schema.Kind) fValue {
	r.counter++
	switch kind {
	case schema.Bool:
		return fValue{text: strconv.FormatBool(r.counter%2 == 0)}
	case schema.Float32, schema.Float64:
		return fValue{text: strconv.Itoa(r.counter) + ".5"}
	case schema.Text:
		return fValue{text: "v" + strconv.Itoa(r.counter)}
	}
	return fValue{text: strconv.Itoa(r.counter)}
}

// insert adds n rows to t on every database, and tracks them.
func (r *fRows) insert(ctx context.Context, rng *rand.Rand, dbs []*sql.DB, t *fTable, n int) error {
	for range n {
		row := &fRow{id: int64(len(r.byTable[t]) + 1), vals: map[*fColumn]fValue{}}
		if k := len(r.byTable[t]); k > 0 {
			row.id = r.byTable[t][k-1].id + 1
		}
		names, values := []string{"id"}, []string{strconv.FormatInt(row.id, 10)}
		for _, c := range t.cols {
			var others []int64
			if c.fk != nil {
				others = r.ids(c.fk.to)
			}
			v := r.draw(rng, c, others)
			row.vals[c] = v
			names, values = append(names, c.name), append(values, sqlLiteral(c, v))
		}
		stmt := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", t.name, strings.Join(names, ", "), strings.Join(values, ", "))
		for _, db := range dbs {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		r.byTable[t] = append(r.byTable[t], row)
	}
	return nil
}

// aTime is the value the tracker keeps for a time, whichever it is: the
// rows are inserted with pastTime, a default or an auto_now trigger sets
// the current time, and the test checks that there is one.
const aTime = "now"

// pastTime is the time rows are inserted with, as SQL.
const pastTime = "'2001-01-01 00:00:00'"

func sqlLiteral(c *fColumn, v fValue) string {
	switch {
	case v.null:
		return "NULL"
	case c.kind == schema.Timestamp:
		return pastTime
	case c.kind == schema.Text || c.kind == schema.EnumKind:
		return "'" + v.text + "'"
	case c.kind == schema.Bool:
		return strings.ToUpper(v.text)
	}
	return v.text
}

// check compares the rows of every live table of m in db with the tracked
// ones: the same ids, and in every column the value it was given. It
// returns a description of each difference. step goes into the queries'
// text: pgx caches a prepared statement per text, and a cached SELECT
// fails once a migration changed the type of a column it reads.
func (r *fRows) check(ctx context.Context, db *sql.DB, m *fModels, step int) ([]string, error) {
	var diffs []string
	for _, t := range m.tables {
		got, err := readRows(ctx, db, t, step)
		if err != nil {
			return nil, err
		}
		want := r.byTable[t]
		for _, row := range want {
			vals, ok := got[row.id]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s: row id=%d is gone", t.name, row.id))
				continue
			}
			for i, c := range t.cols {
				if w := row.value(c); vals[i] != w {
					diffs = append(diffs, fmt.Sprintf("%s: row id=%d: %s is %s, want %s", t.name, row.id, c.name, vals[i], w))
				}
			}
			delete(got, row.id)
		}
		for _, id := range slices.Sorted(maps.Keys(got)) {
			diffs = append(diffs, fmt.Sprintf("%s: unexpected row id=%d", t.name, id))
		}
	}
	return diffs, nil
}

func (v fValue) String() string {
	if v.null {
		return "NULL"
	}
	return strconv.Quote(v.text)
}

// readRows reads every row of t, by id, its columns in the order of t.cols,
// as canonical values.
func readRows(ctx context.Context, db *sql.DB, t *fTable, step int) (map[int64][]fValue, error) {
	names := []string{"id"}
	for _, c := range t.cols {
		names = append(names, c.name)
	}
	q := fmt.Sprintf("SELECT %s FROM %s /* step %d */", strings.Join(names, ", "), t.name, step)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	defer func() { _ = rows.Close() }()
	got := map[int64][]fValue{}
	for rows.Next() {
		var id int64
		raw := make([]any, len(t.cols))
		dest := []any{&id}
		for i := range raw {
			dest = append(dest, &raw[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
		vals := make([]fValue, len(t.cols))
		for i, c := range t.cols {
			vals[i] = canonical(c.kind, raw[i])
		}
		got[id] = vals
	}
	return got, rows.Err()
}

// canonical spells a scanned value as the tracker does: integers in
// decimal, floats in the shortest form, booleans as true or false (SQLite
// answers 1 or 0), any time as aTime.
func canonical(kind schema.Kind, v any) fValue {
	switch v := v.(type) {
	case nil:
		return null
	case time.Time:
		return fValue{text: aTime}
	case []byte:
		return fValue{text: string(v)}
	case string:
		return fValue{text: v}
	case bool:
		return fValue{text: strconv.FormatBool(v)}
	case int64:
		if kind == schema.Bool {
			return fValue{text: strconv.FormatBool(v != 0)}
		}
		return fValue{text: strconv.FormatInt(v, 10)}
	case int32:
		return fValue{text: strconv.FormatInt(int64(v), 10)}
	case float32:
		return fValue{text: strconv.FormatFloat(float64(v), 'f', -1, 32)}
	case float64:
		return fValue{text: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	return fValue{text: fmt.Sprintf("%T(%v)", v, v)}
}

// clear deletes every row of the live tables of m from db, foreign keys
// first, so that Down runs on empty tables: the Down of an edit that
// relaxed a column (NOT NULL to NULL, a dropped unique) cannot take back
// rows that only the relaxed column accepts, and no migration can.
func clearRows(ctx context.Context, db *sql.DB, m *fModels) error {
	var stmts []string
	for _, t := range m.tables {
		for _, c := range t.cols {
			if c.fk != nil {
				stmts = append(stmts, fmt.Sprintf("UPDATE %s SET %s = NULL", t.name, c.name))
			}
		}
	}
	for _, t := range m.tables {
		stmts = append(stmts, "DELETE FROM "+t.name)
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
