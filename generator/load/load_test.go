package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want.json and want.errors files of testdata/*.txtar")

// TestModels loads each module of testdata/*.txtar and compares what Models
// returns with the archive's want.json (the Result) or want.errors (one
// error per line).
//
// The archive's comment may hold a line "patterns: ./a ./b" (default
// "./...") and a line "dir: sub" naming the directory, inside the module,
// that Models resolves the patterns in. In the expected output, $DIR stands
// for the module's directory.
func TestModels(t *testing.T) {
	archives, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) == 0 {
		t.Fatal("no testdata/*.txtar archives")
	}
	for _, file := range archives {
		name := strings.ReplaceAll(strings.TrimSuffix(filepath.Base(file), ".txtar"), "_", " ")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			gotName, got := runArchive(t, ar)
			if *update {
				rewriteWant(t, file, ar, gotName, got)
				return
			}
			want, ok := section(ar, gotName)
			if !ok {
				t.Fatalf("Models returned what %s holds, and the archive has no %s:\n%s", gotName, gotName, got)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", gotName, diff)
			}
		})
	}
}

// runArchive writes the module of ar to a temporary directory, loads it, and
// returns the name of the want file that applies and its content.
func runArchive(t *testing.T, ar *txtar.Archive) (string, string) {
	t.Helper()
	root := t.TempDir()
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want.") {
			continue
		}
		path := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir, patterns := root, []string{"./..."}
	for line := range strings.SplitSeq(string(ar.Comment), "\n") {
		if v, ok := strings.CutPrefix(line, "patterns:"); ok {
			patterns = strings.Fields(v)
		}
		if v, ok := strings.CutPrefix(line, "dir:"); ok {
			dir = filepath.Join(root, strings.TrimSpace(v))
		}
	}
	res, err := Models(context.Background(), dir, patterns...)
	if err != nil {
		if res != nil {
			t.Errorf("Models returned a Result with an error")
		}
		msg := strings.ReplaceAll(err.Error(), root, "$DIR")
		return "want.errors", msg + "\n"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		t.Fatal(err)
	}
	return "want.json", indentJSON(bytes.TrimSpace(b.Bytes()), 5)
}

// section returns the content of the file named name in ar.
func section(ar *txtar.Archive, name string) (string, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

// rewriteWant replaces the want files of the archive file with one named
// name holding content.
func rewriteWant(t *testing.T, file string, ar *txtar.Archive, name, content string) {
	t.Helper()
	out := &txtar.Archive{Comment: ar.Comment}
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "want.") {
			out.Files = append(out.Files, f)
		}
	}
	out.Files = append(out.Files, txtar.File{Name: name, Data: []byte(content)})
	if err := os.WriteFile(file, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// indentJSON indents the compact JSON b, breaking lines only inside the
// objects and arrays nested at most depth levels deep, so that each column
// of a golden file reads on one line.
func indentJSON(b []byte, depth int) string {
	var out bytes.Buffer
	level, inString, escaped := 0, false, false
	newline := func(n int) {
		out.WriteByte('\n')
		out.WriteString(strings.Repeat("\t", n))
	}
	for i, c := range b {
		switch {
		case inString:
			out.WriteByte(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
			out.WriteByte(c)
		case c == '{' || c == '[':
			level++
			out.WriteByte(c)
			if level <= depth && i+1 < len(b) && b[i+1] != '}' && b[i+1] != ']' {
				newline(level)
			}
		case c == '}' || c == ']':
			if level <= depth && b[i-1] != '{' && b[i-1] != '[' {
				newline(level - 1)
			}
			level--
			out.WriteByte(c)
		case c == ',' && level <= depth:
			out.WriteByte(c)
			newline(level)
		case c == ':' && level <= depth:
			out.WriteString(": ")
		default:
			out.WriteByte(c)
		}
	}
	out.WriteByte('\n')
	return out.String()
}

// TestModelsReportsAllErrorsTogetherSorted proves that a run with problems
// in several files and of several kinds returns no Result and every
// problem, sorted by file, line and column.
func TestModelsReportsAllErrorsTogetherSorted(t *testing.T) {
	ar := txtar.Parse([]byte(`
-- go.mod --
module example.com/m

go 1.22
-- models/b.go --
package models

//strata:table bees
type Bee struct {
	Name  string ` + "`db:\"name\" strata:\"uniq\"`" + `
	Count uint64 ` + "`db:\"count\"`" + `
}
-- models/a.go --
package models

//strata:tabel ants
type Ant struct{}

//strata:table ants
type Ant2 struct {
	Legs int ` + "`strata:\"pk\"`" + `
	Home string ` + "`db:\"home\" strata:\"fk=nests.id\"`" + `
}
`))
	root := t.TempDir()
	for _, f := range ar.Files {
		path := filepath.Join(root, f.Name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Models(context.Background(), root, "./models")
	if res != nil {
		t.Errorf("Models returned a Result along with errors")
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Models returned %T (%v), want Errors", err, err)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		`models/a.go:3:1: Ant: unknown directive //strata:tabel (did you mean "table"?); the directives are //strata:table, extend, index, unique, check, pk, offline and enum`,
		`models/a.go:8:2: Ant2.Legs: no db tag: write db:"legs" to make the field a column, or db:"-" to leave it out`,
		`models/a.go:9:2: Ant2.Home: fk=nests.id: no model has table "nests"`,
		`models/b.go:5:2: Bee.Name: unknown option "uniq" (did you mean "unique"?)`,
		`models/b.go:6:2: Bee.Count: uint64 does not fit a signed 64-bit column: use int64, or keep uint64 with type=numeric(20)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
	for i := 1; i < len(errs); i++ {
		if compareErrors(errs[i-1], errs[i]) >= 0 {
			t.Errorf("errors %d and %d are out of order: %v, then %v", i-1, i, errs[i-1], errs[i])
		}
	}
}

// TestModelsIsDeterministic loads the same module twice and expects the
// same Result.
func TestModelsIsDeterministic(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/every_option_of_the_strata_tag.txtar")
	if err != nil {
		t.Fatal(err)
	}
	_, first := runArchive(t, ar)
	_, second := runArchive(t, ar)
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("two loads differ (-first +second):\n%s", diff)
	}
}

func TestATableOfMoreColumnsThanPostgreSQLAllowsIsRefused(t *testing.T) {
	var fields strings.Builder
	for i := range maxColumns + 1 {
		fmt.Fprintf(&fields, "\tC%d int64 `db:\"c%d\"`\n", i, i)
	}
	ar := &txtar.Archive{Files: []txtar.File{
		{Name: "go.mod", Data: []byte("module example.com/m\n\ngo 1.22\n")},
		{Name: "models/models.go", Data: []byte("package models\n\n//strata:table wide\ntype Wide struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n" + fields.String() + "}\n")},
	}}
	gotName, got := runArchive(t, ar)
	want := "models/models.go:3:1: Wide: table wide has 1602 columns, more than the 1600 PostgreSQL allows: split it into tables\n"
	if gotName != "want.errors" || got != want {
		t.Errorf("Models = %s:\n%s\nwant want.errors:\n%s", gotName, got, want)
	}
}
