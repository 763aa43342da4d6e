package postgres

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// This file renders the changes to the values of an enum type: AlterEnum,
// in place when PostgreSQL can and by a type swap otherwise, and
// RenameEnumValue.

// oldTypeSuffix is appended to the name of an enum type that a type swap
// replaces, for as long as the swap runs.
const oldTypeSuffix = "__strata_old"

// alterEnum applies op to s and renders it. When the new list is the old
// one with values inserted (the old values in their order, none removed),
// each new value is added in place by ALTER TYPE ... ADD VALUE, at its
// position, unless swap is set (see enumSwaps); otherwise the type is
// swapped (see typeSwap).
func alterEnum(s *schema.Schema, op schema.AlterEnum, swap bool) ([]dialect.Step, error) {
	var was []string
	if e := s.Enum(op.Name); e != nil {
		was = slices.Clone(e.Values)
	}
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	if err := checkEnum(*s.Enum(op.Name)); err != nil {
		return nil, err
	}
	if _, ok := insertions(was, op.Values); ok && !swap {
		return stepsUnless(nil, addValues(op.Name, was, op.Values)...)
	}
	steps, err := stepsUnless(nil, typeSwap(s, op.Name)...)
	for k := range steps {
		if sql := steps[k].SQL; strings.HasPrefix(sql, "ALTER TABLE ") && strings.Contains(sql, " TYPE ") {
			steps[k].Locks = accessExclusive(quotedNames(sql)[0]) + " while it rewrites the table"
		}
	}
	return steps, err
}

// insertions returns the values of values that was lacks, and reports
// whether values is was with those inserted: every value of was kept, in
// the same order.
func insertions(was, values []string) ([]string, bool) {
	var added []string
	kept := 0
	for _, v := range values {
		switch {
		case kept < len(was) && was[kept] == v:
			kept++
		case slices.Contains(was, v):
			return nil, false
		default:
			added = append(added, v)
		}
	}
	return added, kept == len(was)
}

// addValues returns one ALTER TYPE ... ADD VALUE per value of values that
// was lacks, in order, each placed where values has it: BEFORE the first
// old value when it comes before every old value, and AFTER the value
// before it otherwise, even at the end, where PostgreSQL would append it
// anyway: the statement then says where the value goes, and does not
// depend on the type being as the migration expects it (squawk's
// require-enum-value-ordering).
func addValues(enum string, was, values []string) []string {
	first := len(values)
	if len(was) > 0 {
		first = slices.Index(values, was[0])
	}
	var sql []string
	for i, v := range values {
		if slices.Contains(was, v) {
			continue
		}
		stmt := "ALTER TYPE " + quote(enum) + " ADD VALUE " + quoteLiteral(v)
		if i < first {
			stmt += " BEFORE " + quoteLiteral(was[0])
		} else {
			stmt += " AFTER " + quoteLiteral(values[i-1])
		}
		sql = append(sql, stmt)
	}
	return sql
}

// typeSwap returns the statements that give the enum type enum the values
// it has in s, which PostgreSQL cannot do in place: the type is renamed
// out of the way, created again with its new values, every column of it
// moved to the new type through text (its default dropped first, since the
// default names the old type, and set again after), and the old type
// dropped. A row holding a value the new type lacks makes the cast, and so
// the migration, fail.
func typeSwap(s *schema.Schema, enum string) []string {
	old := oldTypeName(s, enum)
	sql := []string{
		"ALTER TYPE " + quote(enum) + " RENAME TO " + quote(old),
		createEnum(*s.Enum(enum)),
	}
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if _, custom := c.Type.CustomFor(name); c.Type.Kind != schema.EnumKind || c.Type.Enum != enum || custom {
				continue
			}
			column := func(change string) string {
				return alterTable(t.Name, "ALTER COLUMN "+quote(c.Name)+" "+change)
			}
			if c.Default != "" {
				sql = append(sql, column("DROP DEFAULT"))
			}
			sql = append(sql, column("TYPE "+quote(enum)+" USING "+quote(c.Name)+"::text::"+quote(enum)))
			if c.Default != "" {
				sql = append(sql, column("SET DEFAULT "+c.Default))
			}
		}
	}
	return append(sql, "DROP TYPE "+quote(old))
}

