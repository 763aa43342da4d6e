package snapshot

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var generatedLine = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

// checkGenerated fails unless src starts with the line that marks a
// generated file, both by the project's rule and by go/ast's.
func checkGenerated(t *testing.T, src []byte) {
	t.Helper()
	first, _, _ := bytes.Cut(src, []byte("\n"))
	if !generatedLine.Match(first) {
		t.Errorf("first line %q does not match %s", first, generatedLine)
	}
	f, err := parser.ParseFile(token.NewFileSet(), FileName, src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if !ast.IsGenerated(f) {
		t.Error("go/ast does not see the file as generated")
	}
}

// roundTrip encodes s with head, decodes the result, and returns both.
func roundTrip(t *testing.T, head string, s *schema.Schema) (string, *schema.Schema, []byte) {
	t.Helper()
	src, err := encodeSchema("migrations", head, s)
	if err != nil {
		t.Fatalf("Encode() error = %v", err)
	}
	checkGenerated(t, src)
	gotHead, got, err := decodeSchema(FileName, src)
	if err != nil {
		t.Fatalf("Decode() error = %v\n%s", err, src)
	}
	return gotHead, got, src
}

func normalized(s *schema.Schema) *schema.Schema {
	c := s.Clone()
	c.Normalize()
	return c
}

// encodeSchema encodes a file of head and s, with no models.
func encodeSchema(pkg, head string, s *schema.Schema) ([]byte, error) {
	return Encode(pkg, &File{Head: head, Schema: s})
}

// decodeSchema decodes src and returns its head and schema, failing if it
// has models.
func decodeSchema(filename string, src []byte) (string, *schema.Schema, error) {
	f, err := Decode(filename, src)
	if err != nil {
		return "", nil, err
	}
	if f.Models != nil {
		return "", nil, fmt.Errorf("Decode() models = %v, want none", f.Models)
	}
	return f.Head, f.Schema, nil
}

// normalizedFile returns f with its schema normalized.
func normalizedFile(f *File) *File {
	return &File{Head: f.Head, Schema: normalized(f.Schema), Models: f.Models}
}

func TestEncodeDecodeIsTheIdentityForEveryField(t *testing.T) {
	want := fullFile()
	src, err := Encode("migrations", want)
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, src)
	got, err := Decode(FileName, src)
	if err != nil {
		t.Fatalf("Decode() error = %v\n%s", err, src)
	}
	if diff := cmp.Diff(normalizedFile(want), got); diff != "" {
		t.Errorf("Decode(Encode(f)) (-want +got):\n%s", diff)
	}
}

