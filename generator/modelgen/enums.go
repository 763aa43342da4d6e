package modelgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// enumModel is the Go string type of an enum.
type enumModel struct {
	e       *schema.Enum
	sqlName string // the name //strata:enum gives it
	goName  string
	consts  []string // a constant per value
	problem string   // why the enum cannot be one, or ""
	used    bool
}

// planEnums names the Go type and constants of every enum. SQLite holds
// no enum types: its Inspect names each enum column's own enum
// "table.column", which becomes table_column.
func (g *gen) planEnums() {
	for i := range g.s.Enums {
		e := &g.s.Enums[i]
		em := &enumModel{e: e, sqlName: strings.ReplaceAll(e.Name, ".", "_")}
		g.enumOf[e.Name] = em
		g.enums = append(g.enums, em)
		if p := nameProblem(em.sqlName); p != "" {
			em.problem = fmt.Sprintf("enum %s cannot be a model's: %s", e.Name, p)
			continue
		}
		if len(e.Values) == 0 {
			em.problem = fmt.Sprintf("enum %s has no values", e.Name)
			continue
		}
		for _, v := range e.Values {
			if v == "" {
				em.problem = fmt.Sprintf("enum %s has the empty value, which strata's enums cannot hold", e.Name)
			}
		}
		if em.problem != "" {
			continue
		}
		em.goName = g.types.take(goName(em.sqlName), "Enum", "Type")
		for _, v := range e.Values {
			em.consts = append(em.consts, g.types.take(em.goName+goName(v)))
		}
	}
}

// noteUnusedEnums says which enum types no column of the models uses:
// strata creates an enum type for the columns of its type only.
func (g *gen) noteUnusedEnums() {
	for _, em := range g.enums {
		if !em.used && em.problem == "" {
			g.skip("enum %s: no column of the models uses it, and strata creates an enum type only for its columns", em.e.Name)
		}
	}
}

// writeEnum writes the type of em and its constants.
func (g *gen) writeEnum(b *strings.Builder, em *enumModel) {
	fmt.Fprintf(b, "// %s is the enum type %s.\n//\n//strata:enum %s\ntype %s string\n\n", em.goName, em.e.Name, em.sqlName, em.goName)
	fmt.Fprintf(b, "// The values of %s, in the enum's order.\nconst (\n", em.goName)
	for i, v := range em.e.Values {
		fmt.Fprintf(b, "\t%s %s = %s\n", em.consts[i], em.goName, strconv.Quote(v))
	}
	b.WriteString(")\n\n")
}
