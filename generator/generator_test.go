package generator_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/strata-go/strata/generator"
)

var update = flag.Bool("update", false, "rewrite the want files of testdata/*.txtar")

// A case is a txtar archive under testdata/. Its files are laid out as
//
//	go.mod, migrations/generate.go, ...   the module before the first step
//	step1/models/models.go               the models of step 1, copied to models/
//	step1/flags                          optional, one a line: "force", "name=NAME"
//	want/step1/0001_initial.go           the files step 1 writes, or
//	want/step1/error                     the error it fails with (nothing written)
//	want/step1/none                      present when step 1 finds no changes
//
// and likewise step2, step3... Each step runs makemigrations on the module
// as it was left by the step before.
func TestGeneratedFilesMatchTheGoldens(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no test cases in testdata")
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(strings.ReplaceAll(name, "_", " "), func(t *testing.T) {
			runCase(t, path)
		})
	}
}

var stepFile = regexp.MustCompile(`^(step[0-9]+)/(.*)$`)

func runCase(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	steps := map[string][]txtar.File{}
	var order []string
	for _, f := range ar.Files {
		switch m := stepFile.FindStringSubmatch(f.Name); {
		case strings.HasPrefix(f.Name, "want/"):
		case m != nil:
			if _, ok := steps[m[1]]; !ok {
				order = append(order, m[1])
			}
			steps[m[1]] = append(steps[m[1]], txtar.File{Name: m[2], Data: f.Data})
		default:
			writeFile(t, filepath.Join(dir, f.Name), f.Data)
		}
	}
	slices.Sort(order)
	var got []txtar.File
	for _, step := range order {
		got = append(got, runStep(t, dir, step, steps[step])...)
	}
	compareWants(t, path, ar, got)
}

// runStep lays the step's files over the module, runs makemigrations and
// returns what it produced as want/STEP/... files.
func runStep(t *testing.T, dir, step string, fs []txtar.File) []txtar.File {
	cfg := generator.Config{Dir: filepath.Join(dir, "migrations"), Models: []string{"../models"}}
	for _, f := range fs {
		if f.Name == "flags" {
			for _, flag := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				switch {
				case flag == "":
				case flag == "force":
					cfg.Force = true
				case strings.HasPrefix(flag, "name="):
					cfg.Name = strings.TrimPrefix(flag, "name=")
				default:
					t.Fatalf("%s/flags: unknown flag %q", step, flag)
				}
			}
			continue
		}
		writeFile(t, filepath.Join(dir, f.Name), f.Data)
	}
	before := listDir(t, cfg.Dir)
	res, err := generator.Make(context.Background(), cfg)
	if err != nil {
		if after := listDir(t, cfg.Dir); !slices.Equal(before, after) {
			t.Errorf("%s failed but the migrations directory changed from %v to %v", step, before, after)
		}
		msg := strings.ReplaceAll(err.Error(), dir, "$DIR") + "\n"
		return []txtar.File{{Name: "want/" + step + "/error", Data: []byte(msg)}}
	}
	if res.NoChanges() {
		return []txtar.File{{Name: "want/" + step + "/none", Data: []byte("No changes.\n")}}
	}
	if err := res.Write(); err != nil {
		t.Fatalf("%s: write: %v", step, err)
	}
	var out []txtar.File
	for _, f := range res.Files {
		out = append(out, txtar.File{Name: "want/" + step + "/" + filepath.Base(f.Path), Data: f.Content})
	}
	again, err := generator.Make(context.Background(), cfg)
	if err != nil || !again.NoChanges() {
		t.Errorf("%s: makemigrations right after writing found changes or failed: %v", step, err)
	}
	return out
}

func compareWants(t *testing.T, path string, ar *txtar.Archive, got []txtar.File) {
	if *update {
		var kept []txtar.File
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "want/") {
				kept = append(kept, f)
			}
		}
		ar.Files = append(kept, got...)
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := map[string]string{}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") {
			want[f.Name] = string(f.Data)
		}
	}
	gotMap := map[string]string{}
	for _, f := range got {
		gotMap[f.Name] = string(f.Data)
	}
	if diff := cmp.Diff(want, gotMap); diff != "" {
		t.Errorf("generated files differ from %s (-want +got); rerun with -update if the change is meant:\n%s", path, diff)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// listDir returns the names and contents of the files in dir, to tell
// whether a run changed it.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Name()+"\x00"+string(data))
	}
	return out
}

func TestGeneratedSnapshotsStartWithTheGeneratedCodeLine(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	generated := regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, "/schema_snapshot.go") {
				continue
			}
			first, _, _ := bytes.Cut(f.Data, []byte("\n"))
			if !generated.Match(first) {
				t.Errorf("%s: %s starts with %q", path, f.Name, first)
			}
		}
	}
}
