package history_test

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"github.com/strata-go/strata/generator/golit"
	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/generator/snapshot"
	"github.com/strata-go/strata/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite the want.* files of testdata/*.txtar")

// TestRead reads the migrations directory of each testdata/*.txtar archive
// and compares the outcome with the archive's want files: want.history
// (each migration and its operations) and want.schema (the schema Replay
// builds from all of them), or want.errors when Read or Replay fails.
//
// The archive's files are written under a temporary directory, which the
// test makes its working directory so that messages name the files as
// migrations/NAME.go.
func TestRead(t *testing.T) {
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
			file, err := filepath.Abs(file) // the test changes directory
			if err != nil {
				t.Fatal(err)
			}
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			extract(t, ar)
			got := outcome(t)
			if *update {
				rewriteWant(t, file, ar, got)
				return
			}
			want := map[string]string{}
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, "want.") {
					want[f.Name] = string(f.Data)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("outcome mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// extract writes the files of ar but its want files under a temporary
// directory, and makes it the working directory.
func extract(t *testing.T, ar *txtar.Archive) {
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
	t.Chdir(root)
}

// outcome reads and replays the directory migrations, and returns the want
// files that describe what happened, by name.
func outcome(t *testing.T) map[string]string {
	t.Helper()
	h, err := history.Read("migrations")
	if err != nil {
		if h != nil {
			t.Error("Read returned a History with an error")
		}
		return map[string]string{"want.errors": err.Error() + "\n"}
	}
	s, err := h.Replay("")
	if err != nil {
		return map[string]string{"want.errors": err.Error() + "\n"}
	}
	return map[string]string{
		"want.history": describe(h),
		"want.schema":  fmt.Sprintf("%#v\n", golit.Schema(s)),
	}
}

// describe writes each migration of h on a line, then its operations, one
// a line.
func describe(h *history.History) string {
	var b strings.Builder
	for _, m := range h.Migrations {
		how := "hand-written"
		if m.Generated {
			how = "generated"
		}
		if m.NonTransactional {
			how += ", non-transactional"
		}
		fmt.Fprintf(&b, "%s (number %d, %s) at %s, in %s\n", m.ID, m.Number, how, m.Pos, m.Path)
		for _, op := range m.Up {
			fmt.Fprintf(&b, "\tup: %s\n", op)
		}
		for _, op := range m.Down {
			fmt.Fprintf(&b, "\tdown: %s\n", op)
		}
	}
	return b.String()
}

// rewriteWant replaces the want files of the archive file with want.
func rewriteWant(t *testing.T, file string, ar *txtar.Archive, want map[string]string) {
	t.Helper()
	out := &txtar.Archive{Comment: ar.Comment}
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "want.") {
			out.Files = append(out.Files, f)
		}
	}
	for _, name := range []string{"want.history", "want.schema", "want.errors"} {
		if content, ok := want[name]; ok {
			out.Files = append(out.Files, txtar.File{Name: name, Data: []byte(content)})
		}
	}
	if err := os.WriteFile(file, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplayBuildsTheSnapshotOfTheExampleApp replays the migrations of the
// example app, which strata makemigrations wrote together with their
// snapshot, after those of the set its Migrator includes, its auth
// package: the replay must build the schema the two snapshots hold, the
// app's adding its tables and the columns it adds to the set's users.
func TestReplayBuildsTheSnapshotOfTheExampleApp(t *testing.T) {
	authDir := filepath.Join("..", "..", "examples", "blog", "auth", "migrations")
	auth, err := history.Read(authDir)
	if err != nil {
		t.Fatal(err)
	}
	authSnap, err := snapshot.Read(authDir)
	if err != nil {
		t.Fatal(err)
	}
	base, err := auth.Replay("")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "examples", "blog", "migrations")
	h, err := history.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.ReadWith(dir, authSnap.Schema)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Migrations) == 0 || h.Migrations[len(h.Migrations)-1].ID != snap.Head {
		t.Fatalf("the history ends at %v, the snapshot at %s", h.Migrations, snap.Head)
	}
	if !h.Migrations[0].Generated {
		t.Errorf("%s is not seen as written by strata makemigrations", h.Migrations[0].Path)
	}
	got, err := h.ReplayOn(base, "")
	if err != nil {
		t.Fatal(err)
	}
	want := authSnap.Schema.Clone()
	for _, own := range snap.Schema.Tables {
		t := want.Table(own.Name)
		if t == nil {
			want.Tables = append(want.Tables, own)
			continue
		}
		t.Columns = append(t.Columns, own.Columns...)
		t.Indexes = append(t.Indexes, own.Indexes...)
		t.Uniques = append(t.Uniques, own.Uniques...)
		t.ForeignKeys = append(t.ForeignKeys, own.ForeignKeys...)
		t.Checks = append(t.Checks, own.Checks...)
	}
	want.Enums = append(want.Enums, snap.Schema.Enums...)
	want.Normalize()
	// Both sides are in canonical form, tables, enums, indexes and
	// constraints sorted by name (Replay normalizes, and so does
	// snapshot.Decode), so no order needs to be forgiven; columns keep
	// their order on both. An empty list and nil mean the same to a
	// schema, and which one a side holds depends on how it was built (a
	// list whose last element a migration drops stays empty; a snapshot
	// edited by hand may leave the list out), so they are equated, as the
	// tests of generator/diff do.
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Replay() differs from the snapshots (-snapshots +replay):\n%s", diff)
	}
}

