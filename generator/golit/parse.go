package golit

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// ParseSchema reads x, a schema.Schema composite literal, from a syntax tree
// whose positions fset holds. pkg is the name the file gives the schema
// package: "schema", the name its import declares, or "." for a dot import.
//
// It accepts what [Schema] writes and what a person or gofmt may harmlessly
// change in it: layout, the order of fields, fields written with their zero
// value, nil for a list, element types spelt out, and raw or interpreted
// string literals. Anything else is an error that begins with the position
// of the offending expression, file:line:col, and says what was expected
// there. ParseSchema compiles and runs nothing, and returns the schema as
// written, not normalized.
func ParseSchema(fset *token.FileSet, x ast.Expr, pkg string) (*schema.Schema, error) {
	p := reader{fset: fset, pkg: pkg}
	var s schema.Schema
	if err := p.value(x, reflect.ValueOf(&s).Elem(), false); err != nil {
		return nil, err
	}
	return &s, nil
}

// reader reads literals into values through reflection, mirroring how
// [value] writes them.
type reader struct {
	fset *token.FileSet
	pkg  string
	// path leads from the schema to the value being read, such as
	// Tables[1].Columns[0].Name, for messages.
	path []string
}

// Error is the error [ParseSchema] and [ParseOperations] return for a
// literal they cannot read. It reads file:line:col: path: message.
type Error struct {
	// Pos is the position of the offending expression.
	Pos token.Position
	// Path leads from the literal read to the offending value, such as
	// Tables[1].Columns[0].Name or [3].Table.Name; it is empty for the
	// literal itself. A caller that read the literal as a field may put the
	// field's name in front, making [3].Table.Name Up[3].Table.Name.
	Path string
	// Msg says what was expected and what was found.
	Msg string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Pos.String() + ": " + e.Path + ": " + e.Msg
}

// errorf returns an error at the position of n, naming the value being read.
func (p *reader) errorf(n ast.Node, format string, args ...any) error {
	return &Error{
		Pos:  p.fset.PositionFor(n.Pos(), false),
		Path: strings.Join(p.path, ""),
		Msg:  fmt.Sprintf(format, args...),
	}
}

// value reads x into v. elided allows x to leave out its type, as the
// elements of a list literal may.
func (p *reader) value(x ast.Expr, v reflect.Value, elided bool) error {
	x = ast.Unparen(x)
	switch v.Kind() {
	case reflect.Struct:
		return p.structLit(x, v, elided)
	case reflect.Slice:
		return p.sliceLit(x, v, elided)
	case reflect.String:
		return p.stringValue(x, v)
	case reflect.Bool:
		return p.boolValue(x, v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return p.intValue(x, v)
	case reflect.Interface:
		if v.Type() == operationType {
			return p.operation(x, v)
		}
	case reflect.Func:
		// A function (RunGo's Func) is code, which a reader of literals
		// cannot run: any expression is accepted, and read as nil.
		v.SetZero()
		return nil
	}
	return p.errorf(x, "golit cannot read a value of type %s", v.Type())
}

func (p *reader) structLit(x ast.Expr, v reflect.Value, elided bool) error {
	t := v.Type()
	lit, ok := x.(*ast.CompositeLit)
	if !ok || !p.typeOK(lit.Type, t, elided) {
		return p.errorf(x, "expected a %s literal, found %s", p.typeName(t), describe(x))
	}
	seen := make(map[string]bool)
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return p.errorf(e, "expected a keyed field (Name: value) of %s, found %s", p.typeName(t), describe(e))
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			return p.errorf(kv.Key, "expected a field name of %s, found %s", p.typeName(t), describe(kv.Key))
		}
		f, ok := t.FieldByName(key.Name)
		if !ok || !f.IsExported() || len(f.Index) != 1 {
			return p.errorf(key, "%s has no field %s (it has %s)", p.typeName(t), key.Name, fieldNames(t))
		}
		if seen[key.Name] {
			return p.errorf(key, "field %s of %s is given twice", key.Name, p.typeName(t))
		}
		seen[key.Name] = true
		if err := p.within(key.Name, kv.Value, v.Field(f.Index[0]), false); err != nil {
			return err
		}
	}
	return nil
}

// within reads x into v, a field or an element named step of the value
// being read.
func (p *reader) within(step string, x ast.Expr, v reflect.Value, elided bool) error {
	if len(p.path) > 0 && !strings.HasPrefix(step, "[") {
		step = "." + step
	}
	p.path = append(p.path, step)
	err := p.value(x, v, elided)
	p.path = p.path[:len(p.path)-1]
	return err
}

func (p *reader) sliceLit(x ast.Expr, v reflect.Value, elided bool) error {
	t := v.Type()
	if id, ok := x.(*ast.Ident); ok && id.Name == "nil" {
		v.SetZero()
		return nil
	}
	lit, ok := x.(*ast.CompositeLit)
	if !ok || !p.typeOK(lit.Type, t, elided) {
		return p.errorf(x, "expected a %s literal or nil, found %s", p.typeName(t), describe(x))
	}
	s := reflect.MakeSlice(t, len(lit.Elts), len(lit.Elts))
	for i, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			return p.errorf(kv, "expected an element of %s, found the indexed element %s", p.typeName(t), describe(kv))
		}
		if err := p.within(fmt.Sprintf("[%d]", i), e, s.Index(i), true); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

