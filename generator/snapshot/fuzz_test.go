package snapshot

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

var positioned = regexp.MustCompile(`^` + regexp.QuoteMeta(FileName) + `:\d+:\d+: `)

// FuzzDecode feeds Decode edited snapshots. Decode must never panic, must
// give every error a position, and whatever it accepts must encode and
// decode back to itself. The check of Read must hold the same way: every
// line of its errors has a position, and a snapshot it accepts is the one
// Decode reads, and stays valid encoded again. Seeds: the golden file, a
// small snapshot, the snapshot validate_test.go edits, and the inputs
// under testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", FileName+".golden"))
	if err != nil {
		f.Fatal(err)
	}
	small, err := Encode("migrations", &File{Head: "0002_add_users", Schema: smallSchema(), Models: smallModels()})
	if err != nil {
		f.Fatal(err)
	}
	withoutModels, err := encodeSchema("migrations", "0002_add_users", smallSchema())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add(withoutModels)
	f.Add(small)
	f.Add([]byte(validSnapshot))
	f.Fuzz(func(t *testing.T, src []byte) {
		checked, checkErr := decodeValid(FileName, src, nil)
		first, err := Decode(FileName, src)
		var invalid *InvalidError
		switch {
		case errors.As(checkErr, &invalid):
			for line := range strings.Lines(checkErr.Error()) {
				if !positioned.MatchString(line) {
					t.Errorf("decodeValid() error line %q has no position %s:LINE:COL", line, FileName)
				}
			}
		case checkErr != nil && (err == nil || checkErr.Error() != err.Error()):
			t.Errorf("decodeValid() error = %v, want that of Decode(), %v, or an *InvalidError", checkErr, err)
		}
		if err != nil {
			if !positioned.MatchString(err.Error()) {
				t.Errorf("Decode() error %q has no position %s:LINE:COL", err, FileName)
			}
			if checkErr == nil {
				t.Errorf("decodeValid() accepts what Decode() rejects: %v", err)
			}
			return
		}
		if checkErr == nil {
			if diff := cmp.Diff(first, checked); diff != "" {
				t.Errorf("decodeValid() and Decode() read differently (-Decode +decodeValid):\n%s", diff)
			}
		}
		again, err := Encode("migrations", first)
		if err != nil {
			t.Fatalf("Encode() of a decoded snapshot: %v", err)
		}
		second, err := Decode(FileName, again)
		if err != nil {
			t.Fatalf("Decode() of a re-encoded snapshot: %v\n%s", err, again)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("snapshot after a round trip (-first +second):\n%s", diff)
		}
		if checkErr == nil {
			if _, err := decodeValid(FileName, again, nil); err != nil {
				t.Errorf("decodeValid() of a valid snapshot encoded again: %v\n%s", err, again)
			}
		}
	})
}

// FuzzEncodeDecodeStrings puts arbitrary strings in every string field, in
// Head and in Models, and checks that they survive Encode and Decode.
func FuzzEncodeDecodeStrings(f *testing.F) {
	f.Add("users", "'active'", `"price" >= 0`)
	f.Add("名前", "'a\nb'", "`\\\x00\xff")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		s := &schema.Schema{
			Enums: []schema.Enum{{Name: a, Values: []string{b, c}}},
			Tables: []schema.Table{{
				Name: a,
				Columns: []schema.Column{{
					Name:    b,
					Type:    schema.Type{Kind: schema.Kind(c), Enum: a, Custom: []schema.CustomType{{Dialect: b, SQL: c}}},
					Default: c,
				}},
				PrimaryKey:  []string{a},
				Indexes:     []schema.Index{{Name: b, Columns: []string{c}, Where: a}},
				Uniques:     []schema.Unique{{Name: c, Columns: []string{b}}},
				ForeignKeys: []schema.ForeignKey{{Name: a, Columns: []string{b}, RefTable: c, RefColumns: []string{a}, OnDelete: schema.Action(b)}},
				Checks:      []schema.Check{{Name: b, Expr: c}},
			}},
		}
		want := &File{Head: a, Schema: s, Models: map[string]string{a: b, b: c}}
		src, err := Encode("migrations", want)
		if err != nil {
			t.Fatalf("Encode() error = %v", err)
		}
		got, err := Decode(FileName, src)
		if err != nil {
			t.Fatalf("Decode() error = %v\n%s", err, src)
		}
		if diff := cmp.Diff(normalizedFile(want), got); diff != "" {
			t.Errorf("Decode(Encode(f)) (-want +got):\n%s", diff)
		}
	})
}
