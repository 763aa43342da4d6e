package docs

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/generator/history"
)

// knownImports are the packages an ops or snippet block may use without
// importing them: the test adds the import of each name the block uses.
var knownImports = map[string]string{
	"context":    "context",
	"sql":        "database/sql",
	"errors":     "errors",
	"fmt":        "fmt",
	"http":       "net/http",
	"json":       "encoding/json",
	"log":        "log",
	"os":         "os",
	"signal":     "os/signal",
	"slog":       "log/slog",
	"strings":    "strings",
	"syscall":    "syscall",
	"time":       "time",
	"runtime":    "github.com/strata-go/strata/runtime",
	"schema":     "github.com/strata-go/strata/runtime/schema",
	"dialect":    "github.com/strata-go/strata/runtime/dialect",
	"postgres":   "github.com/strata-go/strata/runtime/dialect/postgres",
	"sqlite":     "github.com/strata-go/strata/runtime/dialect/sqlite",
	"migratecli": "github.com/strata-go/strata/runtime/migratecli",
	"migrations": "example.com/app/migrations",
}

// TestGoBlocksCompile compiles, with go vet, every ops and snippet block,
// and every file block of the pages that run no commands, in a module that
// requires this checkout of strata. A migration file (NNNN_name.go) must
// also be one strata can read back (strata adopt, strata check).
func TestGoBlocksCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiling the Go blocks takes a module of its own; -short skips it")
	}
	dir := appModule(t)
	writeFile(t, dir, "migrations/generate.go", "package migrations\n\n"+
		"import \"github.com/strata-go/strata/runtime\"\n\nvar Migrator = runtime.NewMigrator()\n")
	var blocks []*block
	for _, p := range pages(t) {
		for _, b := range p.blocks {
			if b.check() != nil || b.lang != "go" {
				continue
			}
			switch {
			case b.kind == "ops" || b.kind == "snippet":
			case b.kind == "file" && !p.isScript():
			default:
				continue
			}
			blocks = append(blocks, b)
			if err := writeGoBlock(dir, len(blocks), b); err != nil {
				t.Errorf("%s: %v", b.where(), err)
			}
		}
	}
	if len(blocks) == 0 {
		t.Fatal("no Go block to compile")
	}
	goCommand(t, dir, "mod", "tidy")
	if out, err := goOutput(dir, "vet", "./..."); err != nil {
		t.Errorf("go vet of the Go blocks: %v\n%s", err, out)
	}
	for i, b := range blocks {
		if b.kind == "file" && migrationFileRe.MatchString(filepath.Base(b.arg(0))) {
			if _, err := history.Read(filepath.Join(dir, "blocks", blockDir(i+1))); err != nil {
				t.Errorf("%s: strata cannot read the migration: %v", b.where(), err)
			}
		}
	}
}

var migrationFileRe = regexp.MustCompile(`^\d{4}_\w+\.go$`)

func blockDir(n int) string { return fmt.Sprintf("b%03d", n) }

// writeGoBlock writes block b, the n-th Go block, as the package
// blocks/bNNN of the module in dir. A //line comment makes the compiler
// name the page and line of the block in its errors.
func writeGoBlock(dir string, n int, b *block) error {
	pkgDir := "blocks/" + blockDir(n)
	abs, err := filepath.Abs(b.page.name)
	if err != nil {
		return err
	}
	lineDirective := fmt.Sprintf("//line %s:%d\n", abs, b.line+1)
	var src string
	switch b.kind {
	case "ops":
		src = "var _ = []schema.Operation{\n" + lineDirective + b.body + "}\n"
		src = header(blockDir(n), b.body, "schema") + src
	case "snippet":
		results, err := snippetResults(b.body)
		if err != nil {
			return err
		}
		src = "func _(ctx context.Context, db *sql.DB)" + results + " {\n" + lineDirective + b.body + "}\n"
		src = header(blockDir(n), b.body, "context", "sql") + src
	case "file":
		name := filepath.Base(b.arg(0))
		if !strings.HasSuffix(name, ".go") {
			return fmt.Errorf("file %s: a Go file's name ends in .go", b.arg(0))
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, b.body, 0)
		if err != nil {
			return err
		}
		if f.Name.Name == "migrations" && !declares(f, "Migrator") {
			err := writeFileErr(dir, pkgDir+"/migrator.go", "package migrations\n\n"+
				"import \"github.com/strata-go/strata/runtime\"\n\nvar Migrator = runtime.NewMigrator()\n")
			if err != nil {
				return err
			}
		}
		return writeFileErr(dir, pkgDir+"/"+name, lineDirective+b.body)
	}
	return writeFileErr(dir, pkgDir+"/block.go", src)
}

