package load

import (
	"errors"
	"go/token"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrorString(t *testing.T) {
	pos := token.Position{Filename: "models/user.go", Line: 14, Column: 2}
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"a field error names the struct and the field",
			&Error{Pos: pos, Struct: "User", Field: "Email", Msg: `unknown option "uniq" (did you mean "unique"?)`},
			`models/user.go:14:2: User.Email: unknown option "uniq" (did you mean "unique"?)`},
		{"a table error names the struct", &Error{Pos: pos, Struct: "User", Msg: "model has no columns"},
			"models/user.go:14:2: User: model has no columns"},
		{"a package error has the position only", &Error{Pos: pos, Msg: "undefined: x"}, "models/user.go:14:2: undefined: x"},
		{"an error without position is its message", &Error{Msg: "no Go files"}, "no Go files"},
		{"a file without line is the file", &Error{Pos: token.Position{Filename: "go.mod"}, Msg: "bad"}, "go.mod: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorsAreSortedAndUnwrap(t *testing.T) {
	at := func(file string, line, col int, msg string) *Error {
		return &Error{Pos: token.Position{Filename: file, Line: line, Column: col}, Msg: msg}
	}
	errs := Errors{
		at("b.go", 1, 1, "b"), at("a.go", 10, 1, "a10"), at("a.go", 2, 5, "a2.5"), at("a.go", 2, 1, "a2.1"),
		at("", 0, 0, "nowhere"), at("a.go", 2, 1, "a2.1"),
	}.sorted()
	want := "nowhere\na.go:2:1: a2.1\na.go:2:5: a2.5\na.go:10:1: a10\nb.go:1:1: b"
	if diff := cmp.Diff(want, errs.Error()); diff != "" {
		t.Errorf("sorted errors mismatch (-want +got):\n%s", diff)
	}
	var one *Error
	if !errors.As(error(errs), &one) || one.Msg != "nowhere" {
		t.Errorf("errors.As found %v, want the first error", one)
	}
}

func TestParsePos(t *testing.T) {
	l := &loader{dirs: []string{"/src/app"}} // the module root
	tests := map[string]token.Position{
		"/src/app/db/migrations/x/a.go:3:7": {Filename: "db/migrations/x/a.go", Line: 3, Column: 7},
		"/src/app/db/models/a.go:3":         {Filename: "db/models/a.go", Line: 3},
		"/src/app/models/b.go:1:2":          {Filename: "models/b.go", Line: 1, Column: 2},
		"/src/elsewhere/c.go:1":             {Filename: "/src/elsewhere/c.go", Line: 1},
		"/src/application/c.go:1":           {Filename: "/src/application/c.go", Line: 1},
		"-":                                 {},
		"":                                  {},
	}
	for in, want := range tests {
		if got := l.parsePos(in); got != want {
			t.Errorf("parsePos(%q) = %+v, want %+v", in, got, want)
		}
	}
}
