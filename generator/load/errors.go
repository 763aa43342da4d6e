package load

import (
	"cmp"
	"errors"
	"go/token"
	"slices"
	"strings"
)

// ErrNoPackages is wrapped by the error [Models] returns when its patterns
// match no package.
var ErrNoPackages = errors.New("load: no package matches the patterns")

// ErrNoModels is wrapped by the error [Models] returns when the packages it
// loaded declare no model: no struct carries a //strata:table directive.
var ErrNoModels = errors.New("load: no model found")

// Error is one problem in the models, at a position.
type Error struct {
	Pos    token.Position // Filename relative to dir when inside it
	Struct string         // Go type name, "" for package-level problems
	Field  string         // Go field name, "" for table-level problems
	Msg    string         // what is wrong and what to write instead
}

// Error formats e as "file:line:col: Struct.Field: message", leaving out the
// parts e does not have.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() || e.Pos.Filename != "" {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	switch {
	case e.Struct != "" && e.Field != "":
		b.WriteString(e.Struct + "." + e.Field + ": ")
	case e.Struct != "":
		b.WriteString(e.Struct + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one run; Error() joins them, one per line.
// [Models] returns them sorted by position.
type Errors []*Error

// Error returns the errors one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the errors, for [errors.As] and [errors.Is].
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// sorted returns es sorted by position (file, line, column), then by struct,
// field and message, without exact duplicates.
func (es Errors) sorted() Errors {
	out := slices.Clone(es)
	slices.SortStableFunc(out, compareErrors)
	return slices.CompactFunc(out, func(a, b *Error) bool { return compareErrors(a, b) == 0 })
}

func compareErrors(a, b *Error) int {
	return cmp.Or(
		strings.Compare(a.Pos.Filename, b.Pos.Filename),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Column, b.Pos.Column),
		strings.Compare(a.Struct, b.Struct),
		strings.Compare(a.Field, b.Field),
		strings.Compare(a.Msg, b.Msg),
	)
}
