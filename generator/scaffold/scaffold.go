// Package scaffold is strata init: it fills in the files of templates/ for
// a module and writes them, so that the module can generate migrations
// (migrations/generate.go) and apply them (cmd/migrate/main.go).
package scaffold

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/strata-go/strata/generator/files"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/templates"
)

// Config says where the module is and where its models and migrations go.
type Config struct {
	// Root is the module's root directory, the one holding go.mod.
	Root string
	// Migrations is the migrations directory, relative to Root.
	Migrations string
	// Models is the directory of the model structs, relative to Root.
	Models string
	// Command is the directory of the migrate command, relative to Root.
	Command string
	// Generate is the command the go:generate line runs.
	Generate string
	// Force lets Init replace files that exist already.
	Force bool
	// Dialects names the engines the project targets, for the
	// go:generate line's --dialects; nil leaves the default.
	Dialects []string
	// Set, when not empty, makes the migrations package a set of that
	// name (runtime.NewSet): the migrations a package of models ships for
	// apps to include.
	Set string
}

// DefaultGenerate is the go:generate command Init writes: strata as a tool
// of the module (go get -tool github.com/strata-go/strata/cmd/strata).
const DefaultGenerate = "go tool strata"

// Result is what Init wrote and what it suggests.
type Result struct {
	// Files are the files written, with paths relative to Config.Root.
	Files []string
	// Makefile holds the Makefile targets to add.
	Makefile string
}

// Init writes migrations/generate.go and cmd/migrate/main.go into the
// module at cfg.Root. It refuses, writing nothing, when either exists and
// cfg.Force is not set.
func Init(cfg Config) (*Result, error) {
	module, err := modulePath(filepath.Join(cfg.Root, "go.mod"))
	if err != nil {
		return nil, err
	}
	migrations := filepath.ToSlash(filepath.Clean(cfg.Migrations))
	models, err := filepath.Rel(cfg.Migrations, cfg.Models)
	if err != nil || migrations == "." || strings.HasPrefix(migrations, "../") {
		return nil, fmt.Errorf("init: the migrations directory must be inside the module: %s", cfg.Migrations)
	}
	models = filepath.ToSlash(models)
	if !strings.HasPrefix(models, ".") {
		models = "./" + models
	}
	data := templates.Data{
		MigrationsImport:  path.Join(module, migrations),
		MigrationsPackage: packageName(migrations),
		MigrationsDir:     migrations,
		CommandDir:        filepath.ToSlash(filepath.Clean(cfg.Command)),
		Models:            models,
		Generate:          cfg.Generate,
		Dialects:          strings.Join(cfg.Dialects, ","),
		MySQL:             slices.Contains(cfg.Dialects, "mysql"),
		Set:               cfg.Set,
	}
	if cfg.Set != "" && !runtime.IsSetName(cfg.Set) {
		return nil, fmt.Errorf("init: --set %q: a set's name is made of ASCII letters, digits, '_', '-' and '.'", cfg.Set)
	}
	targets := map[string]string{
		"migrations/generate.go.tmpl": path.Join(migrations, "generate.go"),
		"cmd/migrate/main.go.tmpl":    path.Join(data.CommandDir, "main.go"),
	}
	res := &Result{}
	var out []files.File
	for _, tmpl := range []string{"migrations/generate.go.tmpl", "cmd/migrate/main.go.tmpl"} {
		content, err := render(tmpl, data, true)
		if err != nil {
			return nil, err
		}
		dest := filepath.Join(cfg.Root, filepath.FromSlash(targets[tmpl]))
		if _, err := os.Stat(dest); err == nil && !cfg.Force {
			return nil, fmt.Errorf("init: %s exists already; remove it or pass --force to replace it", targets[tmpl])
		}
		out = append(out, files.File{Path: dest, Content: content})
		res.Files = append(res.Files, targets[tmpl])
	}
	makefile, err := render("Makefile.tmpl", data, false)
	if err != nil {
		return nil, err
	}
	res.Makefile = string(makefile)
	for _, f := range out {
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			return nil, fmt.Errorf("init: %w", err)
		}
	}
	if err := files.WriteAll(out); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	return res, nil
}

func render(name string, data templates.Data, gofmt bool) ([]byte, error) {
	t, err := template.ParseFS(templates.FS, name)
	if err != nil {
		return nil, fmt.Errorf("init: template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("init: template %s: %w", name, err)
	}
	if !gofmt {
		return buf.Bytes(), nil
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("init: template %s does not format: %w", name, err)
	}
	return src, nil
}

// modulePath reads the module path from a go.mod file.
func modulePath(gomod string) (string, error) {
	content, err := os.ReadFile(gomod)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("init: no go.mod in %s: run strata init at the root of a Go module", filepath.Dir(gomod))
	}
	if err != nil {
		return "", fmt.Errorf("init: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(content))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest, _, _ = strings.Cut(rest, "//")
			rest = strings.TrimSpace(rest)
			if unq, err := strconv.Unquote(rest); err == nil {
				rest = unq
			}
			if rest != "" {
				return rest, nil
			}
		}
	}
	return "", fmt.Errorf("init: %s has no module line", gomod)
}

// packageName derives a package name from the last element of a directory.
func packageName(dir string) string {
	base := path.Base(dir)
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "migrations"
	}
	return b.String()
}
