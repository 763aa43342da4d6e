package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// appModule is a throwaway Go module playing the user's app: it requires
// strata through a replace directive pointing at this checkout.
type appModule struct {
	t    *testing.T
	dir  string
	root string // this checkout
}

// newAppModule creates an empty module example.com/app that depends on this
// checkout of strata, with strata as a tool of the module, as a user sets it
// up.
func newAppModule(t *testing.T) *appModule {
	t.Helper()
	return newModule(t, "example.com/app", t.TempDir())
}

// newModule is newAppModule for a module of the given path, in dir.
func newModule(t *testing.T, path, dir string) *appModule {
	t.Helper()
	root := repoRoot(t)
	m := &appModule{t: t, dir: dir, root: root}
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	if i := strings.LastIndex(goVersion, "."); strings.Count(goVersion, ".") > 1 {
		goVersion = goVersion[:i]
	}
	m.write("go.mod", "module "+path+"\n\ngo "+goVersion+"\n\n"+
		"require github.com/strata-go/strata v0.0.0\n\n"+
		"replace github.com/strata-go/strata => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	m.write("go.sum", string(sum))
	// A user runs go get -tool github.com/strata-go/strata/cmd/strata; with
	// strata replaced by a local checkout, the tool line is written directly.
	m.run("go", "mod", "edit", "-tool=github.com/strata-go/strata/cmd/strata")
	m.run("go", "mod", "tidy")
	return m
}

// repoRoot finds this checkout's root: the directory above the test's that
// holds go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("no go.mod above %s", wd)
		}
	}
}

func (m *appModule) path(rel string) string { return filepath.Join(m.dir, filepath.FromSlash(rel)) }

func (m *appModule) write(rel, content string) {
	m.t.Helper()
	p := m.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		m.t.Fatal(err)
	}
}

// useModels replaces the module's models package with testdata/VERSION/models.
func (m *appModule) useModels(version string) {
	m.t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", version, "models", "models.go"))
	if err != nil {
		m.t.Fatal(err)
	}
	m.write("models/models.go", string(src))
}

// run runs a command at the module's root and returns its standard output;
// it fails the test when the command fails.
func (m *appModule) run(name string, args ...string) string {
	m.t.Helper()
	out, errOut, err := m.exec(m.dir, name, args...)
	if err != nil {
		m.t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// runIn is run in a sub-directory of the module.
func (m *appModule) runIn(rel, name string, args ...string) string {
	m.t.Helper()
	out, errOut, err := m.exec(m.path(rel), name, args...)
	if err != nil {
		m.t.Fatalf("(in %s) %s %s: %v\nstdout:\n%s\nstderr:\n%s", rel, name, strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func (m *appModule) exec(dir, name string, args ...string) (stdout, stderr string, err error) {
	return m.execEnv(dir, nil, name, args...)
}

// execEnv is exec with env, such as STRATA_FORCE=1, added to the
// environment.
func (m *appModule) execEnv(dir string, env []string, name string, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off"), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// migrations lists the module's migration files.
func (m *appModule) migrations() []string {
	m.t.Helper()
	matches, err := filepath.Glob(m.path("migrations/0*.go"))
	if err != nil {
		m.t.Fatal(err)
	}
	var names []string
	for _, p := range matches {
		names = append(names, filepath.Base(p))
	}
	return names
}

// strataInit runs strata init in the module for the engines the tests
// target, as a project targeting them does: the go:generate line passes
// --dialects, and cmd/migrate imports each engine's driver.
func (m *appModule) strataInit() string {
	m.t.Helper()
	return m.run("go", "tool", "strata", "init", "--dialects", strings.Join(targetDialects, ","))
}
