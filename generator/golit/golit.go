// Package golit writes schema values as Go composite literals, and reads
// them back.
//
// It is the last step of strata makemigrations, shared by the two packages
// that write Go: [github.com/strata-go/strata/generator/emit] writes a
// migration's operations with [Operation], and
// [github.com/strata-go/strata/generator/snapshot] writes the schema after
// it with [Schema] and reads it back from the file's syntax tree with
// [ParseSchema], without compiling or running it.
//
// The literals are keyed, leave out zero-valued fields and name the schema
// package's constants (schema.Int64, schema.Cascade) instead of converting
// strings. The layout is fixed so that diffs stay small: a Schema, a Table
// and an operation put one field on each line, and so do the lists of
// structs they hold directly, one element a line; everything else is written
// on one line. A column, an index, a constraint or an enum is thus one line,
// and changing one column changes one line.
//
// The literals come in two forms with the same text: [Schema] and
// [Operation] return jennifer code, which a jen.File lays out when it
// renders, by a gofmt pass over the whole file; [AppendSchema] and
// [AppendOperation] append the text gofmt would lay out to a byte slice
// directly, at a fraction of the cost, for the files strata writes whole.
// [KeyPadding] is the one rule of gofmt's they follow that is not plain
// indentation: how keyed elements put one a line align their values.
package golit

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/strata-go/strata/runtime/schema"
)

// SchemaPath is the import path of the schema package that the literals
// refer to.
const SchemaPath = "github.com/strata-go/strata/runtime/schema"

// constant is a named constant of the schema package.
type constant struct {
	name  string
	value any
}

// constants lists, for each type of the schema package that has named
// constants, those constants in declaration order. A value of such a type
// is written as its constant's name, or as a conversion when it has none.
var constants = map[reflect.Type][]constant{
	reflect.TypeFor[schema.Kind](): {
		{"Bool", schema.Bool},
		{"Int16", schema.Int16},
		{"Int32", schema.Int32},
		{"Int64", schema.Int64},
		{"Float32", schema.Float32},
		{"Float64", schema.Float64},
		{"Text", schema.Text},
		{"Bytes", schema.Bytes},
		{"Timestamp", schema.Timestamp},
		{"JSON", schema.JSON},
		{"UUID", schema.UUID},
		{"EnumKind", schema.EnumKind},
	},
	reflect.TypeFor[schema.Action](): {
		{"NoAction", schema.NoAction},
		{"Cascade", schema.Cascade},
		{"Restrict", schema.Restrict},
		{"SetNull", schema.SetNull},
		{"SetDefault", schema.SetDefault},
	},
}

var (
	schemaType = reflect.TypeFor[schema.Schema]()
	tableType  = reflect.TypeFor[schema.Table]()
)

// Lines returns the braces of a composite literal holding items, one on
// each line, each followed by a comma.
func Lines(items ...jen.Code) *jen.Statement {
	return jen.Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, items...)
}

// Schema returns s as a schema.Schema composite literal; a nil s is the
// empty schema. It writes s as it is: callers that want the canonical form
// normalize a copy first.
func Schema(s *schema.Schema) jen.Code {
	if s == nil {
		s = &schema.Schema{}
	}
	return value(reflect.ValueOf(*s), false, false)
}

// Operation returns op as a composite literal of its type, such as
// schema.AddColumn{...}. It returns an error for [schema.RunSQL],
// [schema.RunGo] and [schema.Irreversible]: those are steps a person
// writes, never the generator.
func Operation(op schema.Operation) (jen.Code, error) {
	v, err := operationValue(op)
	if err != nil {
		return nil, err
	}
	return typeName(v.Type()).Add(structBody(v, true)), nil
}

// operationValue returns the struct value of op, or why [Operation] does
// not write it.
func operationValue(op schema.Operation) (reflect.Value, error) {
	v := reflect.ValueOf(op)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	switch {
	case !v.IsValid() || v.Kind() == reflect.Pointer:
		return reflect.Value{}, errors.New("golit: nil operation")
	case v.Type().PkgPath() != SchemaPath || v.Kind() != reflect.Struct:
		return reflect.Value{}, fmt.Errorf("golit: operation of type %s is not one of the schema package", v.Type())
	}
	switch v.Interface().(type) {
	case schema.RunSQL, schema.RunGo, schema.Irreversible:
		return reflect.Value{}, fmt.Errorf("golit: schema.%s is a hand-written step, which strata does not generate", v.Type().Name())
	}
	return v, nil
}

