package history

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"regexp"
	"strconv"
	"strings"

	"github.com/strata-go/strata/generator/golit"
	"github.com/strata-go/strata/runtime/schema"
)

// runtimePath is the import path of the package whose Migration type a
// migration file registers.
const runtimePath = "github.com/strata-go/strata/runtime"

// literalHint ends the errors about what strata cannot read in a migration.
const literalHint = "strata reads migration files without running them: write operations, and the values in them, as literals " +
	"(for a RunSQL that changes the schema, list the operations it stands for in its Declares)"

// generatedComment matches the first line of the comment that strata
// makemigrations, and strata squash, put at the top of the files they
// write.
var generatedComment = regexp.MustCompile(`^// Migration \S+, written by strata (makemigrations|squash)\.$`)

// file reads one migration file.
type file struct {
	fset    *token.FileSet
	f       *ast.File
	schema  string // the name the file gives the schema package, or ""
	runtime string // the name the file gives the runtime package, or ""
	errs    []error
}

func (r *file) errorf(pos token.Pos, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", r.fset.PositionFor(pos, false), fmt.Sprintf(format, args...)))
}

// readFile reads the migration id, numbered number, from src, the source
// of the file at path. It returns the migration, or the problems found.
func readFile(path string, src []byte, id string, number int) (*Migration, []error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) {
			errs := make([]error, len(list))
			for i, e := range list {
				errs[i] = e
			}
			return nil, errs
		}
		return nil, []error{fmt.Errorf("history: %w", err)}
	}
	r := &file{fset: fset, f: f}
	r.schema, r.runtime = r.importName(golit.SchemaPath), r.importName(runtimePath)
	call, lit := r.register()
	if lit == nil {
		return nil, r.errs
	}
	m := &Migration{
		Number:    number,
		Path:      path,
		Generated: generated(f),
		Pos:       fset.PositionFor(call.Pos(), false),
	}
	r.migration(lit, m, id)
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	return m, nil
}

// generated reports whether the comment at the top of f, above its package
// clause, says that strata makemigrations wrote it.
func generated(f *ast.File) bool {
	if len(f.Comments) == 0 || f.Comments[0].Pos() > f.Package {
		return false
	}
	first := f.Comments[0].List[0].Text
	return generatedComment.MatchString(first)
}

// importName returns the name f gives the package of path, "." for a dot
// import, or "" when f does not import it.
func (r *file) importName(path string) string {
	for _, spec := range r.f.Imports {
		if p, err := strconv.Unquote(spec.Path.Value); err != nil || p != path {
			continue
		}
		if spec.Name != nil {
			return spec.Name.Name
		}
		return path[strings.LastIndex(path, "/")+1:]
	}
	return ""
}

// register returns the file's one Register call and the runtime.Migration
// literal it is given, or nils after recording why there are none.
func (r *file) register() (*ast.CallExpr, *ast.CompositeLit) {
	var calls []*ast.CallExpr
	ast.Inspect(r.f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Register" {
			if _, ok := sel.X.(*ast.Ident); ok {
				calls = append(calls, call)
			}
		}
		return true
	})
	switch {
	case len(calls) == 0:
		r.errorf(r.f.Name.Pos(), "no Register call: a migration file registers its migration in its init function, "+
			"with Migrator.Register(runtime.Migration{ID: ..., Up: ..., Down: ...})")
		return nil, nil
	case len(calls) > 1:
		for _, c := range calls[1:] {
			r.errorf(c.Pos(), "a second Register call, after the one at line %d: a migration file registers exactly one migration",
				r.fset.PositionFor(calls[0].Pos(), false).Line)
		}
		return nil, nil
	}
	call := calls[0]
	if len(call.Args) != 1 || call.Ellipsis.IsValid() {
		r.errorf(call.Pos(), "expected Register to be given one runtime.Migration literal, found %d arguments", len(call.Args))
		return nil, nil
	}
	lit, ok := ast.Unparen(call.Args[0]).(*ast.CompositeLit)
	if !ok || !r.isRuntimeMigration(lit.Type) {
		r.errorf(call.Args[0].Pos(), "expected a runtime.Migration literal, found %s; %s",
			describe(call.Args[0]), literalHint)
		return nil, nil
	}
	return call, lit
}

// isRuntimeMigration reports whether x names the type runtime.Migration,
// as the file spells it.
func (r *file) isRuntimeMigration(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return r.runtime == "." && x.Name == "Migration"
	case *ast.SelectorExpr:
		pkg, ok := x.X.(*ast.Ident)
		return ok && r.runtime != "" && pkg.Name == r.runtime && x.Sel.Name == "Migration"
	}
	return false
}