// oldTypeName returns the name a type swap gives the enum type enum while
// it runs: enum__strata_old, cut to PostgreSQL's limit on names, and
// numbered when s has a type or table of that name.
func oldTypeName(s *schema.Schema, enum string) string {
	taken := func(n string) bool { return s.Enum(n) != nil || s.Table(n) != nil }
	for n := 1; ; n++ {
		suffix := oldTypeSuffix
		if n > 1 {
			suffix += strconv.Itoa(n)
		}
		base := enum
		for len(base)+len(suffix) > maxIdentifier {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		if name := base + suffix; !taken(name) {
			return name
		}
	}
}

// renameEnumValue renders op, which s holds applied already.
func renameEnumValue(s *schema.Schema, op schema.RenameEnumValue) ([]dialect.Step, error) {
	return stepsUnless(checkEnum(*s.Enum(op.Enum)),
		"ALTER TYPE "+quote(op.Enum)+" RENAME VALUE "+quoteLiteral(op.From)+" TO "+quoteLiteral(op.To))
}

// enumSwaps returns the indexes of the AlterEnum operations of ops that
// must swap their type although they only add values, because a later
// operation of ops uses a value they add, in a column default or
// backfill. PostgreSQL (12 and later) runs ALTER TYPE ... ADD VALUE in a
// transaction but refuses to use the value before the transaction commits
// ("unsafe use of new value"), and a migration is one transaction; the
// values of a type the transaction created are free to use. A value used
// by hand-written SQL, or held by rows a conversion casts, cannot be known
// here. before is the schema before ops.
func enumSwaps(before *schema.Schema, ops []schema.Operation) map[int]bool {
	if !slices.ContainsFunc(ops, func(op schema.Operation) bool { _, ok := op.(schema.AlterEnum); return ok }) {
		return nil // the common case, which needs no replay
	}
	s := &schema.Schema{}
	if before != nil {
		s = before.Fork()
	}
	swaps := map[int]bool{}
	added := map[string][]addedValue{} // by enum
	for i, op := range ops {
		if owner, enum, ok := addedValueUse(s, op, added); ok {
			swaps[owner] = true
			// The swap makes a new type: what it and the operations
			// before it added is free to use from then on.
			added[enum] = slices.DeleteFunc(added[enum], func(a addedValue) bool { return a.owner <= owner })
		}
		noteAddedValues(s, i, op, added)
		if op == nil || op.Apply(s) != nil {
			break // rendering reports it
		}
	}
	return swaps
}

// addedValue is a value that operation owner adds in place.
type addedValue struct {
	value string
	owner int
}

// noteAddedValues updates added, the values added in place so far by enum,
// for ops[i], op, which s does not hold applied yet.
func noteAddedValues(s *schema.Schema, i int, op schema.Operation, added map[string][]addedValue) {
	switch op := op.(type) {
	case schema.AlterEnum:
		e := s.Enum(op.Name)
		if e == nil {
			return
		}
		if values, ok := insertions(e.Values, op.Values); ok {
			for _, v := range values {
				added[op.Name] = append(added[op.Name], addedValue{value: v, owner: i})
			}
		} else {
			delete(added, op.Name) // a swap: a new type
		}
	case schema.RenameEnumValue:
		for k := range added[op.Enum] {
			if added[op.Enum][k].value == op.From {
				added[op.Enum][k].value = op.To
			}
		}
	case schema.CreateEnum:
		delete(added, op.Enum.Name)
	case schema.DropEnum:
		delete(added, op.Name)
	}
}

// addedValueUse returns the operation that added in place the value of an
// enum that op, applied to s, uses in a default or backfill, and the enum;
// ok is false when op uses none.
func addedValueUse(s *schema.Schema, op schema.Operation, added map[string][]addedValue) (owner int, enum string, ok bool) {
	uses := func(c schema.Column, expr string) bool {
		if _, custom := c.Type.CustomFor(name); c.Type.Kind != schema.EnumKind || custom {
			return false
		}
		for _, a := range added[c.Type.Enum] {
			if strings.TrimSpace(expr) == quoteLiteral(a.value) {
				owner, enum = a.owner, c.Type.Enum
				return true
			}
		}
		return false
	}
	switch op := op.(type) {
	case schema.CreateTable:
		for _, c := range op.Table.Columns {
			if uses(c, c.Default) {
				return owner, enum, true
			}
		}
	case schema.AddColumn:
		ok = uses(op.Column, op.Column.Default)
	case schema.AlterColumn:
		if t := s.Table(op.Table); t != nil && t.Column(op.Column.Name) != nil {
			was, c := t.Column(op.Column.Name), op.Column
			changed := was.Default != c.Default || was.Type.Kind != c.Type.Kind || was.Type.Enum != c.Type.Enum
			ok = changed && uses(c, c.Default) || was.Nullable && !c.Nullable && uses(c, op.Backfill)
		}
	}
	return owner, enum, ok
}
