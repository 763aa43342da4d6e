package snapshot

import (
	"go/ast"
	"go/token"
	"maps"
	"slices"
	"strconv"

	"github.com/strata-go/strata/generator/golit"
)

// appendModels appends models as a map[string]string literal, one entry a
// line, sorted by table, laid out as gofmt lays it out.
func appendModels(dst []byte, models map[string]string) []byte {
	dst = append(dst, "map[string]string{"...)
	if len(models) == 0 {
		return append(dst, '}')
	}
	tables := slices.Sorted(maps.Keys(models))
	keys := make([]string, len(tables))
	single := make([]bool, len(tables))
	for i, table := range tables {
		keys[i], single[i] = strconv.Quote(table), true
	}
	pads := golit.KeyPadding(keys, single)
	dst = append(dst, '\n')
	for i, table := range tables {
		dst = append(dst, '\t')
		dst = append(dst, keys[i]...)
		dst = append(dst, ':')
		for range pads[i] {
			dst = append(dst, ' ')
		}
		dst = strconv.AppendQuote(dst, models[table])
		dst = append(dst, ",\n"...)
	}
	return append(dst, '}')
}

// models reads x, the value of Models, a map[string]string literal whose
// keys are table names and whose values name model structs. A nil x (no
// declaration) and an empty literal are nil.
func (d *decoder) models(x ast.Expr) (map[string]string, error) {
	if x == nil {
		return nil, nil
	}
	lit, ok := ast.Unparen(x).(*ast.CompositeLit)
	if !ok || !isStringMap(lit.Type) {
		return nil, d.errorf(x, "expected %s to be a map[string]string literal, such as "+
			"map[string]string{\"users\": \"example.com/app/models.User\"}", modelsName)
	}
	var models map[string]string
	where := map[string]token.Pos{}
	d.modelPos = map[string]modelPos{}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return nil, d.errorf(e, "expected a %s entry \"table\": \"path.Type\"", modelsName)
		}
		table, err := d.stringLit(kv.Key, "a table name")
		if err != nil {
			return nil, err
		}
		model, err := d.stringLit(kv.Value, "a model struct, such as \"example.com/app/models.User\",")
		if err != nil {
			return nil, err
		}
		if first, dup := where[table]; dup {
			return nil, d.errorf(kv.Key, "%s names table %q twice (first at %s)", modelsName, table, d.fset.PositionFor(first, false))
		}
		where[table] = kv.Key.Pos()
		d.modelPos[table] = modelPos{key: kv.Key.Pos(), value: kv.Value.Pos()}
		if models == nil {
			models = map[string]string{}
		}
		models[table] = model
	}
	return models, nil
}

// modelPos is where an entry of Models names its table and its model.
type modelPos struct{ key, value token.Pos }

// stringLit returns the value of x, a string literal, or an error saying it
// should be what.
func (d *decoder) stringLit(x ast.Expr, what string) (string, error) {
	if lit, ok := ast.Unparen(x).(*ast.BasicLit); ok && lit.Kind == token.STRING {
		if s, err := strconv.Unquote(lit.Value); err == nil {
			return s, nil
		}
	}
	return "", d.errorf(x, "%s: expected %s as a string literal", modelsName, what)
}

// isStringMap reports whether typ spells map[string]string.
func isStringMap(typ ast.Expr) bool {
	m, ok := typ.(*ast.MapType)
	return ok && isIdent(m.Key, "string") && isIdent(m.Value, "string")
}

func isIdent(x ast.Expr, name string) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == name
}
