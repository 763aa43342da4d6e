// Package emit writes one migration file: the Go source that registers a
// migration's operations with the app's Migrator.
//
// It is the last stage of strata makemigrations before the files are
// written: the diff stage decides the operations, and [Migration] renders
// them with jennifer as composite literals (see
// [github.com/strata-go/strata/generator/golit]). The file is the user's
// once written: it is not marked as generated, strata never rewrites it,
// and the user may add hand-written steps to it.
package emit

import (
	"bytes"
	"fmt"
	"go/token"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/strata-go/strata/generator/golit"
	"github.com/strata-go/strata/runtime/schema"
)

// Import paths the migration file refers to.
const (
	runtimePath = "github.com/strata-go/strata/runtime"
	schemaPath  = golit.SchemaPath
)

// File is one migration file to render.
type File struct {
	// Package is the package clause of the migrations directory.
	Package string
	// ID names the migration, such as "0002_add_users_bio"; the file is
	// ID + ".go".
	ID string
	// Up holds the operations that apply the migration.
	Up []schema.Operation
	// Notes holds comments to place above operations of Up, by index,
	// such as why an operation is destructive. A note may have several
	// lines.
	Notes map[int]string
	// Down holds the operations that revert the migration.
	Down []schema.Operation
}

// Migration returns the source of the migration file f, gofmt'd:
//
//	// Migration 0002_add_users_bio, written by strata makemigrations.
//	// ...
//
//	package migrations
//
//	import (...)
//
//	func init() {
//		Migrator.Register(runtime.Migration{
//			ID:   "0002_add_users_bio",
//			Up:   []schema.Operation{...},
//			Down: []schema.Operation{...},
//		})
//	}
//
// Migrator is the *runtime.Migrator that the migrations package declares
// in its generate.go. Up and Down are written even when empty, as places
// for hand-written steps. The comment at the top is separated from the
// package clause by a blank line, so that it does not become the package's
// documentation once for every migration.
func Migration(f File) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	up, err := operations("Up", f.Up, f.Notes)
	if err != nil {
		return nil, fmt.Errorf("emit: migration %s: %w", f.ID, err)
	}
	down, err := operations("Down", f.Down, nil)
	if err != nil {
		return nil, fmt.Errorf("emit: migration %s: %w", f.ID, err)
	}

	out := jen.NewFile(f.Package)
	out.ImportName(runtimePath, "runtime")
	out.ImportName(schemaPath, "schema")
	out.HeaderComment(fmt.Sprintf("Migration %s, written by strata makemigrations.", f.ID))
	out.HeaderComment("//")
	out.HeaderComment("Review it before you commit it. You may add hand-written steps to Up and Down")
	out.HeaderComment("(schema.RunSQL, schema.RunGo); strata does not rewrite this file.")
	out.Func().Id("init").Params().Block(
		jen.Id("Migrator").Dot("Register").Call(
			jen.Qual(runtimePath, "Migration").Add(golit.Lines(
				jen.Id("ID").Op(":").Lit(f.ID),
				jen.Id("Up").Op(":").Add(up),
				jen.Id("Down").Op(":").Add(down),
			)),
		),
	)

	var buf bytes.Buffer
	if err := out.Render(&buf); err != nil {
		return nil, fmt.Errorf("emit: migration %s: %w", f.ID, err)
	}
	return buf.Bytes(), nil
}

// check reports what in f cannot make a migration file.
func (f File) check() error {
	if !token.IsIdentifier(f.Package) || f.Package == "_" {
		return fmt.Errorf("emit: package name %q is not a Go identifier", f.Package)
	}
	if f.ID == "" || strings.ContainsAny(f.ID, `/\`) ||
		strings.ContainsFunc(f.ID, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) {
		return fmt.Errorf("emit: migration ID %q cannot name a file: want letters, digits and underscores, such as 0002_add_users_bio", f.ID)
	}
	for i := range f.Notes {
		if i < 0 || i >= len(f.Up) {
			return fmt.Errorf("emit: migration %s: a note is for Up[%d], but Up has %d operations", f.ID, i, len(f.Up))
		}
	}
	return nil
}

// operations returns ops, the list called field, as a []schema.Operation
// literal: one operation after the other, each under its note.
func operations(field string, ops []schema.Operation, notes map[int]string) (jen.Code, error) {
	items := make([]jen.Code, len(ops))
	for i, op := range ops {
		code, err := golit.Operation(op)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		items[i] = noted(notes[i], code)
	}
	return jen.Index().Qual(schemaPath, "Operation").Add(golit.Lines(items...)), nil
}

// noted puts note above code as line comments. Each line is written as a
// comment of its own: jennifer would turn a comment holding a newline into
// a /* */ block.
func noted(note string, code jen.Code) jen.Code {
	note = strings.TrimSpace(note)
	if note == "" {
		return code
	}
	s := &jen.Statement{}
	for line := range strings.Lines(note) {
		// A comment that starts with // is written verbatim, never
		// reformatted, whatever the line holds.
		s.Comment(strings.TrimRightFunc("// "+line, unicode.IsSpace)).Line()
	}
	return s.Add(code)
}
