package load

import (
	"cmp"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"unicode/utf8"
)

// enumType is a named string type marked //strata:enum.
type enumType struct {
	name   string // SQL type name
	goName string
	pos    token.Pos
	values []string          // in source order, without repeats
	consts map[string]string // constant name -> value, for hints
}

// enumKey identifies a named type across packages: types that a package
// imports come from export data and are not the objects type checking of
// the defining package produced, so objects cannot be compared.
func enumKey(obj *types.TypeName) string {
	if obj.Pkg() == nil {
		return obj.Name()
	}
	return obj.Pkg().Path() + "." + obj.Name()
}

// addEnum records d, marked by the //strata:enum directive dir, as an enum
// with the constants of its type as values.
func (l *loader) addEnum(d typeDecl, dir directive) {
	goName := d.spec.Name.Name
	if d.obj == nil {
		return
	}
	basic, ok := d.obj.Type().Underlying().(*types.Basic)
	if d.obj.IsAlias() || !ok || basic.Kind() != types.String {
		l.errorf(dir.pos, goName, "", "//strata:enum is for named string types, such as type %s string; %s is %s",
			goName, goName, typeString(d.obj.Type().Underlying()))
		return
	}
	e := &enumType{name: snakeCase(goName), goName: goName, pos: d.spec.Name.Pos(), consts: map[string]string{}}
	switch {
	case len(dir.args) > 1 || len(dir.args) == 1 && dir.args[0].kind != argWord:
		l.errorf(dir.pos, goName, "", "//strata:enum takes at most a name: write //strata:enum or //strata:enum %s", e.name)
		return
	case len(dir.args) == 1:
		e.name = dir.args[0].text
	}
	if p := identProblem(e.name); p != "" {
		l.errorf(dir.pos, goName, "", "enum name %q is not valid: %s%s", e.name, p, writeInstead(e.name, "//strata:enum %s"))
		return
	}
	if why := enumReserved(e.name); why != "" {
		l.errorf(dir.pos, goName, "", "enum name %q is not valid: %s; name it with //strata:enum NAME", e.name, why)
		return
	}
	for _, c := range l.enumConstants(d.obj) {
		v := constant.StringVal(c.Val())
		e.consts[c.Name()] = v
		switch {
		case slices.Contains(e.values, v):
			// Another name for a value listed already.
		case v == "":
			l.errorf(c.Pos(), goName, "", "enum value of %s is empty, which PostgreSQL refuses as an enum label: give it a value, or make the field a pointer for no value", c.Name())
		case len(v) > MaxNameLen:
			l.errorf(c.Pos(), goName, "", "enum value %q of %s is longer than 63 bytes, the most PostgreSQL keeps", v, c.Name())
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			l.errorf(c.Pos(), goName, "", "enum value %q of %s is not valid UTF-8 without NUL, which PostgreSQL needs", v, c.Name())
		default:
			e.values = append(e.values, v)
		}
	}
	if len(e.consts) == 0 {
		l.errorf(e.pos, goName, "", "enum %s has no values: declare its values as constants, such as const %sActive %s = \"active\"",
			e.name, goName, goName)
	}
	for _, other := range l.enums {
		if other.name == e.name {
			l.errorf(e.pos, goName, "", "enum name %s is taken by %s (%s): give one of them another name with //strata:enum NAME",
				e.name, other.goName, l.position(other.pos))
			return
		}
	}
	l.enums[enumKey(d.obj)] = e
}

// enumConstants returns the constants of type obj declared in its package,
// in source order.
func (l *loader) enumConstants(obj *types.TypeName) []*types.Const {
	var consts []*types.Const
	scope := obj.Pkg().Scope()
	for _, name := range scope.Names() {
		if c, ok := scope.Lookup(name).(*types.Const); ok && types.Identical(c.Type(), obj.Type()) {
			consts = append(consts, c)
		}
	}
	slices.SortFunc(consts, func(a, b *types.Const) int {
		pa, pb := l.fset.Position(a.Pos()), l.fset.Position(b.Pos())
		return cmp.Or(strings.Compare(pa.Filename, pb.Filename), cmp.Compare(pa.Offset, pb.Offset))
	})
	return consts
}

// enumOf returns the enum that the named type t is, or nil.
func (l *loader) enumOf(t *types.Named) *enumType {
	return l.enums[enumKey(t.Obj())]
}
