package emit

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// squawkAllowed are the squawk rules whose findings describe a change the
// user asked for, each with the test a finding's statement, and the
// comment that says what it locks, must pass to be allowed.
var squawkAllowed = map[string]func(statement, locks string) bool{
	"renaming-table":  func(s, _ string) bool { return strings.Contains(s, " RENAME TO ") },
	"renaming-column": func(s, _ string) bool { return strings.Contains(s, " RENAME COLUMN ") },
	"ban-drop-column": func(s, _ string) bool { return strings.Contains(s, " DROP COLUMN ") },
	"ban-drop-table":  func(s, _ string) bool { return strings.HasPrefix(s, "DROP TABLE ") },
	// A field that becomes a pointer.
	"ban-drop-not-null": func(s, _ string) bool { return strings.HasSuffix(s, " DROP NOT NULL;") },
	// A change of type that rewrites the table, which the generator
	// guards (--force, or a using= the user wrote).
	"changing-column-type": rewrites,
	// A VARCHAR the model asks for, in a change of type that rewrites.
	"prefer-text-field": rewrites,
}

func rewrites(_, locks string) bool { return strings.Contains(locks, "while it rewrites the table") }

// squawkFinding is one finding of squawk --reporter json.
type squawkFinding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Rule    string `json:"rule_name"`
	Message string `json:"message"`
}

// TestSquawkFindsNothingToFixInGeneratedPostgreSQL runs squawk, the
// PostgreSQL migration linter, over the PostgreSQL SQL of every migration
// of the golden cases that changes what exists (every one but those that
// only create), as strata migrate sql prints it, transactions and
// timeouts included. Its only findings may be those of squawkAllowed. It
// needs squawk: STRATA_SQUAWK names the binary, or squawk is on the PATH;
// under CI it must be there.
func TestSquawkFindsNothingToFixInGeneratedPostgreSQL(t *testing.T) {
	squawk := os.Getenv("STRATA_SQUAWK")
	if squawk == "" {
		squawk, _ = exec.LookPath("squawk")
	}
	if squawk == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("squawk is not installed: set STRATA_SQUAWK or put it on the PATH (.ci/run installs it)")
		}
		t.Skip("squawk is not installed: set STRATA_SQUAWK or put it on the PATH to run this test")
	}
	m := runtime.NewMigrator()
	for _, tc := range cases {
		m.Register(runtime.Migration{ID: tc.file.ID, Up: tc.file.Up, Down: tc.file.Down, Replaces: tc.file.Replaces})
	}
	dir := t.TempDir()
	var files []string
	for _, mig := range m.Migrations() {
		for _, down := range []bool{false, true} {
			ops, suffix := mig.Up, ".up.sql"
			if down {
				ops, suffix = mig.Down, ".down.sql"
			}
			if onlyCreates(ops) {
				continue
			}
			steps, err := m.SQL(mig.ID, postgres.Dialect{}, down)
			if err != nil {
				t.Fatal(err)
			}
			parts, err := runtime.Parts(postgres.Dialect{}, steps, mig.NonTransactional)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, mig.ID+suffix)
			if err := os.WriteFile(file, []byte(runtime.Script(parts)), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
	}
	if len(files) == 0 {
		t.Fatal("no migration changes what exists")
	}
	out, err := exec.Command(squawk, append([]string{"--reporter", "json"}, files...)...).Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("squawk: %v", err)
	}
	var findings []squawkFinding
	if err := json.Unmarshal(out, &findings); err != nil {
		t.Fatalf("squawk's report: %v\n%s", err, out)
	}
	allowed := 0
	for _, f := range findings {
		statement, locks := statementAt(t, f.File, f.Line)
		if ok := squawkAllowed[f.Rule]; ok != nil && ok(statement, locks) {
			allowed++
			t.Logf("%s:%d: %s, allowed: %s", filepath.Base(f.File), f.Line, f.Rule, strings.Join(strings.Fields(statement), " "))
			continue
		}
		t.Errorf("%s:%d: %s: %s\n%s", filepath.Base(f.File), f.Line, f.Rule, f.Message, statement)
	}
	t.Logf("squawk checked %d files: %d findings, each of a change asked for", len(files), allowed)
}

// onlyCreates reports whether ops create tables and types and change
// nothing that exists.
func onlyCreates(ops []schema.Operation) bool {
	for _, op := range ops {
		switch op.(type) {
		case schema.CreateTable, schema.CreateEnum:
		default:
			return false
		}
	}
	return true
}

// statementAt returns the statement of the script file that line (from 0,
// as squawk counts) is part of, and the comment above it that says what
// it locks.
func statementAt(t *testing.T, file string, line int) (statement, locks string) {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	if line < 0 || line >= len(lines) {
		t.Fatalf("%s has no line %d", file, line)
	}
	start := line
	for start > 0 && !strings.HasSuffix(lines[start-1], ";") && !strings.HasPrefix(lines[start-1], "--") {
		start--
	}
	for k := start - 1; k >= 0 && strings.HasPrefix(lines[k], "--"); k-- {
		if l, ok := strings.CutPrefix(lines[k], "-- locks "); ok {
			locks = l
		}
	}
	end := line
	for end < len(lines)-1 && !strings.HasSuffix(lines[end], ";") {
		end++
	}
	return strings.Join(lines[start:end+1], "\n"), locks
}
