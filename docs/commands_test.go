package docs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/migratecli"
)

// A command is one command line of a sh block.
type command struct {
	line string   // as written, continuation lines joined
	env  []string // NAME=VALUE assignments written before the command
	argv []string
}

// commands splits the body of a sh block into commands: lines joined at a
// trailing backslash, without comments and blank lines.
func commands(body string) ([]command, error) {
	var cmds []command
	var pending string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasSuffix(l, "\\") {
			pending += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		line := strings.TrimSpace(pending + l)
		pending = ""
		words, err := shellWords(line)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", line, err)
		}
		if len(words) == 0 {
			continue
		}
		c := command{line: line}
		for len(words) > 1 && isAssignment(words[0]) {
			c.env, words = append(c.env, words[0]), words[1:]
		}
		c.argv = words
		cmds = append(cmds, c)
	}
	return cmds, nil
}

var assignmentRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

func isAssignment(w string) bool { return assignmentRe.MatchString(w) }

// shellWords splits a command line into words as sh does for what the docs
// write: words separated by blanks, 'single' and "double" quotes, backslash
// escapes outside single quotes, and # comments at the start of a word.
// Anything that needs more of sh (pipes, redirections, $VARIABLES,
// subshells) is an error, so that a page cannot show a command the tests
// do not understand.
func shellWords(line string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case c == '#' && !inWord:
			return words, nil
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unclosed '")
			}
			w.WriteString(line[i+1 : i+1+end])
			i, inWord = i+1+end, true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '$' || line[i] == '`' {
					return nil, errors.New("the tests do not expand $ or ` inside double quotes")
				}
				if line[i] == '\\' && i+1 < len(line) {
					i++
				}
				w.WriteByte(line[i])
			}
			if i == len(line) {
				return nil, errors.New(`unclosed "`)
			}
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			inWord = true
		case strings.IndexByte("|&;<>()$`*?", c) >= 0:
			return nil, fmt.Errorf("the tests do not understand %q: write one simple command a line", c)
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// hasPrefix reports whether argv begins with the words of prefix.
func hasPrefix(argv []string, prefix ...string) bool {
	return len(argv) >= len(prefix) && slices.Equal(argv[:len(prefix)], prefix)
}

// strataTool and migrateCommand are how the docs run the two command lines
// of strata: the generator's tool, and the app's migrate command.
var (
	strataTool     = []string{"go", "tool", "strata"}
	migrateCommand = []string{"go", "run", "./cmd/migrate"}
)

// plainCommands are the other commands a page may show: Go's own, and the
// Makefile targets strata init suggests. The tests check their shape only.
var plainCommands = []*regexp.Regexp{
	regexp.MustCompile(`^go (generate|build|vet|test)( -o \S+)?( \./[\w./-]*)+( -\w+)*$`),
	regexp.MustCompile(`^go get -tool github\.com/strata-go/strata/cmd/strata$`),
	regexp.MustCompile(`^go mod tidy$`),
	regexp.MustCompile(`^make (migrations|migrate)$`),
	regexp.MustCompile(`^export [A-Z_]+=\S+$`),
}

func TestCommandLinesParse(t *testing.T) {
	for _, b := range blocksOf(t, "parse") {
		t.Run(b.where(), func(t *testing.T) {
			cmds, err := commands(b.body)
			if err != nil {
				t.Fatalf("%s: %v", b.where(), err)
			}
			for _, c := range cmds {
				if err := parseCommand(t, c.argv); err != nil {
					t.Errorf("%s: %s: %v", b.where(), c.line, err)
				}
			}
		})
	}
	for _, b := range blocksOf(t, "manifest") {
		t.Run(b.where(), func(t *testing.T) {
			checkManifest(t, b)
		})
	}
}

// parseCommand checks that strata's tools accept argv: the command exists
// and takes the flags given, with values of the right type. It runs
// nothing: it asks the command for its help, which the tools print only
// once the command line is read.
func parseCommand(t *testing.T, argv []string) error {
	t.Helper()
	switch {
	case hasPrefix(argv, strataTool...):
		return parseStrata(t, argv[len(strataTool):])
	case hasPrefix(argv, migrateCommand...):
		return parseMigrate(argv[len(migrateCommand):])
	}
	line := strings.Join(argv, " ")
	for _, re := range plainCommands {
		if re.MatchString(line) {
			return nil
		}
	}
	return fmt.Errorf("not a command the tests know: use go tool strata, go run ./cmd/migrate, or add it to plainCommands")
}

// parseStrata runs the strata tool on args with --help added.
func parseStrata(t *testing.T, args []string) error {
	t.Helper()
	bin := strataBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append(slices.Clone(args), "--help")...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("strata does not accept it: %w\n%s", err, out)
	}
	return nil
}

// parseMigrate runs migratecli's app, the one cmd/migrate mounts, on args
// with --help added, in this process.
func parseMigrate(args []string) error {
	app := migratecli.App(runtime.NewMigrator())
	var out bytes.Buffer
	app.Writer, app.ErrWriter = &out, &out
	if err := app.RunContext(context.Background(), append(append([]string{"migrate"}, args...), "--help")); err != nil {
		return fmt.Errorf("migrate does not accept it: %w\n%s", err, out.String())
	}
	return nil
}

var manifestCommandRe = regexp.MustCompile(`^\s*-?\s*command:\s*(\[.*\])\s*$`)

// checkManifest checks a Kubernetes manifest: the migrate command lines in
// it, written as JSON arrays on a command: line, parse.
func checkManifest(t *testing.T, b *block) {
	t.Helper()
	if strings.Contains(b.body, "\t") {
		t.Errorf("%s: YAML does not allow tabs for indentation", b.where())
	}
	checked := 0
	for _, l := range strings.Split(b.body, "\n") {
		m := manifestCommandRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		var argv []string
		if err := json.Unmarshal([]byte(m[1]), &argv); err != nil {
			t.Errorf("%s: %s: %v", b.where(), l, err)
			continue
		}
		if len(argv) == 0 || path.Base(argv[0]) != "migrate" {
			continue
		}
		checked++
		if err := parseMigrate(argv[1:]); err != nil {
			t.Errorf("%s: %s: %v", b.where(), l, err)
		}
	}
	if checked == 0 {
		t.Errorf("%s: the manifest has no command: [\".../migrate\", ...] line to check", b.where())
	}
}

// tools holds the strata binary, built once for the tests that ask it for
// its help.
var tools struct {
	once   sync.Once
	dir    string
	strata string
	err    error
}

func strataBinary(t *testing.T) string {
	t.Helper()
	tools.once.Do(func() {
		tools.dir, tools.err = os.MkdirTemp("", "strata-docs-")
		if tools.err != nil {
			return
		}
		tools.strata = tools.dir + "/strata"
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", tools.strata, "github.com/strata-go/strata/cmd/strata").CombinedOutput()
		if err != nil {
			tools.err = fmt.Errorf("go build ./cmd/strata: %w\n%s", err, out)
		}
	})
	if tools.err != nil {
		t.Fatal(tools.err)
	}
	return tools.strata
}

// cleanupTools removes what strataBinary built.
func cleanupTools() {
	if tools.dir != "" {
		_ = os.RemoveAll(tools.dir)
	}
}
