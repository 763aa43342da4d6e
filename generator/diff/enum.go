package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// EnumRename says that value Value of enum Enum was called From: a
// //strata:renamed_from hint on the value's constant. A hint is stale, and
// ignored, unless the old enum has From and not Value, and the new enum
// Value and not From.
type EnumRename struct {
	Enum, Value, From string
}

// compareEnums plans the changes to the values of the enum types both
// schemas have (see [planner.enumChanges]). It applies the value renames
// to p.old, whose defaults then name the values by their new names, as
// the tables are compared after them.
func (p *planner) compareEnums() {
	for _, oe := range slices.Clone(p.old.Enums) {
		if ne := p.new.Enum(oe.Name); ne != nil && !slices.Equal(oe.Values, ne.Values) {
			early, late := p.enumChanges(oe, *ne)
			p.enumsEarly = append(p.enumsEarly, early...)
			p.enumsLate = append(p.enumsLate, late...)
		}
	}
	for _, s := range p.enumsEarly {
		if rename, ok := s.Op.(schema.RenameEnumValue); ok {
			_ = rename.Apply(p.old) // it fits: enumChanges checked it
		}
	}
}

// enumChanges returns the steps that take the values of enum o to those
// of n, split in two: those that run early, before the tables and columns
// change, and those that run late, once the columns are changed.
//
// Early come a RenameEnumValue for each hint that applies, then, when n
// has values the enum lacks, an AlterEnum that inserts them where n has
// them, so that the columns and defaults that use them find them. Late
// comes the AlterEnum to n's list when the enum must still lose values or
// change their order, so that a default moving off a value it loses has
// moved first. Losing a value is guarded: rows holding it make the
// migration fail.
func (p *planner) enumChanges(o, n schema.Enum) (early, late []step) {
	values := slices.Clone(o.Values)
	for _, h := range p.hints.EnumRenames {
		if h.Enum != o.Name || !slices.Contains(values, h.From) || slices.Contains(values, h.Value) ||
			slices.Contains(n.Values, h.From) || !slices.Contains(n.Values, h.Value) {
			continue
		}
		values[slices.Index(values, h.From)] = h.Value
		early = append(early, step{Change: Change{Op: schema.RenameEnumValue{Enum: o.Name, From: h.From, To: h.Value}}})
	}
	if with := withInsertions(values, n.Values); !slices.Equal(with, values) {
		early = append(early, step{Change: Change{Op: schema.AlterEnum{Name: o.Name, Values: with}}})
		values = with
	}
	if !slices.Equal(values, n.Values) {
		late = append(late, step{Change: Change{
			Op:          schema.AlterEnum{Name: o.Name, Values: slices.Clone(n.Values)},
			Destructive: p.loseValuesReason(o.Name, values, n.Values),
			Rewrites:    strings.Join(p.enumTables(o.Name), ", "),
		}})
	}
	return early, late
}

// enumTables names, sorted, the tables of the new schema with a column of
// enum type enum, which a change that swaps the type rewrites on
// PostgreSQL.
func (p *planner) enumTables(enum string) []string {
	var tables []string
	for _, t := range p.new.Tables {
		for _, c := range t.Columns {
			if c.Type.Kind == schema.EnumKind && c.Type.Enum == enum {
				tables = append(tables, t.Name)
				break
			}
		}
	}
	slices.Sort(tables)
	return tables
}

// withInsertions returns values with the values of want it lacks inserted:
// each right after the value that comes before it in want, or first when
// none does.
func withInsertions(values, want []string) []string {
	out := slices.Clone(values)
	for i, v := range want {
		if slices.Contains(out, v) {
			continue
		}
		at := 0
		if i > 0 {
			at = slices.Index(out, want[i-1]) + 1
		}
		out = slices.Insert(out, at, v)
	}
	return out
}

// loseValuesReason is the reason to guard taking enum from the values was
// to the values is, or "" when it loses none (a reorder).
func (p *planner) loseValuesReason(enum string, was, is []string) string {
	var lost []string
	for _, v := range was {
		if !slices.Contains(is, v) {
			lost = append(lost, "'"+strings.ReplaceAll(v, "'", "''")+"'")
		}
	}
	if len(lost) == 0 {
		return ""
	}
	var columns []string
	for _, t := range p.old.Tables {
		for _, c := range t.Columns {
			if c.Type.Kind == schema.EnumKind && c.Type.Enum == enum {
				columns = append(columns, t.Name+"."+c.Name)
			}
		}
	}
	holders := "rows holding them"
	if len(columns) > 0 {
		holders = "rows of " + strings.Join(columns, ", ") + " holding them"
	}
	return fmt.Sprintf("enum %s loses the values %s: %s make the migration fail; if a value was renamed, "+
		"give its constant //strata:renamed_from OLD, or use --force", enum, strings.Join(lost, ", "), holders)
}
