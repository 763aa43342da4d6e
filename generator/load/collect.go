package load

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// typeDecl is a type declaration whose doc comment holds strata directives.
type typeDecl struct {
	pkg  *packages.Package
	spec *ast.TypeSpec
	obj  *types.TypeName // nil when type checking failed
	dirs []directive
}

// collect finds the models and enums that pkg declares, and reports the
// strata directives it holds that are not in a type's doc comment.
func (l *loader) collect(pkg *packages.Package) {
	files := slices.Clone(pkg.Syntax)
	slices.SortFunc(files, func(a, b *ast.File) int {
		return strings.Compare(l.fset.Position(a.Pos()).Filename, l.fset.Position(b.Pos()).Filename)
	})
	for _, file := range files {
		used := map[*ast.Comment]bool{}
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if ok && gen.Tok == token.CONST {
				l.constDirectives(pkg, gen, used)
			}
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gen.Specs) == 1 {
					doc = gen.Doc
				}
				d := typeDecl{pkg: pkg, spec: ts, dirs: l.docDirectives(doc, ts.Name.Name, used)}
				if pkg.TypesInfo != nil {
					d.obj, _ = pkg.TypesInfo.Defs[ts.Name].(*types.TypeName)
				}
				l.classify(d)
			}
		}
		l.strayDirectives(file, used)
	}
}