// TestReadDecodesHandWrittenStepsAsWritten checks the operations of a
// hand-written migration field by field, beyond what their descriptions in
// want.history show.
func TestReadDecodesHandWrittenStepsAsWritten(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "hand_written_steps_declare_what_their_sql_changes.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	extract(t, ar)
	h, err := history.Read("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Migrations) != 2 {
		t.Fatalf("read %d migrations, want 2", len(h.Migrations))
	}
	got := h.Migrations[1]
	want := history.Migration{
		ID:               "0002_bios",
		Number:           2,
		Path:             filepath.Join("migrations", "0002_bios.go"),
		NonTransactional: true,
		Up: []schema.Operation{
			schema.RunSQL{
				Postgres: `CREATE INDEX CONCURRENTLY "users_bio_idx" ON "users" ("bio")`,
				SQL:      `ALTER TABLE "users" ADD "bio" text; CREATE INDEX "users_bio_idx" ON "users" ("bio")`,
				Declares: []schema.Operation{
					schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true}},
					schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_bio_idx", Columns: []string{"bio"}}},
				},
			},
			schema.RunGo{},
			schema.RunGo{},
		},
		Down: []schema.Operation{schema.Irreversible{Reason: "the old profiles are gone"}},
	}
	opts := cmp.Options{
		cmpopts.IgnoreUnexported(history.Migration{}),
		cmpopts.IgnoreFields(history.Migration{}, "Pos"),
	}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("Read() migration 0002 (-want +got):\n%s", diff)
	}
	if got.Pos.Filename != want.Path || got.Pos.Line != 14 {
		t.Errorf("Pos = %s, want the Register call at %s:14", got.Pos, want.Path)
	}
}

func TestReplayUpTo(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "a_generated_history_replays_in_order.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	extract(t, ar)
	h, err := history.Read("migrations")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("replaying up to the first migration leaves out the second", func(t *testing.T) {
		s, err := h.Replay("0001_initial")
		if err != nil {
			t.Fatal(err)
		}
		users := s.Table("users")
		if users == nil || users.Column("org_id") != nil || len(users.Uniques) != 1 {
			t.Errorf("Replay(0001_initial) = %#v, want users without org_id and with its unique email", users)
		}
	})
	t.Run("replaying up to the last migration is replaying all", func(t *testing.T) {
		last, err := h.Replay("0002_add_users_org_id")
		if err != nil {
			t.Fatal(err)
		}
		all, err := h.Replay("")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(all, last); diff != "" {
			t.Errorf("Replay(last) (-Replay(\"\") +got):\n%s", diff)
		}
	})
	t.Run("replaying up to a migration that is not there is an error", func(t *testing.T) {
		_, err := h.Replay("0003_missing")
		want := "history: no migration 0003_missing in migrations"
		if err == nil || err.Error() != want {
			t.Errorf("Replay(0003_missing) error = %v, want %s", err, want)
		}
	})
}

func TestReplayWrapsTheErrorOfTheOperation(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "an_operation_that_does_not_fit_stops_the_replay.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	extract(t, ar)
	h, err := history.Read("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Replay(""); !errors.Is(err, schema.ErrNotFit) {
		t.Errorf("Replay() error = %v, want one wrapping schema.ErrNotFit", err)
	}
}

func TestBranchErrorNamesBothFiles(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "two_branches_that_each_added_a_migration_share_a_number.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	extract(t, ar)
	_, err = history.Read("migrations")
	var branch *history.BranchError
	if !errors.As(err, &branch) {
		t.Fatalf("Read() error = %v, want a *BranchError among its errors", err)
	}
	want := &history.BranchError{
		Number: 2,
		Paths:  []string{filepath.Join("migrations", "0002_add_users_bio.go"), filepath.Join("migrations", "0002_add_users_name.go")},
	}
	if diff := cmp.Diff(want, branch); diff != "" {
		t.Errorf("BranchError (-want +got):\n%s", diff)
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  []string
	}{
		{
			name:  "migration files are named by their IDs, sorted",
			files: []string{"0010_c.go", "0002_b.go", "0001_a.go", "0001_a_b.go"},
			want:  []string{"0001_a", "0001_a_b", "0002_b", "0010_c"},
		},
		{
			name:  "other files of the package are left out",
			files: []string{"generate.go", "schema_snapshot.go", "0001_a.go", "0001_a_test.go", "001_short.go", "0002_Upper.go", "0003_c.go.orig", "README.md"},
			want:  []string{"0001_a"},
		},
		{
			name:  "a directory with no migration has none",
			files: []string{"generate.go"},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				// Names reads no file: what they hold does not matter.
				if err := os.WriteFile(filepath.Join(dir, f), []byte("not Go"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Mkdir(filepath.Join(dir, "0009_a_directory.go"), 0o755); err != nil {
				t.Fatal(err)
			}
			got, err := history.Names(dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Names() (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a missing directory is an error", func(t *testing.T) {
		_, err := history.Names(filepath.Join(t.TempDir(), "missing"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Names() error = %v, want one wrapping fs.ErrNotExist", err)
		}
	})
}
