package load

import (
	"cmp"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// EnumRename is a value-rename hint: value Value of enum Enum was called
// From. It comes from a //strata:renamed_from OLD directive in the doc
// comment or the line comment of the value's constant:
//
//	const (
//		StatusActive  Status = "active"
//		StatusBlocked Status = "blocked" //strata:renamed_from banned
//	)
//
// OLD is a word, or a Go string literal for a value with spaces or quotes
// in it.
type EnumRename struct {
	Enum, Value, From string
	Pos               token.Position
}

// constHint is a //strata:renamed_from directive on a constant, kept until
// every enum of the run is known.
type constHint struct {
	obj  *types.Const
	from string
	pos  token.Pos
}

// renamedFrom is the one directive a constant may carry.
const renamedFrom = "renamed_from"

// constDirectives reads the strata directives in the comments of the
// constants gen declares, marking their comments used.
func (l *loader) constDirectives(pkg *packages.Package, gen *ast.GenDecl, used map[*ast.Comment]bool) {
	for _, spec := range gen.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok || len(vs.Names) == 0 {
			continue
		}
		doc := vs.Doc
		if doc == nil && len(gen.Specs) == 1 {
			doc = gen.Doc
		}
		for _, group := range []*ast.CommentGroup{doc, vs.Comment} {
			if group == nil {
				continue
			}
			for _, c := range group.List {
				if strings.HasPrefix(c.Text, directivePrefix) {
					used[c] = true
					l.constDirective(pkg, vs, c)
				}
			}
		}
	}
}

// constDirective reads the directive c on the constants vs declares.
func (l *loader) constDirective(pkg *packages.Package, vs *ast.ValueSpec, c *ast.Comment) {
	name := vs.Names[0].Name
	d, pos, msg := parseDirective(c)
	switch {
	case msg != "":
		l.errorf(pos, name, "", "//strata:%s: %s", d.verb, msg)
		return
	case d.verb != renamedFrom:
		l.errorf(c.Slash, name, "", "unknown directive //strata:%s on a constant%s; the directive of an enum value is //strata:renamed_from OLD",
			d.verb, didYouMean(d.verb, []string{renamedFrom}))
		return
	case len(d.args) != 1 || d.args[0].kind == argList:
		l.errorf(c.Slash, name, "", "//strata:renamed_from takes the value's old name: write //strata:renamed_from OLD, "+
			`or //strata:renamed_from "OLD VALUE" for one with spaces`)
		return
	case len(vs.Names) > 1:
		l.errorf(c.Slash, name, "", "//strata:renamed_from is for one constant, and this line declares %d: declare %s on a line of its own",
			len(vs.Names), name)
		return
	}
	if pkg.TypesInfo == nil {
		return // type checking failed; reported already
	}
	if obj, ok := pkg.TypesInfo.Defs[vs.Names[0]].(*types.Const); ok {
		l.constHints = append(l.constHints, constHint{obj: obj, from: d.args[0].text, pos: d.args[0].pos})
	}
}

// checkEnumRenames checks the value-rename hints against the enums of the
// run, reporting the wrong ones, and keeps the others in l.valueRenames,
// sorted by enum then value.
func (l *loader) checkEnumRenames() {
	var renames []EnumRename
	for _, h := range l.constHints {
		if r, ok := l.enumRename(h, renames); ok {
			renames = append(renames, r)
		}
	}
	slices.SortFunc(renames, func(a, b EnumRename) int {
		return cmp.Or(strings.Compare(a.Enum, b.Enum), strings.Compare(a.Value, b.Value))
	})
	l.valueRenames = renames
}

// usedEnumRenames returns the value-rename hints of the enums in used.
func (l *loader) usedEnumRenames(used map[string]bool) []EnumRename {
	var renames []EnumRename
	for _, r := range l.valueRenames {
		if used[r.Enum] {
			renames = append(renames, r)
		}
	}
	return renames
}

// enumRename checks the hint h, given the renames accepted before it, and
// returns it as an EnumRename; it reports a problem and false when h is
// wrong.
func (l *loader) enumRename(h constHint, earlier []EnumRename) (EnumRename, bool) {
	name := h.obj.Name()
	var e *enumType
	if named, ok := h.obj.Type().(*types.Named); ok {
		e = l.enumOf(named)
	}
	if e == nil {
		l.errorf(h.pos, name, "", "//strata:renamed_from renames a value of an enum, and %s is of type %s, which is not marked //strata:enum",
			name, typeString(h.obj.Type()))
		return EnumRename{}, false
	}
	value := constant.StringVal(h.obj.Val())
	problem := ""
	switch {
	case h.from == "" || len(h.from) > MaxNameLen:
		problem = "the old value must be 1 to 63 bytes long"
	case h.from == value:
		problem = "the old value is the current value; remove the directive once the rename is migrated"
	case slices.Contains(e.values, h.from):
		problem = "enum " + e.name + " still has the value " + quoteValue(h.from) +
			": a renamed value is no longer a value of the enum (rename its constant's value, do not add a new one)"
	}
	for _, r := range earlier {
		switch {
		case problem != "" || r.Enum != e.name:
		case r.From == h.from:
			problem = "the value " + quoteValue(r.Value) + " of enum " + e.name + " is renamed from " + quoteValue(h.from) + " already"
		case r.Value == value:
			problem = "the value " + quoteValue(value) + " of enum " + e.name + " has a renamed_from already"
		}
	}
	if problem != "" {
		l.errorf(h.pos, name, "", "renamed_from %s: %s", quoteValue(h.from), problem)
		return EnumRename{}, false
	}
	return EnumRename{Enum: e.name, Value: value, From: h.from, Pos: l.position(h.pos)}, true
}

// quoteValue writes an enum value for messages, as the SQL literal it is.
func quoteValue(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
