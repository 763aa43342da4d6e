package docs

import (
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the blocks the tests generate: SQL, the guard's and the loader's messages, command output")

// kinds are the annotations a block may carry, each with the languages of
// the blocks it applies to. README.md describes them.
var kinds = map[string][]string{
	"model":    {"go"},                // model NAME [invalid]
	"ops":      {"go"},                // ops NAME
	"snippet":  {"go"},                // snippet
	"file":     {"go", "sql", "text"}, // file PATH
	"sql":      {"sql"},               // sql to=MODEL [from=MODEL] | sql ops=NAME on=MODEL
	"guard":    {"text"},              // guard to=MODEL [from=MODEL] | guard ops=NAME on=MODEL
	"errors":   {"text"},              // errors MODEL
	"run":      {"sh"},                // run [exit=N]
	"parse":    {"sh"},                // parse
	"output":   {"text", "go"},        // output [PATH]
	"manifest": {"yaml"},              // manifest
	"markdown": {"markdown"},          // markdown: an example of annotated blocks
}

var (
	pagesOnce sync.Once
	allPages  []*page
	pagesErr  error
)

// pages returns the Markdown pages of this directory, read once for all the
// tests of a run, so that the blocks they rewrite are shared.
func pages(t *testing.T) []*page {
	t.Helper()
	pagesOnce.Do(func() {
		paths, err := filepath.Glob("*.md")
		if err != nil {
			pagesErr = err
			return
		}
		for _, path := range paths {
			p, err := readPage(path)
			if err != nil {
				pagesErr = err
				return
			}
			allPages = append(allPages, p)
		}
		if len(allPages) == 0 {
			pagesErr = fmt.Errorf("no *.md pages in %s", mustWd())
		}
	})
	if pagesErr != nil {
		t.Fatal(pagesErr)
	}
	return allPages
}

func mustWd() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}

// blocksOf returns the blocks of every page whose annotation is of kind.
func blocksOf(t *testing.T, kind string) []*block {
	t.Helper()
	var bs []*block
	for _, p := range pages(t) {
		for _, b := range p.blocks {
			if b.kind == kind {
				bs = append(bs, b)
			}
		}
	}
	return bs
}

// isScript reports whether the page runs its command lines: whether it has
// a block marked run.
func (p *page) isScript() bool {
	return slices.ContainsFunc(p.blocks, func(b *block) bool { return b.kind == "run" })
}

// named returns the block of the page of kind whose first word is name.
func (p *page) named(kind, name string) *block {
	for _, b := range p.blocks {
		if b.kind == kind && b.arg(0) == name {
			return b
		}
	}
	return nil
}

func TestEveryCodeBlockSaysHowItIsTested(t *testing.T) {
	for _, p := range pages(t) {
		t.Run(p.name, func(t *testing.T) {
			for _, b := range p.blocks {
				if err := b.check(); err != nil {
					t.Errorf("%s: %v", b.where(), err)
				}
			}
		})
	}
}

// check reports what is wrong with the block's annotation, or nil.
func (b *block) check() error {
	langs, ok := kinds[b.kind]
	switch {
	case b.annotation == "":
		return fmt.Errorf("the %q block has no annotation: write one of %s on the line above it (see README.md)", b.lang, kindList())
	case !ok:
		return fmt.Errorf("unknown annotation <!-- %s -->: the kinds are %s", b.annotation, kindList())
	case !slices.Contains(langs, b.lang):
		return fmt.Errorf("<!-- %s --> is for %s blocks, and this one is %q", b.kind, strings.Join(langs, ", "), b.lang)
	}
	p := b.page
	switch b.kind {
	case "model", "ops":
		if b.arg(0) == "" {
			return fmt.Errorf("<!-- %s --> needs a NAME", b.kind)
		}
		if first := p.named(b.kind, b.arg(0)); first != b {
			return fmt.Errorf("%s %s is declared at %s already", b.kind, b.arg(0), first.where())
		}
	case "sql", "guard":
		return b.checkSource()
	case "errors":
		m := p.named("model", b.arg(0))
		if m == nil || !m.has("invalid") {
			return fmt.Errorf("<!-- errors %s --> needs a block <!-- model %s invalid --> on the page", b.arg(0), b.arg(0))
		}
	case "file":
		if b.arg(0) == "" {
			return fmt.Errorf("<!-- file --> needs the PATH the block is written to")
		}
		if !p.isScript() && b.lang != "go" {
			return fmt.Errorf("a %s file is only used by pages that run commands (<!-- run -->)", b.lang)
		}
	case "output":
		if !p.isScript() {
			return fmt.Errorf("<!-- output --> compares a command's output, and this page runs none (<!-- run -->)")
		}
		if b.arg(0) == "" && !slices.ContainsFunc(p.blocks[:slices.Index(p.blocks, b)], func(o *block) bool { return o.kind == "run" }) {
			return fmt.Errorf("<!-- output --> shows the output of the run block above it, and there is none")
		}
	case "markdown":
		return checkExample(b)
	case "run":
		if v, ok := b.opts["exit"]; ok {
			if _, err := strconv.Atoi(v); err != nil {
				return fmt.Errorf("exit=%s is not a number", v)
			}
		}
	}
	return nil
}

