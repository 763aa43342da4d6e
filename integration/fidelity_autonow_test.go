package integration

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/strata-go/strata/runtime/schema"
)

// The fidelity test's auto_now edits, and the check that the triggers
// keeping auto_now columns current follow them: after each step, on a
// sample row, an UPDATE that does not set a time column moves it forward
// when the column is auto_now and keeps it otherwise.

func (d *fDraw) addAutoNowColumn() bool {
	t := d.m.tables[d.rng.IntN(len(d.m.tables))]
	c := d.freshColumn(schema.Timestamp)
	c.autoNow = true
	d.shapeColumn(t, c, false)
	d.attach(t, c)
	return true
}

// toggleAutoNow turns auto_now on for a time column, or off, keeping
// default=now or not.
func (d *fDraw) toggleAutoNow() bool {
	t, c := d.column(func(_ *fTable, c *fColumn) bool { return c.kind == schema.Timestamp })
	if c == nil {
		return false
	}
	c.autoNow = !c.autoNow
	if !c.autoNow && d.rng.IntN(2) == 0 {
		c.def = aTime
	}
	d.note("auto_now on %s.%s: %v (default %q)", t.name, c.name, c.autoNow, c.def)
	return true
}

func (d *fDraw) renameAutoNowTable() bool {
	return d.renameTableWhere(func(t *fTable) bool { return hasAutoNow(t) })
}

func (d *fDraw) renameAutoNowColumn() bool {
	return d.renameColumnWhere(func(_ *fTable, c *fColumn) bool { return c.autoNow })
}

func hasAutoNow(t *fTable) bool {
	for _, c := range t.cols {
		if c.autoNow {
			return true
		}
	}
	return false
}

// fTouch is one check of a time column on one row.
type fTouch struct {
	t  *fTable
	c  *fColumn
	id int64
	// via is the column the UPDATE sets, and to the new value it sets;
	// with no column that takes a new value, to is nil and the UPDATE
	// sets via, which holds a value on the row, to itself. Not id: an
	// UPDATE of a key a foreign key references, even to itself, is a
	// change of it to SQLite's ON UPDATE RESTRICT. Not a NULL: MariaDB
	// counts a NULL set to itself as a change of the row.
	via *fColumn
	to  *fValue
}

// touches returns the time columns to check after the step: each of a
// table or column edited in the step, and one more, each on a random row.
func (f *fidelityRun) touches() []fTouch {
	var edited, others []fTouch
	for _, t := range f.models.tables {
		rows := f.rows.byTable[t]
		for _, c := range t.cols {
			if c.kind != schema.Timestamp || len(rows) == 0 {
				continue
			}
			row := rows[f.rng.IntN(len(rows))]
			tc := fTouch{t: t, c: c, id: row.id}
			for _, o := range t.cols {
				if takesNewValue(o) {
					to := f.rows.next(o.kind)
					tc.via, tc.to = o, &to
					break
				}
				if tc.via == nil && o.kind != schema.Timestamp && !row.value(o).null {
					tc.via = o
				}
			}
			if tc.via == nil {
				continue // no UPDATE the check can make means the same on every engine
			}
			if f.draw.touched[t] || f.draw.touched[c] {
				edited = append(edited, tc)
			} else {
				others = append(others, tc)
			}
		}
	}
	if len(others) > 0 {
		edited = append(edited, others[f.rng.IntN(len(others))])
	}
	return edited
}

// takesNewValue reports whether the touch check may set column c to a new
// value of the counter: a number or text that no foreign key, enum or
// check limits beyond what the counter's values meet (see fRows).
func takesNewValue(c *fColumn) bool {
	if c.fk != nil {
		return false
	}
	switch c.kind {
	case schema.Text, schema.Int16, schema.Int32, schema.Int64, schema.Float32, schema.Float64:
		return true
	}
	return false
}

// checkTouch sets the column of tc to a past time on its row, then runs
// an UPDATE that sets another column, and reports whether the column moved
// forward or kept the past time. The past time is the step's own, which
// no row holds yet, so that the first UPDATE changes the row on every
// engine: MySQL moves the row's other auto_now columns only then.
func checkTouch(ctx context.Context, db *sql.DB, tc fTouch, step int) (string, error) {
	id := strconv.FormatInt(tc.id, 10)
	tag := fmt.Sprintf(" /* step %d */", step)
	set := tc.via.name + " = " + tc.via.name
	if tc.to != nil {
		set = tc.via.name + " = " + sqlLiteral(tc.via, *tc.to)
	}
	past := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(step+1) * time.Second).Format("'2006-01-02 15:04:05'")
	stmts := []string{
		"UPDATE " + tc.t.name + " SET " + tc.c.name + " = " + past + " WHERE id = " + id + tag,
		"UPDATE " + tc.t.name + " SET " + set + " WHERE id = " + id + tag,
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return "", fmt.Errorf("%s: %w", s, err)
		}
	}
	q := "SELECT CASE WHEN " + tc.c.name + " < '2001-06-01' THEN 'kept' ELSE 'moved' END FROM " + tc.t.name + " WHERE id = " + id + tag
	var got string
	if err := db.QueryRowContext(ctx, q).Scan(&got); err != nil {
		return "", fmt.Errorf("%s: %w", q, err)
	}
	return got, nil
}

// checkTouches runs the touch checks of the step on database i.
func (f *fidelityRun) checkTouches(i int, touches []fTouch) {
	f.t.Helper()
	for _, tc := range touches {
		got, err := checkTouch(f.ctx, f.dbs[i], tc, f.n)
		if err != nil {
			f.fail("touching %s.%s on %s: %v", tc.t.name, tc.c.name, f.engines[i].name, err)
		}
		// MySQL's ON UPDATE CURRENT_TIMESTAMP moves a column only when
		// the UPDATE changes the row; the triggers of the other engines
		// move it on every UPDATE that leaves it as it was.
		want := "kept"
		if tc.c.autoNow && (tc.to != nil || f.engines[i].name != "mysql") {
			want = "moved"
		}
		if got != want {
			f.fail("on %s, an UPDATE of %s row id=%d setting %s left %s (auto_now %v) %s, want %s",
				f.engines[i].name, tc.t.name, tc.id, tc.via.name, tc.c.name, tc.c.autoNow, got, want)
		}
	}
}

// touched records that the checks set a time in the columns they touched,
// and that their UPDATEs set the current time in every auto_now column of
// the rows.
func (f *fidelityRun) touched(touches []fTouch) {
	for _, tc := range touches {
		for _, row := range f.rows.byTable[tc.t] {
			if row.id != tc.id {
				continue
			}
			row.vals[tc.c] = fValue{text: aTime}
			if tc.to != nil {
				row.vals[tc.via] = *tc.to
			}
			for _, c := range tc.t.cols {
				if c.autoNow {
					row.vals[c] = fValue{text: aTime}
				}
			}
		}
	}
}
