// Package squawktest runs squawk, the PostgreSQL migration linter, over
// the PostgreSQL SQL of migrations as strata migrate sql prints it
// (transactions, timeouts and locks included), for tests that prove that
// generated migrations hold nothing squawk would have a user fix.
package squawktest

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// Allowed are the squawk rules whose findings describe a change the user
// asked for, each with the test that a finding must pass to be allowed.
var Allowed = map[string]func(f Finding) bool{
	"renaming-table":  func(f Finding) bool { return strings.Contains(f.Statement, " RENAME TO ") },
	"renaming-column": func(f Finding) bool { return strings.Contains(f.Statement, " RENAME COLUMN ") },
	"ban-drop-column": func(f Finding) bool { return strings.Contains(f.Statement, " DROP COLUMN ") },
	"ban-drop-table":  func(f Finding) bool { return strings.HasPrefix(f.Statement, "DROP TABLE ") },
	// A field that becomes a pointer.
	"ban-drop-not-null": func(f Finding) bool { return strings.HasSuffix(f.Statement, " DROP NOT NULL;") },
	// A change of type that rewrites the table, which the generator
	// guards (--force).
	"changing-column-type": rewrites,
	// A VARCHAR the model asks for, in a change of type that rewrites.
	"prefer-text-field": rewrites,
	// An int32 or int16 field of the model.
	"prefer-bigint-over-int":      func(f Finding) bool { return strings.Contains(f.Statement, " INTEGER") },
	"prefer-bigint-over-smallint": func(f Finding) bool { return strings.Contains(f.Statement, " SMALLINT") },
	// A primary key the model moves (schema.AlterPrimaryKey), whose new
	// index is built under the table's lock, as the step's Locks says; a
	// primary key cannot be added NOT VALID.
	"adding-serial-primary-key-field": movesKey,
	"constraint-missing-not-valid":    movesKey,
	// The plain form of an index of a table marked //strata:offline.
	"require-concurrent-index-creation": offline,
	"require-concurrent-index-deletion": offline,
}

// Finding is one finding of squawk, with the statement it is about.
type Finding struct {
	Rule string
	// Statement is the statement, Locks the comment above it that says
	// what it locks.
	Statement, Locks string
	// Offline lists the tables the statement's migration keeps in the
	// plain form (runtime.Migration.Offline).
	Offline []string
}

func movesKey(f Finding) bool { return strings.Contains(f.Locks, "while it builds the key's index") }

func rewrites(f Finding) bool { return strings.Contains(f.Locks, "while it rewrites the table") }

// offline reports whether the table whose lock f.Locks names is one the
// migration keeps in the plain form.
func offline(f Finding) bool {
	_, rest, _ := strings.Cut(f.Locks, ` on "`)
	table, _, _ := strings.Cut(rest, `"`)
	return table != "" && slices.Contains(f.Offline, table)
}

// finding is one finding of squawk --reporter json.
type finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"` // from 0
	Rule    string `json:"rule_name"`
	Message string `json:"message"`
}

// Binary returns the squawk to run: STRATA_SQUAWK, or squawk on the PATH.
// Without one it skips t, or, under CI, fails it.
func Binary(t *testing.T) string {
	t.Helper()
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
	return squawk
}

// Check writes the PostgreSQL SQL of every migration of m, each way, that
// changes what exists (all but those that only create tables and types)
// into a file of its own, named by prefix and the migration, runs squawk
// over them, and fails t for each finding that Allowed does not allow. It
// returns how many files it checked.
func Check(t *testing.T, m *runtime.Migrator, prefix string) int {
	t.Helper()
	squawk := Binary(t)
	dir := t.TempDir()
	var files []string
	offlineOf := map[string][]string{} // by file
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
				t.Fatalf("%s %s: %v", prefix, mig.ID, err)
			}
			parts, err := runtime.Parts(postgres.Dialect{}, steps, mig.NonTransactional)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, prefix+"."+mig.ID+suffix)
			if err := os.WriteFile(file, []byte(runtime.Script(parts)), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
			offlineOf[file] = mig.Offline
		}
	}
	if len(files) == 0 {
		return 0
	}
	out, err := exec.Command(squawk, append([]string{"--reporter", "json"}, files...)...).Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("squawk: %v", err)
	}
	var findings []finding
	if err := json.Unmarshal(out, &findings); err != nil {
		t.Fatalf("squawk's report: %v\n%s", err, out)
	}
	for _, f := range findings {
		statement, locks := statementAt(t, f.File, f.Line)
		if ok := Allowed[f.Rule]; ok != nil && ok(Finding{Rule: f.Rule, Statement: statement, Locks: locks, Offline: offlineOf[f.File]}) {
			t.Logf("%s:%d: %s, a change asked for: %s", filepath.Base(f.File), f.Line, f.Rule, strings.Join(strings.Fields(statement), " "))
			continue
		}
		t.Errorf("%s:%d: %s: %s\n%s", filepath.Base(f.File), f.Line, f.Rule, f.Message, statement)
	}
	return len(files)
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