// checkExample checks a Markdown example of annotated blocks, as this
// directory's README shows one: each of its blocks must carry an annotation
// of a known kind for its language.
func checkExample(b *block) error {
	dir, err := os.MkdirTemp("", "docs-example-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	path := filepath.Join(dir, "example.md")
	if err := os.WriteFile(path, []byte(b.body), 0o644); err != nil {
		return err
	}
	p, err := readPage(path)
	if err != nil {
		return err
	}
	if len(p.blocks) == 0 {
		return fmt.Errorf("the example holds no code block")
	}
	for _, inner := range p.blocks {
		langs, ok := kinds[inner.kind]
		if !ok || !slices.Contains(langs, inner.lang) {
			return fmt.Errorf("the example's %q block has no annotation of a kind for it", inner.lang)
		}
	}
	return nil
}

// checkSource checks the model or operations that an sql or guard block
// names.
func (b *block) checkSource() error {
	p := b.page
	to, from, ops, on := b.opts["to"], b.opts["from"], b.opts["ops"], b.opts["on"]
	switch {
	case to != "" && ops != "":
		return fmt.Errorf("<!-- %s --> takes to=MODEL or ops=NAME, not both", b.kind)
	case to != "":
		for _, name := range []string{from, to} {
			if name != "" && p.named("model", name) == nil {
				return fmt.Errorf("no <!-- model %s --> on the page", name)
			}
		}
	case ops != "":
		if p.named("ops", ops) == nil {
			return fmt.Errorf("no <!-- ops %s --> on the page", ops)
		}
		if on == "" || p.named("model", on) == nil {
			return fmt.Errorf("ops=%s needs on=MODEL, a model of the page giving the schema the operations start from", ops)
		}
	default:
		return fmt.Errorf("<!-- %s --> needs to=MODEL [from=MODEL] or ops=NAME on=MODEL", b.kind)
	}
	return nil
}

func kindList() string {
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// rewrites holds, under -update, the new bodies of the blocks the tests
// generate; TestMain writes them to the pages.
var rewrites = struct {
	sync.Mutex
	bodies map[*block]string
}{bodies: map[*block]string{}}

// expect compares the block's body with got, what strata gives; under
// -update it records got instead.
func expect(t *testing.T, b *block, got string) {
	t.Helper()
	expectNormalized(t, b, got, func(s string) string { return s })
}

// expectNormalized is expect with both sides passed through normalize
// before they are compared: for command output with durations in it.
func expectNormalized(t *testing.T, b *block, got string, normalize func(string) string) {
	t.Helper()
	if normalize(b.body) == normalize(got) {
		return
	}
	if *update {
		rewrites.Lock()
		rewrites.bodies[b] = got
		rewrites.Unlock()
		return
	}
	t.Errorf("%s: the %s block differs from what strata gives (-page +strata); go test ./docs -update rewrites it:\n%s",
		b.where(), b.kind, lineDiff(normalize(b.body), normalize(got)))
}

// writeRewrites writes the pages whose blocks -update rewrote.
func writeRewrites() error {
	byPage := map[*page]map[*block]string{}
	for b, body := range rewrites.bodies {
		if byPage[b.page] == nil {
			byPage[b.page] = map[*block]string{}
		}
		byPage[b.page][b] = body
	}
	for p, bodies := range byPage {
		if err := os.WriteFile(p.name, []byte(p.render(bodies)), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "docs: rewrote %d block(s) of %s\n", len(bodies), p.name)
	}
	return nil
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if *update {
		if err := writeRewrites(); err != nil {
			fmt.Fprintln(os.Stderr, "docs:", err)
			code = 1
		}
	}
	cleanupTools()
	os.Exit(code)
}

// durationRe and timeRe match what changes from one run of a command to the
// next: how long a migration took, when it was applied.
var (
	durationRe = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms|s|m|h)(\d+(\.\d+)?(ms|s|m))*\b`)
	timeRe     = regexp.MustCompile(`\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z`)
)

// normalizeOutput hides durations and times in command output.
func normalizeOutput(s string) string {
	s = timeRe.ReplaceAllString(s, "2006-01-02 15:04:05Z")
	return durationRe.ReplaceAllString(s, "1ms")
}

// TestGoBlocksAreGofmted checks that the Go of the pages reads as gofmt
// writes it: whole files as they are, ops and snippet blocks as the body of
// the literal or function the tests wrap them in.
func TestGoBlocksAreGofmted(t *testing.T) {
	for _, p := range pages(t) {
		for _, b := range p.blocks {
			if b.lang != "go" || b.check() != nil || b.kind == "output" {
				continue
			}
			want, err := gofmtBlock(b)
			if err != nil {
				t.Errorf("%s: %v", b.where(), err)
				continue
			}
			if want != b.body {
				t.Errorf("%s: the block is not as gofmt writes it (-page +gofmt):\n%s", b.where(), lineDiff(b.body, want))
			}
		}
	}
}

// gofmtBlock returns the body of the Go block b as gofmt formats it.
func gofmtBlock(b *block) (string, error) {
	var open string
	switch b.kind {
	case "ops":
		open = "package p\n\nvar _ = []T{\n"
	case "snippet":
		open = "package p\n\nfunc _() {\n"
	default:
		out, err := format.Source([]byte(b.body))
		return string(out), err
	}
	out, err := format.Source([]byte(open + b.body + "}\n"))
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	lines = lines[strings.Count(open, "\n") : len(lines)-1]
	var body strings.Builder
	for _, l := range lines {
		body.WriteString(strings.TrimPrefix(l, "\t") + "\n")
	}
	return body.String(), nil
}

// lineDiff shows the difference between two texts line by line.
func lineDiff(want, got string) string {
	return cmp.Diff(strings.Split(want, "\n"), strings.Split(got, "\n"))
}
