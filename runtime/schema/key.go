package schema

import (
	"slices"
	"strings"
)

// AlterPrimaryKey moves a table's primary key from the columns Old to the
// columns New, keeping the table's rows: a column added to a composite
// key, the key moved to other columns, a key given to a table that had
// none (Old empty) or taken from one (New empty). Every column of New must
// be NOT NULL by then, and rows that share a value of New make the
// migration fail. A foreign key that references the key must be dropped
// before it and added back after, when its columns are still a key.
type AlterPrimaryKey struct {
	Table string
	Old   []string
	New   []string
}

func (AlterPrimaryKey) operation() {}

// String returns "alter primary key of " and the table's name.
func (op AlterPrimaryKey) String() string { return "alter primary key of " + op.Table }

// Apply gives the table the new key. It refuses when the table's key is
// not Old, when New names a column twice or one the table lacks, or when a
// column of New is NULL-able.
func (op AlterPrimaryKey) Apply(s *Schema) error {
	t, err := tableOf(s, op.Table)
	if err != nil {
		return err
	}
	if !slices.Equal(t.PrimaryKey, op.Old) {
		return notFit("the primary key of %s is %s, not %s", op.Table, keyText(t.PrimaryKey), keyText(op.Old))
	}
	for i, name := range op.New {
		c := t.Column(name)
		switch {
		case c == nil:
			return notFit("table %s has no column %s for its primary key", op.Table, name)
		case c.Nullable:
			return notFit("column %s.%s is NULL-able and cannot join the primary key", op.Table, name)
		case slices.Contains(op.New[:i], name):
			return notFit("the primary key of %s would name column %s twice", op.Table, name)
		}
	}
	t, _ = editTable(s, op.Table)
	t.PrimaryKey = slices.Clone(op.New)
	if len(t.PrimaryKey) == 0 {
		t.PrimaryKey = nil
	}
	return nil
}

// keyText spells the columns of a key as (a, b), or (none).
func keyText(columns []string) string {
	if len(columns) == 0 {
		return "(none)"
	}
	return "(" + strings.Join(columns, ", ") + ")"
}
