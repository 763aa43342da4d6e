package golit

import (
	"go/ast"
	"go/token"
	"reflect"

	"github.com/strata-go/strata/runtime/schema"
)

// operationType is the type of the elements of a migration's Up and Down,
// and of a RunSQL's Declares.
var operationType = reflect.TypeFor[schema.Operation]()

// operations lists one value of every type of the schema package that
// implements [schema.Operation]. A literal of an operation is read as the
// type its name picks from this list; a test checks the list against the
// schema package's source.
var operations = []schema.Operation{
	schema.CreateTable{},
	schema.DropTable{},
	schema.RenameTable{},
	schema.AddColumn{},
	schema.DropColumn{},
	schema.AlterColumn{},
	schema.RenameColumn{},
	schema.CreateIndex{},
	schema.DropIndex{},
	schema.RenameIndex{},
	schema.AddUnique{},
	schema.DropUnique{},
	schema.AddForeignKey{},
	schema.DropForeignKey{},
	schema.AddCheck{},
	schema.DropCheck{},
	schema.RenameConstraint{},
	schema.AlterPrimaryKey{},
	schema.CreateEnum{},
	schema.DropEnum{},
	schema.AlterEnum{},
	schema.RenameEnumValue{},
	schema.RunSQL{},
	schema.RunGo{},
	schema.Irreversible{},
}

// operationTypes holds the types of operations by name.
var operationTypes = func() map[string]reflect.Type {
	m := make(map[string]reflect.Type, len(operations))
	for _, op := range operations {
		t := reflect.TypeOf(op)
		m[t.Name()] = t
	}
	return m
}()

// ParseOperations reads x, a []schema.Operation composite literal or nil,
// such as the Up of a migration file, from a syntax tree whose positions
// fset holds. pkg is the name the file gives the schema package, as for
// [ParseSchema].
//
// Each element must be a composite literal of an operation type of the
// schema package, such as schema.AddColumn{...}, read as [ParseSchema]
// reads a schema; that includes the operations a [schema.RunSQL] declares.
// The function of a [schema.RunGo] is code, which ParseOperations neither
// reads nor runs: it accepts any expression there and leaves Func nil.
// Anything else, such as a variable or a function call in place of an
// operation, is an [*Error] that begins with the position of the offending
// expression, file:line:col, and names the path to it, such as
// [3].Table.Columns[0].Name.
func ParseOperations(fset *token.FileSet, x ast.Expr, pkg string) ([]schema.Operation, error) {
	p := reader{fset: fset, pkg: pkg}
	var ops []schema.Operation
	if err := p.value(x, reflect.ValueOf(&ops).Elem(), false); err != nil {
		return nil, err
	}
	return ops, nil
}

// operation reads the literal of an operation into v, a schema.Operation.
func (p *reader) operation(x ast.Expr, v reflect.Value) error {
	lit, ok := x.(*ast.CompositeLit)
	if !ok || lit.Type == nil {
		return p.errorf(x, "expected an operation literal such as %s{...}, found %s", p.qualify("AddColumn"), describe(x))
	}
	name, ok := p.qualified(ast.Unparen(lit.Type))
	if !ok {
		return p.errorf(x, "expected an operation literal such as %s{...}, found %s", p.qualify("AddColumn"), describe(x))
	}
	t := operationTypes[name]
	if t == nil {
		return p.errorf(lit.Type, "%s is not an operation of the schema package", p.qualify(name))
	}
	op := reflect.New(t).Elem()
	if err := p.structLit(lit, op, false); err != nil {
		return err
	}
	v.Set(op)
	return nil
}

// qualify spells the schema package's name for a message, with the file's
// name for the package.
func (p *reader) qualify(name string) string {
	if p.pkg == "." {
		return name
	}
	return p.pkg + "." + name
}