// stringValue reads a string literal, or for a string type of the schema
// package also the name of one of its constants or a conversion such as
// schema.Kind("int64").
func (p *reader) stringValue(x ast.Expr, v reflect.Value) error {
	t := v.Type()
	consts, named := constants[t]
	if !named {
		return p.stringLit(x, v, "a string literal")
	}
	want := fmt.Sprintf("a %s constant (%s)", p.typeName(t), p.constantNames(consts))
	if call, ok := x.(*ast.CallExpr); ok && len(call.Args) == 1 && call.Ellipsis == token.NoPos &&
		p.isType(call.Fun, t) {
		return p.stringLit(ast.Unparen(call.Args[0]), v, "a string literal")
	}
	if lit, ok := x.(*ast.BasicLit); ok && lit.Kind == token.STRING {
		return p.stringLit(x, v, want)
	}
	name, ok := p.qualified(x)
	if !ok {
		return p.errorf(x, "expected %s, found %s", want, describe(x))
	}
	for _, c := range consts {
		if c.name == name {
			v.Set(reflect.ValueOf(c.value))
			return nil
		}
	}
	return p.errorf(x, "expected %s, found %s", want, describe(x))
}

func (p *reader) stringLit(x ast.Expr, v reflect.Value, want string) error {
	lit, ok := x.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return p.errorf(x, "expected %s, found %s", want, describe(x))
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return p.errorf(x, "expected %s, found %s: %v", want, describe(x), err)
	}
	v.SetString(s)
	return nil
}

func (p *reader) boolValue(x ast.Expr, v reflect.Value) error {
	id, ok := x.(*ast.Ident)
	if !ok || (id.Name != "true" && id.Name != "false") {
		return p.errorf(x, "expected true or false, found %s", describe(x))
	}
	v.SetBool(id.Name == "true")
	return nil
}

// intValue reads an integer literal, with an optional sign.
func (p *reader) intValue(x ast.Expr, v reflect.Value) error {
	sign := ""
	lit := x
	if u, ok := x.(*ast.UnaryExpr); ok && (u.Op == token.SUB || u.Op == token.ADD) {
		sign, lit = u.Op.String(), ast.Unparen(u.X)
	}
	b, ok := lit.(*ast.BasicLit)
	if !ok || b.Kind != token.INT {
		return p.errorf(x, "expected an integer, found %s", describe(x))
	}
	n, err := strconv.ParseInt(sign+b.Value, 0, v.Type().Bits())
	if err != nil {
		return p.errorf(x, "expected an integer that fits %s, found %s", v.Type(), describe(x))
	}
	v.SetInt(n)
	return nil
}

// typeOK reports whether typ, the type of a composite literal, is t; a
// literal without a type is allowed where it is elided.
func (p *reader) typeOK(typ ast.Expr, t reflect.Type, elided bool) bool {
	if typ == nil {
		return elided
	}
	return p.isType(typ, t)
}

// isType reports whether x spells the type t, as the file names it.
func (p *reader) isType(x ast.Expr, t reflect.Type) bool {
	x = ast.Unparen(x)
	switch {
	case t.Kind() == reflect.Slice:
		a, ok := x.(*ast.ArrayType)
		return ok && a.Len == nil && p.isType(a.Elt, t.Elem())
	case t.PkgPath() == SchemaPath:
		name, ok := p.qualified(x)
		return ok && name == t.Name()
	}
	id, ok := x.(*ast.Ident)
	return ok && t.PkgPath() == "" && id.Name == t.Name()
}

// qualified returns the name x selects from the schema package: Int64 for
// schema.Int64 (or for Int64 under a dot import).
func (p *reader) qualified(x ast.Expr) (string, bool) {
	if p.pkg == "." {
		id, ok := x.(*ast.Ident)
		if !ok {
			return "", false
		}
		return id.Name, true
	}
	sel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Name != p.pkg {
		return "", false
	}
	return sel.Sel.Name, true
}

// typeName spells t for a message, with the file's name for the schema
// package.
func (p *reader) typeName(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Slice:
		return "[]" + p.typeName(t.Elem())
	case t.PkgPath() == SchemaPath && p.pkg != ".":
		return p.pkg + "." + t.Name()
	}
	return t.Name()
}

func (p *reader) constantNames(consts []constant) string {
	names := make([]string, len(consts))
	for i, c := range consts {
		names[i] = c.name
		if p.pkg != "." {
			names[i] = p.pkg + "." + c.name
		}
	}
	return strings.Join(names, ", ")
}

func fieldNames(t reflect.Type) string {
	var names []string
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			names = append(names, t.Field(i).Name)
		}
	}
	return strings.Join(names, ", ")
}

// describe quotes x for a message, cut short when it is long.
func describe(x ast.Expr) string {
	var s string
	if kv, ok := x.(*ast.KeyValueExpr); ok {
		s = types.ExprString(kv.Key) + ": " + types.ExprString(kv.Value)
	} else {
		s = types.ExprString(x)
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:37]) + "..."
	}
	return s
}
