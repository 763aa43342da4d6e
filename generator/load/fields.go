package load

import (
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// field is a struct field that is a column: a field of the model, or of a
// struct embedded in it.
type field struct {
	column    string // from the db tag
	path      string // Go field path from the model, such as "Timestamps.CreatedAt"
	pos       token.Pos
	typ       types.Type
	strata    string // the strata tag
	hasStrata bool
}

// structFields returns the columns of st in field order, expanding embedded
// structs in place. prefix is the Go path of st within the model; seen holds
// the embedded types being expanded, to stop at a cycle.
func (l *loader) structFields(m *model, st *types.Struct, prefix string, seen map[string]bool) []*field {
	var fields []*field
	for i := range st.NumFields() {
		v, tag := st.Field(i), st.Tag(i)
		path := prefix + v.Name()
		if p := tagProblem(tag); p != "" {
			l.errorf(v.Pos(), m.goName, path, "%s", p)
			continue
		}
		if !utf8.ValidString(tag) {
			l.errorf(v.Pos(), m.goName, path, "the struct tag is not valid UTF-8 (at byte %d of %q): names and SQL must be text both engines take",
				invalidAt(tag)+1, tag)
			continue
		}
		db, hasDB := reflect.StructTag(tag).Lookup("db")
		strata, hasStrata := reflect.StructTag(tag).Lookup("strata")
		if inner, key := embeddedStruct(v); inner != nil && !hasDB {
			if hasStrata {
				l.errorf(v.Pos(), m.goName, path, "strata options do not apply to an embedded struct, whose fields are columns: put them on its fields")
			}
			if seen[key] {
				l.errorf(v.Pos(), m.goName, path, "embedded struct %s embeds itself", v.Name())
				continue
			}
			seen[key] = true
			fields = append(fields, l.structFields(m, inner, path+".", seen)...)
			delete(seen, key)
			continue
		}
		if !v.Exported() {
			continue
		}
		column, _, _ := strings.Cut(db, ",")
		switch {
		case !hasDB:
			l.errorf(v.Pos(), m.goName, path, "no db tag: write db:%q to make the field a column, or db:\"-\" to leave it out",
				snakeCase(v.Name()))
			continue
		case column == "-":
			if hasStrata {
				l.errorf(v.Pos(), m.goName, path, `strata options on a field that db:"-" leaves out: remove them, or name the column`)
			}
			continue
		case column == "":
			l.errorf(v.Pos(), m.goName, path, "empty column name in the db tag: write db:%q, or db:\"-\" to leave the field out",
				snakeCase(v.Name()))
			continue
		}
		fields = append(fields, &field{column: column, path: path, pos: v.Pos(), typ: v.Type(), strata: strata, hasStrata: hasStrata})
	}
	return fields
}

// embeddedStruct returns the struct type that v embeds (by value or
// pointer) and a key naming it, or nil when v is not an embedded struct
// whose fields are columns. Embedded time.Time and database/sql types are
// values, not groups of columns.
func embeddedStruct(v *types.Var) (*types.Struct, string) {
	if !v.Embedded() {
		return nil, ""
	}
	t := types.Unalias(v.Type())
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	named, ok := t.(*types.Named)
	if !ok || wellKnownKind(named) != "" || isSQLNull(named) {
		return nil, ""
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return nil, ""
	}
	return st, enumKey(named.Obj())
}

// invalidAt returns the offset of the first byte of s that is not valid
// UTF-8.
func invalidAt(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return len(s)
}

// tagProblem checks that tag follows the struct tag convention of the
// reflect package (key:"value" pairs separated by spaces), which
// [reflect.StructTag.Lookup] silently gives up on. It returns "" when it
// does.
func tagProblem(tag string) string {
	const msg = `malformed struct tag: write key:"value" pairs separated by spaces, such as db:"email" strata:"unique"`
	for {
		tag = strings.TrimLeft(tag, " ")
		if tag == "" {
			return ""
		}
		i := 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' && tag[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			return msg
		}
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			return msg
		}
		if _, err := strconv.Unquote(tag[:i+1]); err != nil {
			return msg
		}
		tag = tag[i+1:]
	}
}
