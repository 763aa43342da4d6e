package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUsageMistakesExitWithCodeTwo(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown command", []string{"strata", "migrate"}, `unknown command "migrate"`},
		{"an unknown flag", []string{"strata", "makemigrations", "--modles", "x"}, "modles"},
		{"makemigrations without --models", []string{"strata", "makemigrations"}, "--models"},
		{"--dry-run with --check", []string{"strata", "makemigrations", "--models", "x", "--dry-run", "--check"}, "do not go together"},
		{"init with an argument", []string{"strata", "init", "extra"}, "no arguments"},
		{"an unknown dialect", []string{"strata", "makemigrations", "--models", "x", "--dialects", "postgres,oracle"}, `unknown dialect "oracle"`},
		{"no dialect", []string{"strata", "check", "--models", "x", "--dialects", ","}, "--dialects names no dialect"},
		{"a dialect named twice at init", []string{"strata", "init", "--dialects", "sqlite,sqlite"}, `dialect "sqlite" is named twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp()
			var out bytes.Buffer
			app.Writer, app.ErrWriter = &out, &out
			err := app.Run(tc.args)
			if err == nil {
				t.Fatalf("Run(%q) succeeded; want a usage error", tc.args)
			}
			if code := exitCode(err); code != exitUsage {
				t.Errorf("exit code %d, want %d (err %v)", code, exitUsage, err)
			}
			if msg := err.Error() + out.String(); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not mention %q", msg, tc.want)
			}
		})
	}
}

func TestEveryCommandDocumentsEveryFlag(t *testing.T) {
	for _, cmd := range newApp().Commands {
		if cmd.Usage == "" || cmd.Description == "" {
			t.Errorf("command %s has no usage or description", cmd.Name)
		}
		for _, f := range cmd.Flags {
			if u, ok := f.(interface{ GetUsage() string }); !ok || u.GetUsage() == "" {
				t.Errorf("flag %v of %s has no usage text", f.Names(), cmd.Name)
			}
		}
	}
}
