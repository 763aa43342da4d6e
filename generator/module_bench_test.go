package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// benchModule is a Go module written for a benchmark: a models package of
// generated model structs and a migrations package, with strata replaced
// by this checkout as a user's app requires it.
type benchModule struct {
	root string
}

// migrations returns the module's migrations directory.
func (m benchModule) migrations() string { return filepath.Join(m.root, "migrations") }

// newBenchModule writes a module whose models package declares tables
// model structs, every tenth with one column more when changed is set (see
// [writeBenchModels]), and whose migrations package declares the Migrator
// and nothing else.
func newBenchModule(b testing.TB, tables int, changed bool) benchModule {
	b.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	m := benchModule{root: b.TempDir()}
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	if strings.Count(goVersion, ".") > 1 {
		goVersion = goVersion[:strings.LastIndex(goVersion, ".")]
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		b.Fatal(err)
	}
	writeBenchFile(b, m.root, "go.mod", "module example.com/app\n\ngo "+goVersion+"\n\n"+
		"require github.com/strata-go/strata v0.0.0\n\n"+
		"replace github.com/strata-go/strata => "+root+"\n")
	writeBenchFile(b, m.root, "go.sum", string(sum))
	writeBenchFile(b, m.root, "migrations/generate.go", "package migrations\n\n"+
		"import \"github.com/strata-go/strata/runtime\"\n\n"+
		"//go:generate go tool strata makemigrations --models ../models\n\n"+
		"var Migrator = runtime.NewMigrator()\n")
	writeBenchModels(b, m.root, tables, changed)
	return m
}

// writeBenchModels writes the models package of a benchmark module: two
// enum types and, one file each, tables model structs of ten columns of
// several types, an index, a unique constraint, an auto_now column and,
// but for the first, a foreign key to an earlier table; every third uses
// the second enum too. When changed is set, every tenth struct, from the
// first, has a nullable column more.
func writeBenchModels(b testing.TB, root string, tables int, changed bool) {
	b.Helper()
	writeBenchFile(b, root, "models/enums.go", `package models

// Status is where a record is in its life.
//
//strata:enum
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Priority orders work.
//
//strata:enum
type Priority string

const (
	PriorityLow  Priority = "low"
	PriorityHigh Priority = "high"
)
`)
	for i := 1; i <= tables; i++ {
		var s strings.Builder
		name := fmt.Sprintf("table%04d", i)
		fmt.Fprintf(&s, "package models\n\nimport \"time\"\n\n")
		fmt.Fprintf(&s, "// Table%04d is model %d of the benchmark.\n//\n", i, i)
		fmt.Fprintf(&s, "//strata:table %s\n//strata:index %s_name_created (name, created_at)\n", name, name)
		fmt.Fprintf(&s, "type Table%04d struct {\n", i)
		s.WriteString("\tID        int64     `db:\"id\"         strata:\"pk,identity\"`\n")
		s.WriteString("\tName      string    `db:\"name\"       strata:\"size=100\"`\n")
		s.WriteString("\tEmail     string    `db:\"email\"      strata:\"unique,size=320\"`\n")
		s.WriteString("\tScore     float64   `db:\"score\"      strata:\"default=0\"`\n")
		s.WriteString("\tActive    bool      `db:\"active\"     strata:\"default=true\"`\n")
		s.WriteString("\tStatus    Status    `db:\"status\"     strata:\"default='draft'\"`\n")
		if i%3 == 0 {
			s.WriteString("\tPriority  *Priority `db:\"priority\"`\n")
		}
		if i > 1 {
			fmt.Fprintf(&s, "\tParentID  *int64    `db:\"parent_id\"  strata:\"fk=table%04d.id,on_delete=cascade,index\"`\n", i/2)
		}
		s.WriteString("\tPayload   []byte    `db:\"payload\"`\n")
		s.WriteString("\tCreatedAt time.Time `db:\"created_at\" strata:\"default=now\"`\n")
		s.WriteString("\tUpdatedAt time.Time `db:\"updated_at\" strata:\"auto_now\"`\n")
		if changed && i%10 == 1 {
			s.WriteString("\tNote      *string   `db:\"note\"`\n")
		}
		s.WriteString("}\n")
		writeBenchFile(b, root, "models/"+name+".go", s.String())
	}
}

func writeBenchFile(b testing.TB, root, rel, content string) {
	b.Helper()
	path := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		b.Fatal(err)
	}
}
