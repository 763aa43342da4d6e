package emit

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator/snapshot"
	"github.com/strata-go/strata/runtime/schema"
)

const modulePath = "github.com/strata-go/strata"

// moduleRoot returns the directory of this checkout of strata, found from
// the test's working directory, and its go directive.
func moduleRoot(t *testing.T) (dir, goVersion string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module "+modulePath+"\n")) {
			for line := range strings.Lines(string(mod)) {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
					return dir, v
				}
			}
			t.Fatalf("%s has no go directive", filepath.Join(dir, "go.mod"))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod of %s above the test's directory", modulePath)
		}
		dir = parent
	}
}

// TestMigrationsCompile writes every case, in order, into the migrations
// package of a small module that uses this checkout of strata, with the
// generate.go that strata init scaffolds and the snapshot after the last
// case, and runs go vet on it.
func TestMigrationsCompile(t *testing.T) {
	root, goVersion := moduleRoot(t)
	mod := t.TempDir()
	files := map[string]string{
		"go.mod": fmt.Sprintf("module example.com/app\n\ngo %s\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
			goVersion, modulePath, modulePath, root),
		"migrations/generate.go": "// Package migrations holds the app's migrations.\npackage migrations\n\n" +
			"import \"" + modulePath + "/runtime\"\n\n" +
			"// Migrator holds the migrations of this package.\nvar Migrator = runtime.NewMigrator()\n",
	}
	after := &schema.Schema{}
	head := ""
	for _, tc := range cases {
		src, err := Migration(tc.file)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		files["migrations/"+tc.file.ID+".go"] = string(src)
		if err := after.ApplyAll(tc.file.Up); err != nil {
			t.Fatalf("the cases do not follow one another: %s: %v", tc.file.ID, err)
		}
		head = tc.file.ID
	}
	snap, err := snapshot.Encode("migrations", &snapshot.File{Head: head, Schema: after, Models: map[string]string{"users": "example.com/app/models.User"}})
	if err != nil {
		t.Fatal(err)
	}
	files["migrations/"+snapshot.FileName] = string(snap)
	for name, content := range files {
		path := filepath.Join(mod, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.CommandContext(t.Context(), "go", "vet", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet in the generated module: %v\n%s", err, out)
	}
}