// value returns the literal of v. elided leaves out the type of a struct or
// slice literal, as Go allows for the elements of a list; parentMulti tells
// whether the literal holding v puts one field on each line.
//
// value panics on a kind of value a literal of the schema package cannot
// hold (a map, a pointer, a func): the schema types have none, and the tests
// of this package fail the day one is added.
func value(v reflect.Value, elided, parentMulti bool) *jen.Statement {
	t := v.Type()
	switch v.Kind() {
	case reflect.Struct:
		multi := t == schemaType || t == tableType
		return typed(t, elided).Add(structBody(v, multi))
	case reflect.Slice:
		multi := parentMulti && t.Elem().Kind() == reflect.Struct
		return typed(t, elided).Add(sliceBody(v, multi))
	case reflect.String:
		return stringValue(v)
	case reflect.Bool:
		return jen.Lit(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		// Written bare, as an untyped constant: jen.Lit would convert it.
		return jen.Op(strconv.FormatInt(v.Int(), 10))
	}
	panic(fmt.Sprintf("golit: cannot write a value of type %s", t))
}

func typed(t reflect.Type, elided bool) *jen.Statement {
	if elided {
		return jen.Null()
	}
	return typeName(t)
}

// typeName returns the Go spelling of t: schema.Column, []string.
func typeName(t reflect.Type) *jen.Statement {
	switch {
	case t.Kind() == reflect.Slice:
		return jen.Index().Add(typeName(t.Elem()))
	case t.PkgPath() == SchemaPath:
		return jen.Qual(SchemaPath, t.Name())
	}
	return jen.Id(t.Name())
}

// structBody returns the braces of a struct literal holding v's non-zero
// fields, keyed, in declaration order.
func structBody(v reflect.Value, multi bool) *jen.Statement {
	t := v.Type()
	var fields []jen.Code
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			panic(fmt.Sprintf("golit: cannot write the unexported field %s of %s", f.Name, t))
		}
		if v.Field(i).IsZero() {
			continue
		}
		fields = append(fields, jen.Id(f.Name).Op(":").Add(value(v.Field(i), false, multi)))
	}
	if multi {
		return Lines(fields...)
	}
	return jen.Values(fields...)
}

// sliceBody returns the braces of a slice literal holding v's elements. An
// empty slice that is not nil is written as such ({}), so that it reads back
// the same.
func sliceBody(v reflect.Value, multi bool) *jen.Statement {
	elems := make([]jen.Code, v.Len())
	for i := range v.Len() {
		elems[i] = value(v.Index(i), true, false)
	}
	if multi {
		return Lines(elems...)
	}
	return jen.Values(elems...)
}

// stringValue writes a string, or a value of a string type of the schema
// package by the name of its constant.
func stringValue(v reflect.Value) *jen.Statement {
	consts, named := constants[v.Type()]
	if !named {
		return stringLit(v.String())
	}
	for _, c := range consts {
		if c.value == v.Interface() {
			return jen.Qual(SchemaPath, c.name)
		}
	}
	return typeName(v.Type()).Call(stringLit(v.String()))
}

// stringLit returns s as a Go string literal (see [appendString]). SQL text is full of double
// quotes, so a string holding a double quote or a backslash is written as
// a raw string when it can be, which reads as the SQL does:
//
//	Expr: `"price_cents" >= 0`
//
// rather than "\"price_cents\" >= 0". A string that a raw string cannot
// hold on one line (one with a backquote, a newline or another control
// character) is quoted and escaped instead.
func stringLit(s string) *jen.Statement {
	if rawString(s) {
		// A raw string has no jennifer token of its own; Op writes its
		// text verbatim.
		return jen.Op("`" + s + "`")
	}
	return jen.Lit(s)
}

