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
	"fmt"
	"go/token"
	"strconv"
	"strings"
	"unicode"

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
	// DependsOn lists the qualified IDs of migrations of other sets that
	// must run first (see runtime.Migration.DependsOn).
	DependsOn []string
	// Replaces, set for a migration that strata squash writes, lists the
	// IDs of the migrations it folds into one.
	Replaces []string
	// Offline lists the tables whose changes keep their plain form (see
	// runtime.Migration.Offline).
	Offline []string
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

	// The file is written as jennifer would render it, gofmt'd, but
	// directly: gofmt's pass over the thousands of operations of a first
	// migration costs many times what writing them does.
	buf := make([]byte, 0, 1024+256*(len(f.Up)+len(f.Down)))
	if len(f.Replaces) > 0 {
		buf = append(buf, "// Migration "+f.ID+", written by strata squash.\n"+
			"//\n"+
			"// It folds the "+strconv.Itoa(len(f.Replaces))+" migrations up to "+f.Replaces[len(f.Replaces)-1]+" into one.\n"+
			"// A database that applied all of them has it applied; a new one applies it.\n\n"...)
	} else {
		buf = append(buf, "// Migration "+f.ID+", written by strata makemigrations.\n"+
			"//\n"+
			"// Review it before you commit it. You may add hand-written steps to Up and Down\n"+
			"// (schema.RunSQL, schema.RunGo); strata does not rewrite this file.\n\n"...)
	}
	buf = append(buf, "package "+f.Package+"\n\n"...)
	buf = append(buf, "import (\n\t\""+runtimePath+"\"\n\t\""+schemaPath+"\"\n)\n\n"...)
	buf = append(buf, "func init() {\n\tMigrator.Register(runtime.Migration{\n"...)
	id := strconv.Quote(f.ID)
	lists := []struct {
		key    string
		values []string
	}{{"DependsOn", f.DependsOn}, {"Replaces", f.Replaces}, {"Offline", f.Offline}}
	keys, single := []string{"ID"}, []bool{true}
	for _, l := range lists {
		if len(l.values) > 0 {
			keys, single = append(keys, l.key), append(single, true)
		}
	}
	keys, single = append(keys, "Up", "Down"), append(single, len(f.Up) == 0, len(f.Down) == 0)
	pads := golit.KeyPadding(keys, single)
	upPad, downPad := pads[len(pads)-2], pads[len(pads)-1]
	buf = appendField(buf, "ID", pads[0])
	buf = append(buf, id...)
	buf = append(buf, ",\n"...)
	k := 1
	for _, l := range lists {
		if len(l.values) == 0 {
			continue
		}
		buf = appendField(buf, l.key, pads[k])
		k++
		buf = append(buf, "[]string{"...)
		for j, v := range l.values {
			if j > 0 {
				buf = append(buf, ", "...)
			}
			buf = strconv.AppendQuote(buf, v)
		}
		buf = append(buf, "},\n"...)
	}
	buf = appendField(buf, "Up", upPad)
	buf, err := appendOperations(buf, "Up", f.Up, f.Notes)
	if err != nil {
		return nil, fmt.Errorf("emit: migration %s: %w", f.ID, err)
	}
	buf = append(buf, ",\n"...)
	buf = appendField(buf, "Down", downPad)
	if buf, err = appendOperations(buf, "Down", f.Down, nil); err != nil {
		return nil, fmt.Errorf("emit: migration %s: %w", f.ID, err)
	}
	buf = append(buf, ",\n\t})\n}\n"...)
	return buf, nil
}

// fieldDepth is the indentation of the fields of the runtime.Migration
// literal.
const fieldDepth = 2

// appendField appends the key of a field of the runtime.Migration literal,
// its colon and pad blanks.
func appendField(dst []byte, key string, pad int) []byte {
	dst = golit.AppendIndent(dst, fieldDepth)
	dst = append(dst, key...)
	dst = append(dst, ':')
	for range pad {
		dst = append(dst, ' ')
	}
	return dst
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

// appendOperations appends ops, the list called field, as a
// []schema.Operation literal: one operation after the other, each under
// its note, as line comments. Each line of a note is a comment of its own,
// written verbatim, with its trailing blanks left out.
func appendOperations(dst []byte, field string, ops []schema.Operation, notes map[int]string) ([]byte, error) {
	dst = append(dst, "[]schema.Operation{"...)
	if len(ops) == 0 {
		return append(dst, '}'), nil
	}
	dst = append(dst, '\n')
	for i, op := range ops {
		for line := range strings.Lines(strings.TrimSpace(notes[i])) {
			dst = golit.AppendIndent(dst, fieldDepth+1)
			dst = append(dst, commentLine(line)...)
			dst = append(dst, '\n')
		}
		dst = golit.AppendIndent(dst, fieldDepth+1)
		var err error
		if dst, err = golit.AppendOperation(dst, op, fieldDepth+1); err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		dst = append(dst, ",\n"...)
	}
	dst = golit.AppendIndent(dst, fieldDepth)
	return append(dst, '}'), nil
}

// commentLine returns line as a line comment, as gofmt leaves it: after
// "// ", without its trailing blanks, and without the carriage returns
// the Go scanner drops from comments.
func commentLine(line string) string {
	c := strings.TrimRightFunc("// "+line, unicode.IsSpace)
	if strings.Contains(c, "\r") {
		c = strings.TrimRight(strings.ReplaceAll(c, "\r", ""), " \t")
	}
	return c
}
