// Package modelgen writes Go model structs for a schema: the source that
// strata's loader reads back into that same schema. It is the last stage
// of strata inspect and strata adopt --db, which read a live database:
//
//	database  --(dialect Inspect, introspect)-->  schema.Schema
//	schema    --(modelgen)-->                     models.go   <- this package
//	models.go --(load)-->                         the same schema.Schema
//
// Each table becomes a struct marked //strata:table, each column a field
// with its db tag and the strata options that give back its type,
// nullability, default, identity, key, index, unique constraint, foreign
// key and check; composite keys, indexes and constraints of several
// columns, partial indexes and checks that belong to no one column become
// directives. Enum types become string types marked //strata:enum with a
// constant per value.
//
// What the model language cannot say (a composite foreign key, a name
// strata would give otherwise, a table or column name that is not a
// lowercase identifier, ...) is left out or changed, and [Result.Skipped]
// says so, line by line; the file lists the same lines in its package doc,
// so that nothing goes missing without a word.
package modelgen

import (
	"fmt"
	"go/format"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// Options say what to write.
type Options struct {
	// Package is the package clause of the file; "models" when empty.
	Package string
	// Dialect is the engine the schema was read from, "postgres" or
	// "sqlite": a column type strata has no kind for becomes a
	// type.DIALECT= option.
	Dialect string
	// From says, in the package doc, what the schema was read from, such
	// as "a PostgreSQL database".
	From string
	// Skipped lists what the caller left out of the schema already (views,
	// functions, triggers, ...), one line each; the file lists them first.
	Skipped []string
}

// Result is a models file.
type Result struct {
	// Source is the file, gofmt-ed.
	Source []byte
	// Skipped lists, one line each, every part of the schema the models do
	// not hold as it is: the caller's [Options.Skipped], then what the
	// model language cannot say.
	Skipped []string
	// Imports are the packages the file imports, sorted; the module must
	// be able to resolve them (github.com/google/uuid for a UUID column).
	Imports []string
}

// Generate writes the model structs of s. It changes nothing in s.
func Generate(s *schema.Schema, opts Options) (*Result, error) {
	g := newGen(s.Clone(), opts)
	g.planTables()
	g.planEnums()
	for _, t := range g.tables {
		g.planFields(t) // all of them first: a foreign key looks at the field it references
	}
	var body strings.Builder
	for _, t := range g.tables {
		g.writeTable(&body, t)
	}
	g.noteUnusedEnums()
	for _, e := range g.enums {
		if e.used {
			g.writeEnum(&body, e)
		}
	}
	src := g.header() + body.String()
	out, err := format.Source([]byte(src))
	if err != nil {
		return nil, fmt.Errorf("modelgen: format the models: %w\n%s", err, src)
	}
	return &Result{Source: out, Skipped: g.skipped, Imports: g.importList()}, nil
}

// gen holds what Generate works out.
type gen struct {
	s       *schema.Schema
	opts    Options
	skipped []string
	imports map[string]bool
	types   *namer // package-level names
	tables  []*tableModel
	byName  map[string]*tableModel
	enums   []*enumModel
	enumOf  map[string]*enumModel // by schema enum name
}

func newGen(s *schema.Schema, opts Options) *gen {
	if opts.Package == "" {
		opts.Package = "models"
	}
	return &gen{
		s: s, opts: opts, skipped: slices.Clone(opts.Skipped), imports: map[string]bool{},
		types:  newNamer("time", "json", "column", "uuid", "sql"),
		byName: map[string]*tableModel{}, enumOf: map[string]*enumModel{},
	}
}

func (g *gen) skip(format string, args ...any) {
	g.skipped = append(g.skipped, fmt.Sprintf(format, args...))
}

// identRe matches the names strata accepts for tables, columns, indexes,
// constraints and enums.
var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// nameProblem says why strata cannot take name, or returns "".
func nameProblem(name string) string {
	switch {
	case !identRe.MatchString(name):
		return "strata's names are lowercase letters, digits and underscores"
	case len(name) > schema.MaxNameLen:
		return "it is longer than 63 bytes"
	}
	return ""
}

// systemColumns are the column names an engine keeps for itself, which a
// model cannot take.
var systemColumns = []string{"tableoid", "xmin", "cmin", "xmax", "cmax", "ctid", "rowid", "_rowid_", "oid"}

// planTables picks the tables the models hold and names their structs.
func (g *gen) planTables() {
	for i := range g.s.Tables {
		t := &g.s.Tables[i]
		if why := g.tableProblem(t); why != "" {
			g.skip("table %s: %s; it is left out", t.Name, why)
			continue
		}
		tm := &tableModel{t: t, goName: g.types.take(goName(singular(t.Name)), "Row", "Model")}
		g.tables = append(g.tables, tm)
		g.byName[t.Name] = tm
	}
}

// tableProblem says why table t cannot be a model, or returns "".
func (g *gen) tableProblem(t *schema.Table) string {
	if p := nameProblem(t.Name); p != "" {
		return fmt.Sprintf("its name %q cannot be a model's: %s", t.Name, p)
	}
	for _, prefix := range []string{"strata_", "sqlite_", "pg_"} {
		if strings.HasPrefix(t.Name, prefix) {
			return "names starting with " + prefix + " belong to an engine or to strata"
		}
	}
	for _, c := range t.Columns {
		if p := nameProblem(c.Name); p != "" {
			return fmt.Sprintf("its column name %q cannot be a model's: %s", c.Name, p)
		}
		if slices.Contains(systemColumns, c.Name) {
			return fmt.Sprintf("its column %s is named as a system column", c.Name)
		}
	}
	return ""
}

// importList returns the imports the file needs, sorted.
func (g *gen) importList() []string {
	var list []string
	for path := range g.imports {
		list = append(list, path)
	}
	// The standard library first, each group sorted.
	slices.SortFunc(list, func(a, b string) int {
		if sa, sb := !strings.Contains(a, "."), !strings.Contains(b, "."); sa != sb {
			if sa {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return list
}

// header returns the package doc, the package clause and the imports.
func (g *gen) header() string {
	var b strings.Builder
	from := g.opts.From
	if from == "" {
		from = "a database"
	}
	fmt.Fprintf(&b, "// Package %s holds the model structs strata inspect wrote from the schema of\n// %s. Edit them as your own: strata reads them back into that schema.\n", g.opts.Package, from)
	if len(g.skipped) > 0 {
		b.WriteString("//\n// Not in these models as they are in the database, because strata's model\n// language cannot say them:\n//\n")
		for _, line := range g.skipped {
			fmt.Fprintf(&b, "//   - %s\n", strings.ReplaceAll(line, "\n", " "))
		}
	}
	fmt.Fprintf(&b, "package %s\n\n", g.opts.Package)
	if imports := g.importList(); len(imports) > 0 {
		b.WriteString("import (\n")
		for i, p := range imports {
			if i > 0 && !strings.Contains(p, ".") == strings.Contains(imports[i-1], ".") {
				b.WriteString("\n") // the standard library first, then the others
			}
			fmt.Fprintf(&b, "\t%s\n", strconv.Quote(p))
		}
		b.WriteString(")\n\n")
	}
	return b.String()
}