// rawString reports whether s is written as a raw string (see
// [stringLit]).
func rawString(s string) bool {
	return strings.ContainsAny(s, `"\`) && strconv.CanBackquote(s) && !strings.Contains(s, "\t")
}

// AppendSchema appends to dst the literal [Schema] returns for s, as gofmt
// lays it out in a file where the literal starts on a line indented by
// depth tabs: its elements one tab deeper, its closing brace at depth.
func AppendSchema(dst []byte, s *schema.Schema, depth int) []byte {
	if s == nil {
		s = &schema.Schema{}
	}
	a := appender{buf: dst}
	a.value(reflect.ValueOf(*s), false, false, depth)
	return a.buf
}

// AppendOperation appends to dst the literal [Operation] returns for op,
// laid out as [AppendSchema] lays out a schema. It returns the errors
// Operation returns, and dst as it was with them.
func AppendOperation(dst []byte, op schema.Operation, depth int) ([]byte, error) {
	v, err := operationValue(op)
	if err != nil {
		return dst, err
	}
	a := appender{buf: dst}
	a.typeName(v.Type())
	a.structBody(v, true, depth)
	return a.buf, nil
}

// KeyPadding returns, for the keyed elements of a composite literal that
// gofmt puts one on each line, how many blanks gofmt writes after each
// key's colon. keys are the keys as written (a field name, a quoted
// string); single tells which elements fit on one line.
//
// gofmt aligns the values of consecutive one-line elements in a column,
// one blank after the longest key, except across an element that spans
// lines, and where a key more than 40 bytes long is at least 2.5 times
// longer or shorter than the geometric mean of the keys of its section
// so far; there a new section starts. An element that spans lines, or
// that is a literal's only element, takes one blank. This is
// go/printer's exprList rule for key: value lists broken over lines.
func KeyPadding(keys []string, single []bool) []int {
	const smallSize, ratio = 40, 2.5
	pads := make([]int, len(keys))
	aligned := func(i int) bool { return len(keys) > 1 && single[i] }
	start := 0 // the first element of the current section
	section := func(end int) {
		width := 0
		for i := start; i < end; i++ {
			if aligned(i) {
				width = max(width, utf8.RuneCountInString(keys[i]))
			}
		}
		for i := start; i < end; i++ {
			pads[i] = 1
			if aligned(i) {
				pads[i] += width - utf8.RuneCountInString(keys[i])
			}
		}
	}
	size, lnsum, count := 0, 0.0, 0
	for i, key := range keys {
		prevSize := size
		size = 0
		if single[i] {
			size = len(key)
		}
		newSection := true
		if prevSize > 0 && size > 0 {
			if count == 0 || prevSize <= smallSize && size <= smallSize {
				newSection = false
			} else {
				r := float64(size) / math.Exp(lnsum/float64(count))
				newSection = ratio*r <= 1 || ratio <= r
			}
		}
		if i > 0 && newSection {
			section(i)
			start, lnsum, count = i, 0, 0
		}
		if size > 0 {
			lnsum += math.Log(float64(size))
			count++
		}
	}
	section(len(keys))
	return pads
}

// AppendIndent appends depth tabs to dst.
func AppendIndent(dst []byte, depth int) []byte {
	for range depth {
		dst = append(dst, '\t')
	}
	return dst
}

// AppendString appends s as a Go string literal, as the literals of this
// package write strings: a raw string when s holds a double quote or a
// backslash and a raw string can hold it on one line, a quoted one
// otherwise (see [stringLit]).
func AppendString(dst []byte, s string) []byte {
	if rawString(s) {
		dst = append(dst, '`')
		dst = append(dst, s...)
		return append(dst, '`')
	}
	return strconv.AppendQuote(dst, s)
}

// appender appends the text of [value]'s literals, as gofmt lays them out.
// The layout is value's: a literal written one element a line (a Schema,
// a Table, an operation, and the lists of structs they hold) spans lines
// unless it is empty, when gofmt closes its braces, and every other
// literal is written on one line.
type appender struct {
	buf []byte
}

