package scaffold_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator/scaffold"
)

func newModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/shop // the shop\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func config(root string) scaffold.Config {
	return scaffold.Config{Root: root, Migrations: "db/migrations", Models: "internal/models", Command: "cmd/migrate", Generate: scaffold.DefaultGenerate}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInitWritesTheMigrationsPackageAndTheMigrateCommand(t *testing.T) {
	root := newModule(t)
	res, err := scaffold.Init(config(root))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Files, " "); got != "db/migrations/generate.go cmd/migrate/main.go" {
		t.Errorf("Init wrote %s", got)
	}
	gen := read(t, filepath.Join(root, "db", "migrations", "generate.go"))
	for _, want := range []string{
		"package migrations\n",
		"//go:generate go tool strata makemigrations --models ../../internal/models\n",
		"var Migrator = runtime.NewMigrator()",
	} {
		if !strings.Contains(gen, want) {
			t.Errorf("generate.go lacks %q:\n%s", want, gen)
		}
	}
	main := read(t, filepath.Join(root, "cmd", "migrate", "main.go"))
	for _, want := range []string{`"example.com/shop/db/migrations"`, "migratecli.Main(migrations.Migrator)"} {
		if !strings.Contains(main, want) {
			t.Errorf("main.go lacks %q:\n%s", want, main)
		}
	}
	if !strings.Contains(res.Makefile, "go generate ./db/migrations") || !strings.Contains(res.Makefile, "go run ./cmd/migrate up") {
		t.Errorf("Makefile targets:\n%s", res.Makefile)
	}
}

func TestInitRefusesToReplaceFilesUnlessForced(t *testing.T) {
	root := newModule(t)
	if _, err := scaffold.Init(config(root)); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(root, "cmd", "migrate", "main.go")
	if err := os.WriteFile(mine, []byte("package main // mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Init(config(root)); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second Init: err %v, want a refusal mentioning --force", err)
	}
	if got := read(t, mine); got != "package main // mine\n" {
		t.Errorf("the refused Init changed main.go to:\n%s", got)
	}
	cfg := config(root)
	cfg.Force = true
	if _, err := scaffold.Init(cfg); err != nil {
		t.Fatal(err)
	}
	if got := read(t, mine); !strings.Contains(got, "migratecli.Main") {
		t.Errorf("Init --force left main.go as:\n%s", got)
	}
}

func TestInitOutsideAModuleSaysWhereToRunIt(t *testing.T) {
	_, err := scaffold.Init(config(t.TempDir()))
	if err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Fatalf("err %v, want one saying there is no go.mod", err)
	}
}

func TestInitWritesTheDialectsIntoTheGenerateLine(t *testing.T) {
	root := newModule(t)
	cfg := config(root)
	cfg.Dialects = []string{"postgres", "mysql"}
	if _, err := scaffold.Init(cfg); err != nil {
		t.Fatal(err)
	}
	gen := read(t, filepath.Join(root, "db", "migrations", "generate.go"))
	if want := "//go:generate go tool strata makemigrations --models ../../internal/models --dialects postgres,mysql\n"; !strings.Contains(gen, want) {
		t.Errorf("generate.go lacks %q:\n%s", want, gen)
	}
	main := read(t, filepath.Join(root, "cmd", "migrate", "main.go"))
	if want := `_ "github.com/go-sql-driver/mysql"`; !strings.Contains(main, want) {
		t.Errorf("main.go lacks %q:\n%s", want, main)
	}
}

func TestInitWithASetNameWritesAMigratorThatIsASet(t *testing.T) {
	root := newModule(t)
	cfg := config(root)
	cfg.Set = "auth"
	if _, err := scaffold.Init(cfg); err != nil {
		t.Fatal(err)
	}
	gen := read(t, filepath.Join(root, "db", "migrations", "generate.go"))
	for _, want := range []string{
		"//go:generate go tool strata makemigrations --models ../../internal/models\n\n// Migrator holds",
		"var Migrator = runtime.NewSet(\"auth\")\n",
		"var Set = Migrator\n",
		"which imports example.com/shop/db/migrations:",
	} {
		if !strings.Contains(gen, want) {
			t.Errorf("generate.go lacks %q:\n%s", want, gen)
		}
	}

	cfg = config(newModule(t))
	cfg.Set = "auth/v2"
	if _, err := scaffold.Init(cfg); err == nil || !strings.Contains(err.Error(), `--set "auth/v2"`) {
		t.Errorf("Init with a bad set name = %v", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Root, "db")); err == nil {
		t.Error("Init with a bad set name wrote files")
	}
}
