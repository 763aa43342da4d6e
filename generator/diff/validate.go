package diff

import (
	"errors"
	"fmt"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// validate checks that s is consistent enough to plan from: names are
// unique where the databases need them to be, and every index, constraint
// and enum column refers to things that exist, and every foreign key
// references a key. It reports every problem.
func validate(s *schema.Schema) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	enums := map[string]bool{}
	for _, e := range s.Enums {
		if enums[e.Name] {
			add("enum %s is defined twice", e.Name)
		}
		enums[e.Name] = true
	}
	tables := map[string]*schema.Table{}
	for i := range s.Tables {
		t := &s.Tables[i]
		if tables[t.Name] != nil {
			add("table %s is defined twice", t.Name)
		}
		tables[t.Name] = t
	}
	indexNames := map[string]string{} // index or unique constraint -> its table
	for i := range s.Tables {
		t := &s.Tables[i]
		for _, msg := range validateTable(t, enums, tables, indexNames) {
			add("table %s: %s", t.Name, msg)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// validateTable returns the problems of table t. indexNames records the
// names of indexes and unique constraints seen so far in the schema.
func validateTable(t *schema.Table, enums map[string]bool, tables map[string]*schema.Table, indexNames map[string]string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if t.Name == "" {
		add("a table has no name")
	}
	columns := map[string]bool{}
	for _, c := range t.Columns {
		if c.Name == "" || columns[c.Name] {
			add("column %q is empty or defined twice", c.Name)
		}
		columns[c.Name] = true
		if c.Type.Kind == schema.EnumKind && !enums[c.Type.Enum] {
			add("column %s has enum type %q, which the schema does not define", c.Name, c.Type.Enum)
		}
	}
	missing := func(what string, names []string) {
		if len(names) == 0 {
			add("%s has no columns", what)
		}
		for _, n := range names {
			if !columns[n] {
				add("%s uses missing column %s", what, n)
			}
		}
	}
	if len(t.PrimaryKey) > 0 {
		missing("the primary key", t.PrimaryKey)
	}
	claim := func(what, name string) {
		if other, ok := indexNames[name]; ok {
			add("%s %s has the name of an index or unique constraint of %s", what, name, other)
		}
		indexNames[name] = t.Name
	}
	for _, ix := range t.Indexes {
		claim("index", ix.Name)
		missing("index "+ix.Name, ix.Columns)
	}
	for _, u := range t.Uniques {
		claim("unique constraint", u.Name)
		missing("unique constraint "+u.Name, u.Columns)
	}
	fks := map[string]bool{}
	for _, fk := range t.ForeignKeys {
		what := "foreign key " + fk.Name
		if fks[fk.Name] {
			add("%s is defined twice", what)
		}
		fks[fk.Name] = true
		missing(what, fk.Columns)
		ref := tables[fk.RefTable]
		switch {
		case ref == nil:
			add("%s references missing table %s", what, fk.RefTable)
		case len(fk.RefColumns) != len(fk.Columns):
			add("%s has %d columns but references %d", what, len(fk.Columns), len(fk.RefColumns))
		default:
			found := true
			for _, n := range fk.RefColumns {
				if ref.Column(n) == nil {
					add("%s references missing column %s.%s", what, fk.RefTable, n)
					found = false
				}
			}
			if found && !ref.IsKey(fk.RefColumns) {
				add("%s references %s%s, which is neither its primary key nor unique", what, fk.RefTable, columnList(fk.RefColumns))
			}
		}
	}
	checks := map[string]bool{}
	for _, c := range t.Checks {
		if checks[c.Name] {
			add("check %s is defined twice", c.Name)
		}
		checks[c.Name] = true
	}
	return problems
}