// value appends the literal of v, whose line is indented by depth tabs;
// elided and parentMulti are [value]'s.
func (a *appender) value(v reflect.Value, elided, parentMulti bool, depth int) {
	t := v.Type()
	switch v.Kind() {
	case reflect.Struct:
		if !elided {
			a.typeName(t)
		}
		a.structBody(v, t == schemaType || t == tableType, depth)
	case reflect.Slice:
		if !elided {
			a.typeName(t)
		}
		a.sliceBody(v, parentMulti && t.Elem().Kind() == reflect.Struct, depth)
	case reflect.String:
		a.stringValue(v)
	case reflect.Bool:
		a.buf = strconv.AppendBool(a.buf, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		a.buf = strconv.AppendInt(a.buf, v.Int(), 10)
	default:
		panic(fmt.Sprintf("golit: cannot write a value of type %s", t))
	}
}

// spansLines reports whether the literal [appender.value] writes for v
// spans lines.
func spansLines(v reflect.Value, parentMulti bool) bool {
	t := v.Type()
	switch v.Kind() {
	case reflect.Struct:
		return (t == schemaType || t == tableType) && !v.IsZero()
	case reflect.Slice:
		return parentMulti && t.Elem().Kind() == reflect.Struct && v.Len() > 0
	}
	return false
}

func (a *appender) typeName(t reflect.Type) {
	switch {
	case t.Kind() == reflect.Slice:
		a.buf = append(a.buf, "[]"...)
		a.typeName(t.Elem())
	case t.PkgPath() == SchemaPath:
		a.buf = append(a.buf, "schema."...)
		a.buf = append(a.buf, t.Name()...)
	default:
		a.buf = append(a.buf, t.Name()...)
	}
}

// fieldNameCache caches the names of the fields of the struct types
// [appender.structBody] writes, by type: reflect.Type.Field allocates.
var fieldNameCache sync.Map // reflect.Type -> []string

// namesOf returns the names of t's fields, in order. It panics on an
// unexported one, which a literal of another package cannot set.
func namesOf(t reflect.Type) []string {
	if names, ok := fieldNameCache.Load(t); ok {
		return names.([]string)
	}
	names := make([]string, t.NumField())
	for i := range names {
		f := t.Field(i)
		if !f.IsExported() {
			panic(fmt.Sprintf("golit: cannot write the unexported field %s of %s", f.Name, t))
		}
		names[i] = f.Name
	}
	fieldNameCache.Store(t, names)
	return names
}

// structBody appends the braces of [structBody].
func (a *appender) structBody(v reflect.Value, multi bool, depth int) {
	t := v.Type()
	names := namesOf(t)
	var set [16]int
	fields := set[:0]
	for i := range names {
		if !v.Field(i).IsZero() {
			fields = append(fields, i)
		}
	}
	if !multi || len(fields) == 0 {
		a.buf = append(a.buf, '{')
		for k, i := range fields {
			if k > 0 {
				a.buf = append(a.buf, ", "...)
			}
			a.oneLine(v.Field(i), t)
			a.buf = append(a.buf, names[i]...)
			a.buf = append(a.buf, ": "...)
			a.value(v.Field(i), false, false, depth)
		}
		a.buf = append(a.buf, '}')
		return
	}
	keys := make([]string, len(fields))
	single := make([]bool, len(fields))
	for k, i := range fields {
		keys[k] = names[i]
		single[k] = !spansLines(v.Field(i), true)
	}
	pads := KeyPadding(keys, single)
	a.buf = append(a.buf, "{\n"...)
	for k, i := range fields {
		a.buf = AppendIndent(a.buf, depth+1)
		a.buf = append(a.buf, keys[k]...)
		a.buf = append(a.buf, ':')
		for range pads[k] {
			a.buf = append(a.buf, ' ')
		}
		a.value(v.Field(i), false, true, depth+1)
		a.buf = append(a.buf, ",\n"...)
	}
	a.buf = AppendIndent(a.buf, depth)
	a.buf = append(a.buf, '}')
}

// sliceBody appends the braces of [sliceBody].
func (a *appender) sliceBody(v reflect.Value, multi bool, depth int) {
	if !multi || v.Len() == 0 {
		a.buf = append(a.buf, '{')
		for i := range v.Len() {
			if i > 0 {
				a.buf = append(a.buf, ", "...)
			}
			a.oneLine(v.Index(i), v.Type())
			a.value(v.Index(i), true, false, depth)
		}
		a.buf = append(a.buf, '}')
		return
	}
	a.buf = append(a.buf, "{\n"...)
	for i := range v.Len() {
		a.buf = AppendIndent(a.buf, depth+1)
		a.value(v.Index(i), true, false, depth+1)
		a.buf = append(a.buf, ",\n"...)
	}
	a.buf = AppendIndent(a.buf, depth)
	a.buf = append(a.buf, '}')
}

// oneLine panics when v, an element of a literal of type in written on one
// line, spans lines: gofmt would break the line it is on, which this
// writer does not do. The schema types hold no such value.
func (a *appender) oneLine(v reflect.Value, in reflect.Type) {
	if spansLines(v, false) {
		panic(fmt.Sprintf("golit: cannot write a %s, which spans lines, inside a literal of %s on one line", v.Type(), in))
	}
}

// constantsByValue holds, for each type of [constants], its constants' names
// by their values.
var constantsByValue = func() map[reflect.Type]map[string]string {
	names := map[reflect.Type]map[string]string{}
	for t, consts := range constants {
		names[t] = map[string]string{}
		for _, c := range consts {
			names[t][reflect.ValueOf(c.value).String()] = c.name
		}
	}
	return names
}()

// stringValue appends the text of [stringValue].
func (a *appender) stringValue(v reflect.Value) {
	consts, named := constantsByValue[v.Type()]
	if !named {
		a.buf = AppendString(a.buf, v.String())
		return
	}
	if name, ok := consts[v.String()]; ok {
		a.buf = append(a.buf, "schema."...)
		a.buf = append(a.buf, name...)
		return
	}
	a.typeName(v.Type())
	a.buf = append(a.buf, '(')
	a.buf = AppendString(a.buf, v.String())
	a.buf = append(a.buf, ')')
}