func TestEncodeDecodeEdgeCases(t *testing.T) {
	tests := []struct {
		name   string
		head   string
		schema *schema.Schema
		want   *schema.Schema // nil: the schema itself, normalized
		// inText is a line the encoded file must hold, trimmed of tabs.
		inText string
	}{
		{
			name:   "the empty schema before the first migration",
			schema: &schema.Schema{},
			inText: `const Head = ""`,
		},
		{
			name:   "a nil schema is the empty schema",
			head:   "0001_initial",
			schema: nil,
			want:   &schema.Schema{},
			inText: "var Snapshot = schema.Schema{}",
		},
		{
			name: "empty lists stay empty and nil lists stay nil",
			schema: &schema.Schema{
				Enums: []schema.Enum{},
				Tables: []schema.Table{{
					Name:       "t",
					Columns:    []schema.Column{{Name: "c", Type: schema.Type{Kind: schema.Text, Custom: []schema.CustomType{}}}},
					PrimaryKey: []string{},
					Indexes:    nil,
					Uniques:    []schema.Unique{{Name: "u", Columns: []string{}}},
					Checks:     []schema.Check{},
				}},
			},
			inText: "PrimaryKey: []string{},",
		},
		{
			name: "strings with quotes, backslashes, newlines and unicode",
			head: "0002_naïve \"quoted\"",
			schema: &schema.Schema{
				Enums: []schema.Enum{{Name: "mood", Values: []string{"😀", "it's", `say "hi"`, "tab\there", "back`quote", ""}}},
				Tables: []schema.Table{{
					Name: "名前",
					Columns: []schema.Column{
						{Name: "a", Type: schema.Type{Kind: schema.Text}, Default: "'line one\nline two'"},
						{Name: "b", Type: schema.Type{Kind: schema.Text}, Default: `'C:\path'`},
						{Name: "c", Type: schema.Type{Kind: schema.Text}, Default: "'\r\n\x00\xff'"},
					},
					Checks: []schema.Check{{Name: "t_check", Expr: "\"a\" <> '`'"}},
				}},
			},
			inText: `{Name: "a", Type: schema.Type{Kind: schema.Text}, Default: "'line one\nline two'"},`,
		},
		{
			name: "a default with double quotes is written as a raw string",
			schema: &schema.Schema{Tables: []schema.Table{{
				Name:    "t",
				Columns: []schema.Column{{Name: "doc", Type: schema.Type{Kind: schema.JSON}, Default: `'{"a": [1, 2]}'`}},
			}}},
			inText: "{Name: \"doc\", Type: schema.Type{Kind: schema.JSON}, Default: `'{\"a\": [1, 2]}'`},",
		},
		{
			name: "a kind and an action without a constant are written as conversions",
			schema: &schema.Schema{Tables: []schema.Table{{
				Name:        "t",
				Columns:     []schema.Column{{Name: "m", Type: schema.Type{Kind: schema.Kind("money"), Size: -1}}},
				ForeignKeys: []schema.ForeignKey{{Name: "fk", OnDelete: schema.Action("explode")}},
			}}},
			inText: `{Name: "m", Type: schema.Type{Kind: schema.Kind("money"), Size: -1}},`,
		},
		{
			name: "an unsorted schema is written in canonical order",
			schema: &schema.Schema{
				Enums: []schema.Enum{{Name: "z"}, {Name: "a"}},
				Tables: []schema.Table{{
					Name:    "b",
					Columns: []schema.Column{{Name: "y"}, {Name: "x", Type: schema.Type{Custom: []schema.CustomType{{Dialect: "sqlite"}, {Dialect: "postgres"}}}}},
					Indexes: []schema.Index{{Name: "i2"}, {Name: "i1"}},
				}, {Name: "a"}},
			},
			inText: `{Name: "x", Type: schema.Type{Custom: []schema.CustomType{{Dialect: "postgres"}, {Dialect: "sqlite"}}}},`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *schema.Schema
			if tt.schema != nil {
				before = tt.schema.Clone()
			}
			head, got, src := roundTrip(t, tt.head, tt.schema)
			want := tt.want
			if want == nil {
				want = normalized(tt.schema)
			}
			if head != tt.head {
				t.Errorf("head = %q, want %q", head, tt.head)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode(Encode(s)) (-want +got):\n%s\n%s", diff, src)
			}
			if diff := cmp.Diff(before, tt.schema); diff != "" {
				t.Errorf("Encode changed its input (-before +after):\n%s", diff)
			}
			if !hasLine(src, tt.inText) {
				t.Errorf("the file has no line %s:\n%s", tt.inText, src)
			}
		})
	}
}

func hasLine(src []byte, line string) bool {
	for l := range strings.Lines(string(src)) {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}

func TestGolden(t *testing.T) {
	got, err := Encode("migrations", fullFile())
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, got)
	golden := filepath.Join("testdata", FileName+".golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Encode() (-%s +got):\n%s", golden, diff)
	}
	f, err := Decode(golden, want)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(normalizedFile(fullFile()), f); diff != "" {
		t.Errorf("Decode(%s) (-want +got):\n%s", golden, diff)
	}
}

func TestEncodeRejectsABadPackageName(t *testing.T) {
	for _, pkg := range []string{"", "_", "my-migrations", "func", "1st"} {
		if _, err := Encode(pkg, nil); err == nil || !strings.HasPrefix(err.Error(), "snapshot: package name") {
			t.Errorf("Encode(%q) error = %v, want one about the package name", pkg, err)
		}
	}
}

func TestRead(t *testing.T) {
	t.Run("a directory without a snapshot is the empty schema before any migration", func(t *testing.T) {
		f, err := Read(t.TempDir())
		if err != nil {
			t.Fatalf("Read() error = %v", err)
		}
		if diff := cmp.Diff(&File{Schema: &schema.Schema{}}, f); diff != "" {
			t.Errorf("Read() (-want +got):\n%s", diff)
		}
	})
	t.Run("a written snapshot reads back", func(t *testing.T) {
		dir := t.TempDir()
		src, err := Encode("migrations", fullFile())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, FileName), src, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Read(dir)
		if err != nil {
			t.Fatalf("Read() error = %v", err)
		}
		if diff := cmp.Diff(normalizedFile(fullFile()), f); diff != "" {
			t.Errorf("Read() (-want +got):\n%s", diff)
		}
	})
	t.Run("errors name the file by the directory given", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte("package migrations\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(dir)
		if want := filepath.Join(dir, FileName) + ":1:9: expected an import of"; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Read() error = %v, want it to start with %q", err, want)
		}
	})
	t.Run("a snapshot that cannot be read is an error", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, FileName), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(dir); err == nil || !strings.HasPrefix(err.Error(), "snapshot: ") {
			t.Errorf("Read() error = %v, want a snapshot: error", err)
		}
	})
}