// migration reads the fields of lit, the runtime.Migration literal of the
// file of migration id, into m.
func (r *file) migration(lit *ast.CompositeLit, m *Migration, id string) {
	if !hasField(lit, "ID") {
		r.errorf(lit.Lbrace, "the migration has no ID: write ID: %q, the file's name without .go", id)
	}
	seen := map[string]bool{}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		var key *ast.Ident
		if ok {
			key, _ = kv.Key.(*ast.Ident)
		}
		if key == nil {
			r.errorf(e.Pos(), "expected a keyed field (Name: value) of runtime.Migration, found %s", describe(e))
			continue
		}
		name := key.Name
		if seen[name] {
			r.errorf(key.Pos(), "field %s of runtime.Migration is given twice", name)
			continue
		}
		seen[name] = true
		switch name {
		case "ID":
			m.ID = r.id(kv.Value, id)
		case "Up":
			m.Up = r.operations(name, kv.Value)
			m.upPos = r.positions(kv.Value)
		case "Down":
			m.Down = r.operations(name, kv.Value)
		case "NonTransactional":
			m.NonTransactional = r.boolean(kv.Value)
		case "DependsOn":
			m.DependsOn = r.strings(name, "a qualified migration ID", kv.Value)
		case "Replaces":
			m.Replaces = r.strings(name, "a migration ID", kv.Value)
		case "Offline":
			m.Offline = r.strings(name, "a table name", kv.Value)
		default:
			r.errorf(key.Pos(), "runtime.Migration has no field %s (it has ID, Up, Down, NonTransactional, DependsOn, Replaces, Offline)", name)
		}
	}
}

// hasField reports whether the struct literal lit gives the field name.
func hasField(lit *ast.CompositeLit, name string) bool {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if key, ok := kv.Key.(*ast.Ident); ok && key.Name == name {
				return true
			}
		}
	}
	return false
}

// id reads the migration's ID, which must be id, the file's.
func (r *file) id(x ast.Expr, want string) string {
	lit, ok := ast.Unparen(x).(*ast.BasicLit)
	got, err := "", error(nil)
	if ok && lit.Kind == token.STRING {
		got, err = strconv.Unquote(lit.Value)
	}
	switch {
	case !ok || lit.Kind != token.STRING || err != nil:
		r.errorf(x.Pos(), "expected the ID as a string literal, %q, found %s", want, describe(x))
	case got != want:
		r.errorf(x.Pos(), "the migration's ID is %q but its file is %s.go: the ID must be the file's name without .go, %q",
			got, want, want)
	}
	return got
}

// operations reads x, the value of the field Up or Down.
func (r *file) operations(field string, x ast.Expr) []schema.Operation {
	if id, ok := ast.Unparen(x).(*ast.Ident); ok && id.Name == "nil" {
		return nil
	}
	if r.schema == "" {
		r.errorf(x.Pos(), "%s: the file does not import %q, whose operations a migration holds", field, golit.SchemaPath)
		return nil
	}
	ops, err := golit.ParseOperations(r.fset, x, r.schema)
	var gerr *golit.Error
	switch {
	case err == nil:
	case errors.As(err, &gerr):
		gerr.Path = field + gerr.Path
		if r.computed(x, gerr.Pos) {
			err = fmt.Errorf("%w; %s", err, literalHint)
		}
		r.errs = append(r.errs, err)
	default:
		r.errs = append(r.errs, err)
	}
	return ops
}

// computed reports whether the expression at pos, inside x, is one that
// only running the file could compute, such as a variable or a call,
// rather than a literal or a constant of the schema package.
func (r *file) computed(x ast.Expr, pos token.Position) bool {
	var at ast.Node
	ast.Inspect(x, func(n ast.Node) bool {
		if at != nil || n == nil {
			return false
		}
		if p := r.fset.PositionFor(n.Pos(), false); p.Offset == pos.Offset {
			at = n
			return false
		}
		return true
	})
	switch n := at.(type) {
	case nil, *ast.BasicLit, *ast.CompositeLit, *ast.KeyValueExpr:
		return false
	case *ast.Ident:
		return n.Name != "true" && n.Name != "false" && n.Name != "nil"
	case *ast.SelectorExpr:
		pkg, ok := n.X.(*ast.Ident)
		return !ok || pkg.Name != r.schema
	}
	return true
}

// positions returns the position of each element of x, the list literal
// of Up, or nil when it is not one.
func (r *file) positions(x ast.Expr) []token.Position {
	lit, ok := ast.Unparen(x).(*ast.CompositeLit)
	if !ok {
		return nil
	}
	pos := make([]token.Position, len(lit.Elts))
	for i, e := range lit.Elts {
		pos[i] = r.fset.PositionFor(e.Pos(), false)
	}
	return pos
}

// strings reads x, the value of field (Replaces or Offline): a []string
// literal of string literals, each what says.
func (r *file) strings(field, what string, x ast.Expr) []string {
	lit, ok := ast.Unparen(x).(*ast.CompositeLit)
	if !ok {
		r.errorf(x.Pos(), "expected %s to be a []string literal, found %s", field, describe(x))
		return nil
	}
	var values []string
	for _, e := range lit.Elts {
		b, ok := ast.Unparen(e).(*ast.BasicLit)
		var v string
		var err error
		if ok && b.Kind == token.STRING {
			v, err = strconv.Unquote(b.Value)
		}
		if !ok || b.Kind != token.STRING || err != nil {
			r.errorf(e.Pos(), "expected %s as a string literal in %s, found %s", what, field, describe(e))
			continue
		}
		values = append(values, v)
	}
	return values
}

func (r *file) boolean(x ast.Expr) bool {
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok || (id.Name != "true" && id.Name != "false") {
		r.errorf(x.Pos(), "expected NonTransactional to be true or false, found %s", describe(x))
		return false
	}
	return id.Name == "true"
}

// describe quotes x for a message, cut short when it is long.
func describe(x ast.Expr) string {
	s := types.ExprString(x)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:37]) + "..."
	}
	return s
}
