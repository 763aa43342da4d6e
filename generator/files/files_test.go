package files_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/strata-go/strata/generator/files"
)

func TestWriteAllWritesEveryFile(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.go")
	mustWrite(t, old, "old")
	err := files.WriteAll([]files.File{
		{Path: filepath.Join(dir, "new.go"), Content: []byte("new")},
		{Path: old, Content: []byte("replaced")},
	})
	if err != nil {
		t.Fatal(err)
	}
	assertContent(t, filepath.Join(dir, "new.go"), "new")
	assertContent(t, old, "replaced")
	assertEntries(t, dir, 2)
}

func TestWriteAllLeavesTheTreeAsItWasWhenAWriteFails(t *testing.T) {
	dir := t.TempDir()
	replaced := filepath.Join(dir, "schema_snapshot.go")
	mustWrite(t, replaced, "before")
	err := files.WriteAll([]files.File{
		{Path: filepath.Join(dir, "0002_add.go"), Content: []byte("new")},
		{Path: replaced, Content: []byte("after")},
		{Path: filepath.Join(dir, "missing", "dir", "x.go"), Content: []byte("cannot")},
	})
	if err == nil {
		t.Fatal("WriteAll into a missing directory succeeded; want an error")
	}
	assertContent(t, replaced, "before")
	if _, err := os.Stat(filepath.Join(dir, "0002_add.go")); !os.IsNotExist(err) {
		t.Errorf("the new file survived the failed run: %v", err)
	}
	assertEntries(t, dir, 1)
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds %q, want %q", filepath.Base(path), got, want)
	}
}

// assertEntries checks that no temporary file was left behind.
func assertEntries(t *testing.T, dir string, want int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != want {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want %d entries", names, want)
	}
}

func TestWriteAllRemovesFilesAndPutsThemBackWhenALaterWriteFails(t *testing.T) {
	dir := t.TempDir()
	gone, snap := filepath.Join(dir, "0002_add.go"), filepath.Join(dir, "schema_snapshot.go")
	mustWrite(t, gone, "migration")
	mustWrite(t, snap, "before")
	if err := files.WriteAll([]files.File{{Path: gone, Remove: true}, {Path: snap, Content: []byte("after")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("the removed file is still there: %v", err)
	}
	assertContent(t, snap, "after")

	mustWrite(t, gone, "migration")
	err := files.WriteAll([]files.File{
		{Path: gone, Remove: true},
		{Path: snap, Content: []byte("again")},
		{Path: filepath.Join(dir, "missing", "x.go"), Content: []byte("cannot")},
	})
	if err == nil {
		t.Fatal("WriteAll into a missing directory succeeded; want an error")
	}
	assertContent(t, gone, "migration")
	assertContent(t, snap, "after")
	if err := files.WriteAll([]files.File{{Path: filepath.Join(dir, "never.go"), Remove: true}}); err == nil {
		t.Errorf("removing a missing file: err %v, want one", err)
	}
	assertEntries(t, dir, 2)
}
