package schema

import (
	"slices"
)

// AlterEnum gives an enum type a new list of values: values added anywhere,
// removed, or reordered. Dialects add values in place where the engine can
// (PostgreSQL's ALTER TYPE ... ADD VALUE) and otherwise swap the type or
// rebuild the tables using it; a row holding a removed value makes the
// migration fail.
type AlterEnum struct {
	Name   string
	Values []string
}

// RenameEnumValue renames one value of an enum type; rows holding it hold
// the new name afterwards.
type RenameEnumValue struct {
	Enum string
	From string
	To   string
}

func (AlterEnum) operation()       {}
func (RenameEnumValue) operation() {}

func (op AlterEnum) String() string { return "alter enum " + op.Name }
func (op RenameEnumValue) String() string {
	return "rename value " + op.From + " of enum " + op.Enum + " to " + op.To
}

// Apply replaces the enum's values. Defaults of columns of the enum must
// stay among its values.
func (op AlterEnum) Apply(s *Schema) error {
	e := s.Enum(op.Name)
	if e == nil {
		return notFit("no enum %s to alter", op.Name)
	}
	if err := validValues(op.Name, op.Values); err != nil {
		return err
	}
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if c.Type.Kind == EnumKind && c.Type.Enum == op.Name && c.Default != "" && !slices.Contains(op.Values, unquote(c.Default)) {
				return notFit("column %s.%s defaults to %s, which enum %s would no longer have", t.Name, c.Name, c.Default, op.Name)
			}
		}
	}
	e.Values = slices.Clone(op.Values)
	return nil
}

// Apply renames the value, and the defaults of columns that name it.
func (op RenameEnumValue) Apply(s *Schema) error {
	e := s.Enum(op.Enum)
	if e == nil {
		return notFit("no enum %s", op.Enum)
	}
	i := slices.Index(e.Values, op.From)
	if i < 0 {
		return notFit("enum %s has no value %q to rename", op.Enum, op.From)
	}
	if slices.Contains(e.Values, op.To) {
		return notFit("enum %s has a value %q already", op.Enum, op.To)
	}
	e.Values = slices.Clone(e.Values)
	e.Values[i] = op.To
	defaultsFrom := func(c Column) bool {
		return c.Type.Kind == EnumKind && c.Type.Enum == op.Enum && unquote(c.Default) == op.From && c.Default != ""
	}
	for ti := range s.Tables {
		if !slices.ContainsFunc(s.Tables[ti].Columns, defaultsFrom) {
			continue
		}
		t := &s.Tables[ti]
		*t = t.Clone()
		for ci := range t.Columns {
			if c := &t.Columns[ci]; defaultsFrom(*c) {
				c.Default = quote(op.To)
			}
		}
	}
	return nil
}

func validValues(enum string, values []string) error {
	if len(values) == 0 {
		return notFit("enum %s would have no values", enum)
	}
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			return notFit("enum %s would have the value %q twice", enum, v)
		}
		seen[v] = true
	}
	return nil
}

// unquote returns the text of an SQL string literal such as 'active', or
// the expression itself when it is not one.
func unquote(expr string) string {
	if len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' {
		inner := expr[1 : len(expr)-1]
		out := make([]byte, 0, len(inner))
		for i := 0; i < len(inner); i++ {
			out = append(out, inner[i])
			if inner[i] == '\'' && i+1 < len(inner) && inner[i+1] == '\'' {
				i++
			}
		}
		return string(out)
	}
	return expr
}

// quote returns v as an SQL string literal.
func quote(v string) string {
	out := make([]byte, 0, len(v)+2)
	out = append(out, '\'')
	for i := 0; i < len(v); i++ {
		out = append(out, v[i])
		if v[i] == '\'' {
			out = append(out, '\'')
		}
	}
	return string(append(out, '\''))
}
