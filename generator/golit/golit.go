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
package golit

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

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
	v := reflect.ValueOf(op)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	switch {
	case !v.IsValid() || v.Kind() == reflect.Pointer:
		return nil, errors.New("golit: nil operation")
	case v.Type().PkgPath() != SchemaPath || v.Kind() != reflect.Struct:
		return nil, fmt.Errorf("golit: operation of type %s is not one of the schema package", v.Type())
	}
	switch v.Interface().(type) {
	case schema.RunSQL, schema.RunGo, schema.Irreversible:
		return nil, fmt.Errorf("golit: schema.%s is a hand-written step, which strata does not generate", v.Type().Name())
	}
	return typeName(v.Type()).Add(structBody(v, true)), nil
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

// stringLit returns s as a Go string literal. SQL text is full of double
// quotes, so a string holding a double quote or a backslash is written as
// a raw string when it can be, which reads as the SQL does:
//
//	Expr: `"price_cents" >= 0`
//
// rather than "\"price_cents\" >= 0". A string that a raw string cannot
// hold on one line (one with a backquote, a newline or another control
// character) is quoted and escaped instead.
func stringLit(s string) *jen.Statement {
	if strings.ContainsAny(s, `"\`) && strconv.CanBackquote(s) && !strings.Contains(s, "\t") {
		// A raw string has no jennifer token of its own; Op writes its
		// text verbatim.
		return jen.Op("`" + s + "`")
	}
	return jen.Lit(s)
}
