package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Shorthands for the types the tests use most.
var (
	boolean  = schema.Type{Kind: schema.Bool}
	smallint = schema.Type{Kind: schema.Int16}
	integer  = schema.Type{Kind: schema.Int32}
	bigint   = schema.Type{Kind: schema.Int64}
	text     = schema.Type{Kind: schema.Text}
	stamp    = schema.Type{Kind: schema.Timestamp}
	blob     = schema.Type{Kind: schema.Bytes}
	jsonType = schema.Type{Kind: schema.JSON}
	uuidType = schema.Type{Kind: schema.UUID}
)

func varchar(n int) schema.Type { return schema.Type{Kind: schema.Text, Size: n} }

func enum(name string) schema.Type { return schema.Type{Kind: schema.EnumKind, Enum: name} }

func custom(dialect, sql string) []schema.CustomType {
	return []schema.CustomType{{Dialect: dialect, SQL: sql}}
}

// applied returns a copy of s with ops applied.
func applied(t *testing.T, s *schema.Schema, ops []schema.Operation) *schema.Schema {
	t.Helper()
	out := s.Clone()
	if err := out.ApplyAll(ops); err != nil {
		t.Fatalf("applying the operations in memory: %v", err)
	}
	return out
}

// render renders ops against before, failing the test on an error.
func render(t *testing.T, before *schema.Schema, ops []schema.Operation) []dialect.Step {
	t.Helper()
	steps, err := sqlite.Dialect{}.Render(before, ops)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return steps
}

// run runs steps on db as the runtime runs a migration (see runSteps),
// failing the test on an error.
func run(t *testing.T, db *sql.DB, steps []dialect.Step) {
	t.Helper()
	if err := runSteps(db, steps); err != nil {
		t.Fatal(err)
	}
}

// runSteps runs steps on db as the runtime runs a migration: on a
// connection of its own prepared by Lock (which turns foreign-key
// enforcement off until unlock), in a transaction from Begin that it
// commits when every step succeeds and rolls back otherwise.
func runSteps(db *sql.DB, steps []dialect.Step) (err error) {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	unlock, err := sqlite.Dialect{}.Lock(ctx, conn, dialect.LockOptions{})
	if err != nil {
		return fmt.Errorf("Lock: %w", err)
	}
	defer func() { err = errors.Join(err, unlock(ctx)) }()
	tx, err := sqlite.Dialect{}.Begin(ctx, conn, dialect.LockOptions{})
	if err != nil {
		return fmt.Errorf("Begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := runIn(ctx, tx, steps); err != nil {
		return err
	}
	return tx.Commit()
}

// runIn runs steps in tx, in order, and returns the first error, naming
// the step.
func runIn(ctx context.Context, tx *sql.Tx, steps []dialect.Step) error {
	for _, s := range steps {
		var err error
		if s.Go != nil {
			err = s.Go(ctx, tx)
		} else {
			_, err = tx.ExecContext(ctx, s.SQL)
		}
		if err != nil {
			return fmt.Errorf("running the step of operation %d:\n%s\n: %w", s.Op+1, s.SQL, err)
		}
	}
	return nil
}

// migrate renders ops from an empty schema, runs them on db and returns the
// schema they describe.
func migrate(t *testing.T, db *sql.DB, ops []schema.Operation) *schema.Schema {
	t.Helper()
	run(t, db, render(t, &schema.Schema{}, ops))
	return applied(t, &schema.Schema{}, ops)
}

// inspect reads db back, failing the test on an error.
func inspect(t *testing.T, db *sql.DB) *schema.Schema {
	t.Helper()
	got, err := sqlite.Inspect(context.Background(), db)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return got
}

// liveDiff compares the schema db holds with want, as every later test
// will: both sides through Comparable. It returns "" when they agree.
func liveDiff(t *testing.T, db *sql.DB, want *schema.Schema) string {
	t.Helper()
	return cmp.Diff(sqlite.Comparable(want), sqlite.Comparable(inspect(t, db)))
}

// assertLive fails the test unless db holds want.
func assertLive(t *testing.T, db *sql.DB, want *schema.Schema) {
	t.Helper()
	if diff := liveDiff(t, db, want); diff != "" {
		t.Errorf("the live schema differs from the operations applied in memory (-want +got):\n%s", diff)
	}
}

// exec runs statements on db in order and returns the first error.
func exec(db *sql.DB, statements ...string) error {
	for _, s := range statements {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// script lays steps out as an SQL script, each operation under a comment
// that names it: what the golden files hold. A Go step shows as a comment
// saying what it is: the function of a RunGo, the first or last step of a
// table rebuild, or the check of foreign keys that ends a migration.
func script(steps []dialect.Step, ops []schema.Operation) string {
	labels := goStepLabels(steps, ops)
	var b strings.Builder
	for i, op := range ops {
		fmt.Fprintf(&b, "-- operation %d: %s\n", i+1, op)
		n := 0
		for k, s := range steps {
			if s.Op != i {
				continue
			}
			n++
			if s.Go != nil {
				b.WriteString("-- (Go: " + labels[k] + ")\n")
			} else {
				b.WriteString(s.SQL + ";\n")
			}
		}
		if n == 0 {
			b.WriteString("-- (no step of its own)\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// goStepLabels says what each Go step of steps is, by its place.
func goStepLabels(steps []dialect.Step, ops []schema.Operation) map[int]string {
	labels := map[int]string{}
	rebuilding := false
	for k, s := range steps {
		switch {
		case s.Go == nil:
			rebuilding = rebuilding || strings.HasPrefix(s.SQL, "-- rebuild ")
		case k+1 < len(steps) && strings.HasPrefix(steps[k+1].SQL, "-- rebuild "):
			labels[k] = "refuse to go on with foreign keys enforced; keep the table's triggers"
		case rebuilding:
			labels[k], rebuilding = "create the table's triggers again", false
		default:
			if _, ok := ops[s.Op].(schema.RunGo); ok {
				labels[k] = "the function of the RunGo"
			} else {
				labels[k] = "check the foreign keys of the tables the migration may have broken"
			}
		}
	}
	return labels
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a test case's name into a file name.
func slug(name string) string {
	return strings.Trim(notSlug.ReplaceAllString(strings.ToLower(name), "_"), "_")
}

// golden compares got with the golden file at path, or rewrites the file
// under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