// snippetResults returns the results of the function a snippet is the body
// of: error when its last statement returns a value, none otherwise.
func snippetResults(body string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "snippet.go", "package p\nfunc _() {\n"+body+"}\n", 0)
	if err != nil {
		return "", err
	}
	list := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(list) > 0 {
		if r, ok := list[len(list)-1].(*ast.ReturnStmt); ok && len(r.Results) > 0 {
			return " error", nil
		}
	}
	return "", nil
}

// header returns the package clause and the imports of a wrapped block:
// those of always, and those of the known packages the body names.
func header(pkg, body string, always ...string) string {
	names := slices.Clone(always)
	f, err := parser.ParseFile(token.NewFileSet(), "block.go", "package p\nfunc _() {\n_ = []any{\n"+body+"}}\n", 0)
	if err != nil {
		f, _ = parser.ParseFile(token.NewFileSet(), "block.go", "package p\nfunc _() {\n"+body+"}\n", 0)
	}
	if f != nil {
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && knownImports[id.Name] != "" && !slices.Contains(names, id.Name) {
					names = append(names, id.Name)
				}
			}
			return true
		})
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport (\n", pkg)
	for _, n := range names {
		fmt.Fprintf(&b, "\t%s %q\n", n, knownImports[n])
	}
	b.WriteString(")\n\n")
	return b.String()
}

// appModule creates an empty module example.com/app that requires this
// checkout of strata, as a user's app requires strata.
func appModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "go.mod", "module example.com/app\n\ngo "+goDirective(t, root)+"\n\n"+
		"require github.com/strata-go/strata v0.0.0\n\nreplace github.com/strata-go/strata => "+root+"\n")
	writeFile(t, dir, "go.sum", string(sum))
	return dir
}

// goDirective returns the go version strata's go.mod asks for, such as
// 1.26.8: a module that requires strata asks for no less, or the go
// command wants its go.mod tidied before it loads a package.
func goDirective(t *testing.T, root string) string {
	t.Helper()
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(mod)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			return v
		}
	}
	t.Fatal("strata's go.mod has no go directive")
	return ""
}

// goEnv is the environment of the go commands the tests run in their
// modules: without a workspace, and without what would change what the
// commands do (a database URL, strata's variables).
func goEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "DATABASE_URL" || name == "NO_COLOR" || strings.HasPrefix(name, "STRATA_") || name == "GOWORK" {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "GOWORK=off"), extra...)
}

// goOutput runs go with args in dir and returns its combined output.
func goOutput(dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, goEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// goCommand is goOutput that fails the test on an error.
func goCommand(t *testing.T, dir string, args ...string) {
	t.Helper()
	if out, err := goOutput(dir, args...); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func writeFileErr(dir, rel, content string) error {
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// declares reports whether the file declares name at package level.
func declares(f *ast.File, name string) bool {
	for _, d := range f.Decls {
		gen, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gen.Specs {
			if vs, ok := spec.(*ast.ValueSpec); ok && slices.ContainsFunc(vs.Names, func(id *ast.Ident) bool { return id.Name == name }) {
				return true
			}
		}
	}
	return false
}
