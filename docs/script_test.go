package docs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/internal/testdb"
)

// TestPagesThatRunCommands follows each page that has run blocks, such as
// the tutorial, as a reader would, in a new directory of its own (the page
// starts with go mod init): file blocks are written to their paths, run
// blocks are run, and output blocks are compared with what the commands of
// the run block above them printed, or with the file they name. At the end,
// everything in the module must pass go vet.
func TestPagesThatRunCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("the pages that run commands build a module of their own; -short skips them")
	}
	for _, p := range pages(t) {
		if !p.isScript() {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			s := &script{t: t, dir: t.TempDir()}
			for _, b := range p.blocks {
				if b.check() != nil {
					continue
				}
				switch b.kind {
				case "file":
					writeFile(t, s.dir, b.arg(0), b.body)
				case "run":
					s.run(b)
				case "output":
					s.output(b)
				}
			}
			if out, err := goOutput(s.dir, "vet", "./..."); err != nil {
				t.Errorf("%s: go vet of the module the page builds: %v\n%s", p.name, err, out)
			}
			s.onPostgres()
		})
	}
}

// A script is the module a page builds and what its commands printed.
type script struct {
	t    *testing.T
	dir  string
	env  []string // set by export
	last string   // what the commands of the last run block printed
}

// run runs the commands of a run block; the last must exit with the block's
// exit=N (0 by default), the others with 0.
func (s *script) run(b *block) {
	t := s.t
	t.Helper()
	cmds, err := commands(b.body)
	if err != nil {
		t.Fatalf("%s: %v", b.where(), err)
	}
	s.last = ""
	for i, c := range cmds {
		want := 0
		if i == len(cmds)-1 && b.opts["exit"] != "" {
			want, _ = strconv.Atoi(b.opts["exit"])
		}
		out, code := s.exec(b, c)
		s.last += out
		if code != want {
			t.Fatalf("%s: %s exited with %d, want %d:\n%s", b.where(), c.line, code, want, out)
		}
	}
}

// output compares an output block with what the commands of the run block
// above it printed, or with the file it names.
func (s *script) output(b *block) {
	if path := b.arg(0); path != "" {
		data, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(path)))
		if err != nil {
			s.t.Errorf("%s: %v", b.where(), err)
			return
		}
		expect(s.t, b, string(data))
		return
	}
	expectNormalized(s.t, b, s.last, normalizeOutput)
}

// exec runs one command of block b and returns its combined output and
// exit code.
func (s *script) exec(b *block, c command) (string, int) {
	t := s.t
	t.Helper()
	argv := c.argv
	switch {
	case argv[0] == "export":
		for _, kv := range argv[1:] {
			if !isAssignment(kv) {
				t.Fatalf("%s: export %s: write export NAME=VALUE", b.where(), kv)
			}
			s.env = append(s.env, kv)
		}
		return "", 0
	case strings.Join(argv, " ") == "go get -tool github.com/strata-go/strata/cmd/strata":
		// The tests use this checkout of strata, not a published version:
		// they require it through a replace directive, as go get -tool
		// would, and add it as a tool.
		return s.getStrata()
	case argv[0] == "go":
	case argv[0] == "sqlite3":
		if _, err := exec.LookPath("sqlite3"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s: the sqlite3 command is not installed, and CI must run every page", b.where())
			}
			t.Skipf("%s: the sqlite3 command is not installed", b.where())
		}
	default:
		t.Fatalf("%s: the tests cannot run %q: a page runs go and sqlite3 commands only", b.where(), c.line)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = s.dir
	cmd.Env = append(goEnv(s.env...), c.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("%s: %s: %v", b.where(), c.line, err)
	}
	return out.String(), 0
}

// onPostgres applies the migrations the page ends with to a new PostgreSQL
// database with the module's cmd/migrate, reverts them all and applies them
// again: the pages run their commands on SQLite, and this runs the SQL they
// produce for PostgreSQL. It skips without STRATA_TEST_POSTGRES_URL.
func (s *script) onPostgres() {
	if _, err := os.Stat(filepath.Join(s.dir, "cmd", "migrate")); err != nil {
		return
	}
	s.t.Run("migrations apply on postgres", func(t *testing.T) {
		url := testdb.PostgresURL(t)
		for _, args := range [][]string{
			{"run", "./cmd/migrate", "up", "--db", url},
			{"run", "./cmd/migrate", "down", "--steps", "1000", "--force", "--db", url},
			{"run", "./cmd/migrate", "up", "--db", url},
		} {
			if out, err := goOutput(s.dir, args...); err != nil {
				t.Fatalf("go %s: %v\n%s", strings.Join(args[:3], " "), err, out)
			}
		}
	})
}

// getStrata stands for go get -tool github.com/strata-go/strata/cmd/strata
// with this checkout of strata.
func (s *script) getStrata() (string, int) {
	root, err := filepath.Abs("..")
	if err != nil {
		s.t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		s.t.Fatal(err)
	}
	writeFile(s.t, s.dir, "go.sum", string(sum))
	goCommand(s.t, s.dir, "mod", "edit", "-require=github.com/strata-go/strata@v0.0.0",
		"-replace=github.com/strata-go/strata="+root, "-tool=github.com/strata-go/strata/cmd/strata")
	goCommand(s.t, s.dir, "mod", "tidy")
	return "", 0
}
