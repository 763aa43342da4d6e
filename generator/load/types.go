package load

import (
	"fmt"
	"go/types"

	"github.com/strata-go/strata/runtime/schema"
)

// goType is what a field's Go type says about its column.
type goType struct {
	typ      types.Type  // the Go type, for messages (see display)
	kind     schema.Kind // "" when the Go type has no column kind of its own
	nullable bool        // a pointer or a database/sql Null type
	// nilable is a slice or map: nil is one of its values, and clients
	// send it as NULL, so its column is nullable outside a primary key.
	nilable bool
	enum    *enumType // for EnumKind
	// composite is a map, struct, slice or array: a column only as JSON
	// (with the json option) or with a type= option.
	composite bool
	problem   string // why kind is ""
	fatal     bool   // no option makes the type a column
	invalid   bool   // type checking failed, and said so already
}

// display returns the Go type as messages show it. It is worked out only
// for a message: most fields never need it.
func (g goType) display() string { return typeString(g.typ) }

// isInteger reports whether the Go type is an integer column.
func (g goType) isInteger() bool {
	return g.kind == schema.Int16 || g.kind == schema.Int32 || g.kind == schema.Int64
}

// isString reports whether the Go type is a plain string column.
func (g goType) isString() bool { return g.kind == schema.Text }

// describeType works out the column kind of a field of type t.
func (l *loader) describeType(t types.Type) goType {
	g := goType{typ: t}
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		g.nullable = true
		t = types.Unalias(p.Elem())
		if _, ok := t.(*types.Pointer); ok {
			g.fatal, g.problem = true, fmt.Sprintf("%s is a pointer to a pointer: use a single pointer for a nullable column", g.display())
			return g
		}
	}
	if named, ok := t.(*types.Named); ok && isSQLNull(named) {
		if g.nullable {
			g.fatal, g.problem = true, fmt.Sprintf("%s points to a nullable type: drop the pointer, the Null type allows NULL already", g.display())
			return g
		}
		g.nullable = true
		if kind := sqlNullKind(named); kind != "" {
			g.kind = kind
			return g
		}
		t = types.Unalias(named.TypeArgs().At(0)) // sql.Null[T]
		if _, ok := t.(*types.Pointer); ok {
			g.fatal, g.problem = true, fmt.Sprintf("%s holds a pointer: write sql.Null[%s]", g.display(), typeString(t.(*types.Pointer).Elem()))
			return g
		}
	}
	l.kindOf(t, &g)
	return g
}

// kindOf sets the kind of g from t, a type that is not a pointer.
func (l *loader) kindOf(t types.Type, g *goType) {
	switch t.Underlying().(type) {
	case *types.Slice, *types.Map:
		g.nilable = true
	}
	if named, ok := t.(*types.Named); ok {
		if kind := wellKnownKind(named); kind != "" {
			g.kind = kind
			return
		}
		if e := l.enumOf(named); e != nil {
			g.kind, g.enum = schema.EnumKind, e
			return
		}
		if isUUID(named) {
			g.kind = schema.UUID
			return
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		basicKind(u, g)
	case *types.Slice:
		if b, ok := types.Unalias(u.Elem()).(*types.Basic); ok && b.Kind() == types.Uint8 {
			g.kind = schema.Bytes
			return
		}
		g.composite, g.problem = true, fmt.Sprintf(`%s is not a column type: add strata:"json" to store it as JSON, or give its SQL type with type=`, g.display())
	case *types.Map, *types.Struct, *types.Array:
		g.composite, g.problem = true, fmt.Sprintf(`%s is not a column type: add strata:"json" to store it as JSON, or give its SQL type with type=`, g.display())
	case *types.Interface:
		g.problem = fmt.Sprintf("%s is not a column type: give the field a concrete type, or its SQL type with type=", g.display())
	default:
		g.fatal, g.problem = true, fmt.Sprintf(`%s cannot be a column: leave the field out with db:"-"`, g.display())
	}
}

// basicKind sets the kind of g from a basic type.
func basicKind(b *types.Basic, g *goType) {
	switch b.Kind() {
	case types.Invalid:
		g.invalid = true
	case types.Bool:
		g.kind = schema.Bool
	case types.Int8, types.Uint8, types.Int16:
		g.kind = schema.Int16
	case types.Uint16, types.Int32:
		g.kind = schema.Int32
	case types.Int, types.Int64, types.Uint32:
		g.kind = schema.Int64
	case types.Uint, types.Uint64, types.Uintptr:
		g.problem = fmt.Sprintf("%s does not fit a signed 64-bit column: use int64, or keep %s with type=numeric(20)", g.display(), g.display())
	case types.Float32:
		g.kind = schema.Float32
	case types.Float64:
		g.kind = schema.Float64
	case types.String:
		g.kind = schema.Text
	default:
		g.fatal, g.problem = true, fmt.Sprintf(`%s cannot be a column: leave the field out with db:"-"`, g.display())
	}
}

// wellKnownKind returns the kind of the named types strata knows by name:
// time.Time, encoding/json.RawMessage and strata's own column.JSON.
func wellKnownKind(t *types.Named) schema.Kind {
	switch pathName(t) {
	case "time.Time":
		return schema.Timestamp
	case "encoding/json.RawMessage", columnJSON:
		return schema.JSON
	}
	return ""
}

// columnJSON is the path and name of the generic JSON type of strata's
// runtime/column package.
const columnJSON = "github.com/strata-go/strata/runtime/column.JSON"

// isSQLNull reports whether t is one of database/sql's Null types.
func isSQLNull(t *types.Named) bool {
	return pathName(t) == "database/sql.Null" || sqlNullKind(t) != ""
}

// sqlNullKind returns the kind of the value a non-generic database/sql Null
// type holds, or "".
func sqlNullKind(t *types.Named) schema.Kind {
	switch pathName(t) {
	case "database/sql.NullString":
		return schema.Text
	case "database/sql.NullByte", "database/sql.NullInt16":
		return schema.Int16
	case "database/sql.NullInt32":
		return schema.Int32
	case "database/sql.NullInt64":
		return schema.Int64
	case "database/sql.NullBool":
		return schema.Bool
	case "database/sql.NullFloat64":
		return schema.Float64
	case "database/sql.NullTime":
		return schema.Timestamp
	}
	return ""
}

// pathName returns "import/path.Name" for the generic type of t.
func pathName(t *types.Named) string {
	obj := t.Origin().Obj()
	if obj.Pkg() == nil {
		return obj.Name()
	}
	return obj.Pkg().Path() + "." + obj.Name()
}

// isUUID reports whether t is a named type whose underlying type is
// [16]byte, as google/uuid's UUID is.
func isUUID(t *types.Named) bool {
	a, ok := t.Underlying().(*types.Array)
	if !ok || a.Len() != 16 {
		return false
	}
	b, ok := types.Unalias(a.Elem()).(*types.Basic)
	return ok && b.Kind() == types.Uint8
}
