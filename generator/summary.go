package generator

import (
	"fmt"
	"strings"

	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/runtime/schema"
)

// Line is one line of a migration's summary: one change, as a person
// reviewing it reads it.
type Line struct {
	// Sign is '+' for what the change adds, '-' for what it drops and '~'
	// for what it alters or renames in place.
	Sign byte
	// Text says what changes, such as "alter column users.email:
	// varchar(255) → varchar(320)".
	Text string
	// Destructive is the guard's reason when the change can lose data or
	// fail on existing rows, and "" otherwise.
	Destructive string
	// Rewrites names the table the change rewrites on PostgreSQL (see
	// [diff.Change]), or is "".
	Rewrites string
}

// String returns the line as makemigrations prints it, such as
// "- drop column users.legacy (destructive: drops column users.legacy and
// its data)".
func (l Line) String() string {
	s := string(l.Sign) + " " + l.Text
	if l.Destructive != "" {
		s += " (destructive: " + l.Destructive + ")"
	}
	if l.Rewrites != "" {
		s += " (rewrites table " + l.Rewrites + ")"
	}
	return s
}

// Summary returns one line per change of the migration's Up, in order.
func (r *Result) Summary() []Line {
	if r.Plan == nil {
		return nil
	}
	state := &schema.Schema{}
	if r.Before != nil {
		state = r.Before.Fork()
	}
	lines := make([]Line, 0, len(r.Plan.Up))
	for _, c := range r.Plan.Up {
		lines = append(lines, Line{Sign: sign(c.Op), Text: describe(state, c.Op), Destructive: c.Destructive, Rewrites: c.Rewrites})
		_ = c.Op.Apply(state) // the plan was applied once already, in build
	}
	return lines
}

// sign returns the summary's sign of op.
func sign(op schema.Operation) byte {
	switch op.(type) {
	case schema.CreateTable, schema.AddColumn, schema.CreateIndex, schema.AddUnique,
		schema.AddForeignKey, schema.CreateEnum, schema.AddCheck:
		return '+'
	case schema.DropTable, schema.DropColumn, schema.DropIndex, schema.DropUnique,
		schema.DropForeignKey, schema.DropEnum, schema.DropCheck:
		return '-'
	}
	return '~'
}

// describe says what op does to s, the schema before it: the operation
// itself and, for an altered column, enum or primary key, what changes.
func describe(s *schema.Schema, op schema.Operation) string {
	switch op := op.(type) {
	case schema.AlterColumn:
		if t := s.Table(op.Table); t != nil {
			if old := t.Column(op.Column.Name); old != nil {
				return op.String() + ": " + columnChanges(*old, op)
			}
		}
	case schema.AlterEnum:
		if old := s.Enum(op.Name); old != nil {
			return fmt.Sprintf("%s: (%s) → (%s)", op, strings.Join(old.Values, ", "), strings.Join(op.Values, ", "))
		}
	case schema.AlterPrimaryKey:
		return fmt.Sprintf("%s: %s → %s", op, keyText(op.Old), keyText(op.New))
	}
	return fmt.Sprint(op)
}

// columnChanges spells what an AlterColumn changes in column o, such as
// "varchar(255) → varchar(320), NULL → NOT NULL (backfill 'none')".
func columnChanges(o schema.Column, op schema.AlterColumn) string {
	n := op.Column
	var parts []string
	if ot, nt := diff.TypeText(o.Type), diff.TypeText(n.Type); ot != nt {
		part := ot + " → " + nt
		if op.Using != "" {
			part += " (using " + op.Using + ")"
		}
		parts = append(parts, part)
	}
	if o.Nullable != n.Nullable {
		part := nullText(o.Nullable) + " → " + nullText(n.Nullable)
		if op.Backfill != "" {
			part += " (backfill " + op.Backfill + ")"
		}
		parts = append(parts, part)
	}
	if o.Default != n.Default {
		parts = append(parts, "default "+orNone(o.Default)+" → "+orNone(n.Default))
	}
	if o.Identity != n.Identity {
		parts = append(parts, "identity "+onOff(o.Identity)+" → "+onOff(n.Identity))
	}
	if o.AutoNow != n.AutoNow {
		parts = append(parts, "auto_now "+onOff(o.AutoNow)+" → "+onOff(n.AutoNow))
	}
	if len(parts) == 0 {
		return "no visible change"
	}
	return strings.Join(parts, ", ")
}

// keyText spells the columns of a primary key as (a, b), or (none).
func keyText(columns []string) string {
	if len(columns) == 0 {
		return "(none)"
	}
	return "(" + strings.Join(columns, ", ") + ")"
}

func nullText(nullable bool) string {
	if nullable {
		return "NULL"
	}
	return "NOT NULL"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