// docDirectives parses the strata directives of a type's doc comment,
// marking their comments used. It reports directives that do not parse.
func (l *loader) docDirectives(doc *ast.CommentGroup, typeName string, used map[*ast.Comment]bool) []directive {
	if doc == nil {
		return nil
	}
	var dirs []directive
	for _, c := range doc.List {
		if rest, ok := strings.CutPrefix(c.Text, "//"); ok && !strings.HasPrefix(rest, "strata:") &&
			strings.HasPrefix(strings.TrimLeft(rest, " \t"), "strata:") {
			used[c] = true
			l.errorf(c.Slash, typeName, "", "a directive has no space after //: write %s", directivePrefix+strings.TrimPrefix(strings.TrimLeft(rest, " \t"), "strata:"))
			continue
		}
		if !strings.HasPrefix(c.Text, directivePrefix) {
			continue
		}
		used[c] = true
		d, pos, msg := parseDirective(c)
		switch {
		case msg != "":
			l.errorf(pos, typeName, "", "//strata:%s: %s", d.verb, msg)
		case !slices.Contains(directiveVerbs, d.verb):
			l.errorf(c.Slash, typeName, "", "unknown directive //strata:%s%s; the directives are //strata:table, extend, index, unique, check, pk, offline and enum",
				d.verb, didYouMean(d.verb, directiveVerbs))
		default:
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// strayDirectives reports //strata: comments of file that are not in the doc
// comment of a type declaration, where they would do nothing.
func (l *loader) strayDirectives(file *ast.File, used map[*ast.Comment]bool) {
	for _, group := range file.Comments {
		for _, c := range group.List {
			if strings.HasPrefix(c.Text, directivePrefix) && !used[c] {
				l.errorf(c.Slash, "", "", "%s is not in the doc comment of a type declaration, so it does nothing: "+
					"put it in the comment right above the type", strings.Fields(c.Text)[0])
			}
		}
	}
}

// classify records d as a model or an enum, by its directives.
func (l *loader) classify(d typeDecl) {
	var table, enum *directive
	var tableLevel []directive
	for i, dir := range d.dirs {
		switch dir.verb {
		case "table", "extend":
			if table != nil {
				l.errorf(dir.pos, d.spec.Name.Name, "", "second //strata:%s directive: a struct is one table (or extends one)", dir.verb)
				continue
			}
			table = &d.dirs[i]
		case "enum":
			if enum != nil {
				l.errorf(dir.pos, d.spec.Name.Name, "", "second //strata:enum directive")
				continue
			}
			enum = &d.dirs[i]
		default:
			tableLevel = append(tableLevel, dir)
		}
	}
	switch {
	case table != nil:
		if enum != nil {
			l.errorf(enum.pos, d.spec.Name.Name, "", "//strata:enum and //strata:table on one type: a model is a struct, an enum a string type")
		}
		l.addModel(d, *table, tableLevel)
	case enum != nil:
		l.addEnum(d, *enum)
	}
	if table == nil {
		for _, dir := range tableLevel {
			l.errorf(dir.pos, d.spec.Name.Name, "", "//strata:%s belongs to a model: add //strata:table NAME to the same doc comment", dir.verb)
		}
	}
}

// addModel records the struct d as a model with its table directive.
func (l *loader) addModel(d typeDecl, table directive, tableLevel []directive) {
	name := d.spec.Name.Name
	if d.obj == nil {
		return // type checking failed; reported already
	}
	if d.spec.TypeParams != nil {
		l.errorf(d.spec.Name.Pos(), name, "", "a model cannot be generic: declare a non-generic struct for the table")
		return
	}
	st, ok := d.obj.Type().Underlying().(*types.Struct)
	if !ok {
		l.errorf(table.pos, name, "", "//strata:table is for struct types, and %s is %s", name, typeString(d.obj.Type().Underlying()))
		return
	}
	m := &model{pkg: d.pkg, goName: name, pos: d.spec.Name.Pos(), st: st, tableDir: table.pos, extends: table.verb == "extend"}
	if m.extends {
		if !l.extendDirective(m, table) {
			return
		}
	} else if !l.tableDirective(m, table) {
		return
	}
	m.dirs = tableLevel
	l.models = append(l.models, m)
}

// tableDirective reads //strata:table NAME [renamed_from=OLD] into m. It
// reports false when the directive gives no usable name.
func (l *loader) tableDirective(m *model, d directive) bool {
	if len(d.args) == 0 || d.args[0].kind != argWord || strings.Contains(d.args[0].text, "=") {
		l.errorf(d.pos, m.goName, "", "//strata:table needs the table's name: write //strata:table %s", identHint(m.goName))
		return false
	}
	name := d.args[0]
	if p := identProblem(name.text); p != "" {
		l.errorf(name.pos, m.goName, "", "table name %q is not valid: %s%s", name.text, p, writeInstead(name.text, "%s"))
		return false
	}
	if why := tableReserved(name.text); why != "" {
		l.errorf(name.pos, m.goName, "", `table name %q is not valid: %s`, name.text, why)
		return false
	}
	m.table.Name = name.text
	for _, a := range d.args[1:] {
		old, ok := strings.CutPrefix(a.text, "renamed_from=")
		if a.kind != argWord || !ok {
			l.errorf(a.pos, m.goName, "", "unexpected %s in //strata:table: write //strata:table NAME [renamed_from=OLD]", a.describe())
			continue
		}
		if p := renameProblem(old, name.text); p != "" {
			l.errorf(a.pos, m.goName, "", "renamed_from=%s: %s", old, p)
			continue
		}
		m.renames = append(m.renames, Rename{Table: name.text, From: old, Pos: l.position(a.pos)})
	}
	return true
}

// extendDirective reads //strata:extend NAME into m. It reports false
// when the directive gives no usable name.
func (l *loader) extendDirective(m *model, d directive) bool {
	if len(d.args) != 1 || d.args[0].kind != argWord || strings.Contains(d.args[0].text, "=") {
		l.errorf(d.pos, m.goName, "", "//strata:extend needs the name of the table it adds columns to, and nothing else: write //strata:extend users")
		return false
	}
	if p := identProblem(d.args[0].text); p != "" {
		l.errorf(d.args[0].pos, m.goName, "", "table name %q is not valid: %s", d.args[0].text, p)
		return false
	}
	m.table.Name = d.args[0].text
	return true
}

// renameProblem says what is wrong with renamed_from=old on something now
// called name, or returns "".
func renameProblem(old, name string) string {
	if p := identProblem(old); p != "" {
		return "the old name is not valid: " + p
	}
	if old == name {
		return "the old name is the current name; remove renamed_from once the rename is migrated"
	}
	return ""
}

// typeString prints t for messages, qualifying names by package name.
func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}
