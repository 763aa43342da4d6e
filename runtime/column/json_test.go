package column_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime/column"
)

type prefs struct {
	Theme string         `json:"theme"`
	Sizes map[string]int `json:"sizes"`
}

var (
	_ driver.Valuer = column.JSON[prefs]{}
	_ sql.Scanner   = (*column.JSON[prefs])(nil)
)

// Each value goes out through Value as JSON text and comes back through
// Scan, from text as SQLite gives it and from bytes as PostgreSQL's
// drivers may, equal to what went out.
func TestJSONValueThenScanGivesTheValueBack(t *testing.T) {
	check := func(t *testing.T, in any, text string, back func(src any) (any, error)) {
		t.Helper()
		if text[0] == '"' {
			t.Fatalf("Value wrote a JSON string: %s", text)
		}
		for _, src := range []any{text, []byte(text)} {
			got, err := back(src)
			if err != nil {
				t.Fatalf("Scan(%T %s): %v", src, text, err)
			}
			if !reflect.DeepEqual(got, in) {
				t.Errorf("Scan(%T %s) = %#v, want %#v", src, text, got, in)
			}
		}
	}
	t.Run("struct", func(t *testing.T) {
		for _, v := range []prefs{{}, {Theme: "dark", Sizes: map[string]int{"a": 1, "b": 2}}} {
			out, err := column.JSONOf(v).Value()
			if err != nil {
				t.Fatal(err)
			}
			check(t, v, out.(string), func(src any) (any, error) {
				var j column.JSON[prefs]
				err := j.Scan(src)
				return j.V, err
			})
		}
	})
	t.Run("nil and empty slices", func(t *testing.T) {
		for _, v := range [][]string{nil, {}, {"x", "y"}} {
			out, err := column.JSONOf(v).Value()
			if err != nil {
				t.Fatal(err)
			}
			check(t, v, out.(string), func(src any) (any, error) {
				var j column.JSON[[]string]
				err := j.Scan(src)
				return j.V, err
			})
		}
	})
}

func TestJSONScanOfNULLGivesTheZeroValue(t *testing.T) {
	j := column.JSONOf(map[string]int{"a": 1})
	if err := j.Scan(nil); err != nil {
		t.Fatal(err)
	}
	if j.V != nil {
		t.Errorf("after Scan(nil), V = %v, want nil", j.V)
	}
}

func TestJSONScanRefusesWhatIsNotJSON(t *testing.T) {
	var j column.JSON[prefs]
	cases := map[string]struct {
		src  any
		want string
	}{
		"a number":     {src: int64(1), want: "cannot read a int64 as JSON"},
		"broken text":  {src: `{"theme":`, want: "decoding JSON into column_test.prefs"},
		"another type": {src: `[1, 2]`, want: "decoding JSON into column_test.prefs"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := j.Scan(c.src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Scan(%v) = %v, want an error with %q", c.src, err, c.want)
			}
		})
	}
}

func TestJSONValueReportsWhatCannotBeEncoded(t *testing.T) {
	_, err := column.JSONOf(map[string]any{"f": func() {}}).Value()
	if err == nil || !strings.Contains(err.Error(), "encoding map[string]interface {} as JSON") {
		t.Errorf("Value = %v, want an encoding error naming the type", err)
	}
}

// A JSON field of an API type marshals as its value, not as a wrapper.
func TestJSONMarshalsAsItsValue(t *testing.T) {
	type user struct {
		Prefs column.JSON[prefs] `json:"prefs"`
	}
	in := user{Prefs: column.JSONOf(prefs{Theme: "dark"})}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"prefs":{"theme":"dark","sizes":null}}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var out user
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("Unmarshal = %#v, want %#v", out, in)
	}
}
