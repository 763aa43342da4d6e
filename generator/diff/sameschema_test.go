package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/strata-go/strata/runtime/schema"
)

func TestSameSchema(t *testing.T) {
	base := func() *schema.Schema {
		return db(enums(enum("mood", "calm", "angry")),
			table("users", idCol(), col("email", Text), enumCol("mood", "mood")).
				index("users_email_idx", "email").unique("users_email_key", "email"),
			posts())
	}
	tests := []struct {
		name   string
		change func(s *schema.Schema)
		same   bool
	}{
		{"a schema is the same as its copy", func(*schema.Schema) {}, true},
		{"the order of columns does not count", func(s *schema.Schema) {
			c := s.Tables[1].Columns
			c[0], c[2] = c[2], c[0]
		}, true},
		{"the order of tables does not count", func(s *schema.Schema) {
			s.Tables[0], s.Tables[1] = s.Tables[1], s.Tables[0]
		}, true},
		{"empty and nil lists are the same", func(s *schema.Schema) {
			s.Tables[0].Checks = []schema.Check{}
			s.Tables[0].Indexes = []schema.Index{}
			s.Tables[1].Columns[0].Type.Custom = []schema.CustomType{}
		}, true},
		{"a column's default counts", func(s *schema.Schema) { s.Tables[1].Columns[1].Default = "''" }, false},
		{"a column's name counts", func(s *schema.Schema) { s.Tables[1].Columns[1].Name = "mail" }, false},
		{"the order of an index's columns counts", func(s *schema.Schema) {
			s.Tables[1].Indexes[0].Columns = []string{"id", "email"}
		}, false},
		{"the order of an enum's values counts", func(s *schema.Schema) { s.Enums[0].Values = []string{"angry", "calm"} }, false},
		{"a missing table counts", func(s *schema.Schema) { s.Tables = s.Tables[:1] }, false},
		{"a foreign key's action counts", func(s *schema.Schema) { s.Tables[0].ForeignKeys[0].OnDelete = schema.Cascade }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := base(), base()
			if a.Tables[0].Name != "posts" {
				t.Fatalf("tables out of the expected order: %s first", a.Tables[0].Name)
			}
			tc.change(b)
			before := b.Clone()
			if got := sameSchema(a, b); got != tc.same {
				t.Errorf("sameSchema = %v, want %v", got, tc.same)
			}
			if diff := cmp.Diff(before, b); diff != "" {
				t.Errorf("sameSchema changed its argument (-before +after):\n%s", diff)
			}
		})
	}
}

func TestSortTables(t *testing.T) {
	e := func(from, to, fk string) edge { return edge{from: from, to: to, table: from, fk: fk} }
	tests := []struct {
		name   string
		tables []string
		edges  []edge
		order  []string
		cut    []edge
	}{{
		name:   "tables without edges come in name order",
		tables: []string{"c", "a", "b"},
		order:  []string{"a", "b", "c"},
	}, {
		name:   "an edge puts its from table first, and the rest by name",
		tables: []string{"a", "b", "c"},
		edges:  []edge{e("c", "a", "c_a")},
		order:  []string{"b", "c", "a"},
	}, {
		name:   "a chain comes in its order",
		tables: []string{"a", "b", "c", "d"},
		edges:  []edge{e("d", "c", "d_c"), e("c", "b", "c_b"), e("b", "a", "b_a")},
		order:  []string{"d", "c", "b", "a"},
	}, {
		name:   "a cycle of two loses the edge back to the first table by name",
		tables: []string{"a", "b"},
		edges:  []edge{e("a", "b", "a_b"), e("b", "a", "b_a")},
		order:  []string{"a", "b"},
		cut:    []edge{e("b", "a", "b_a")},
	}, {
		name:   "a cycle of three loses one edge",
		tables: []string{"a", "b", "c"},
		edges:  []edge{e("a", "b", "a_b"), e("b", "c", "b_c"), e("c", "a", "c_a")},
		order:  []string{"a", "b", "c"},
		cut:    []edge{e("c", "a", "c_a")},
	}, {
		name:   "two edges between the same tables in a cycle are both cut",
		tables: []string{"a", "b"},
		edges:  []edge{e("a", "b", "a_b"), e("b", "a", "b_a1"), e("b", "a", "b_a2")},
		order:  []string{"a", "b"},
		cut:    []edge{e("b", "a", "b_a1"), e("b", "a", "b_a2")},
	}, {
		name:   "a table hanging off a cycle keeps its edge",
		tables: []string{"a", "b", "c"},
		edges:  []edge{e("a", "b", "a_b"), e("b", "c", "b_c"), e("c", "b", "c_b")},
		order:  []string{"a", "b", "c"},
		cut:    []edge{e("c", "b", "c_b")},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order, cut := sortTables(tc.tables, tc.edges)
			if diff := cmp.Diff(tc.order, order); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.cut, cut, cmp.AllowUnexported(edge{})); diff != "" {
				t.Errorf("cut (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGuardedReturnsOnlyDestructiveChanges(t *testing.T) {
	drop := guarded(dropTable("posts"), "drops table posts and all its rows")
	plan := &Plan{Up: changes(createTable(users()), drop, schema.AddColumn{Table: "users", Column: null(col("bio", Text))})}
	if diff := cmp.Diff([]Change{drop}, plan.Guarded(), cmpOpts...); diff != "" {
		t.Errorf("Guarded() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]schema.Operation{createTable(users()), dropTable("posts"),
		schema.AddColumn{Table: "users", Column: null(col("bio", Text))}}, plan.Ops(), cmpOpts...); diff != "" {
		t.Errorf("Ops() (-want +got):\n%s", diff)
	}
	if (&Plan{}).Guarded() != nil || (&Plan{}).Ops() != nil || !(&Plan{}).Empty() || plan.Empty() {
		t.Error("an empty plan must have no guarded changes or operations and be Empty, and only it")
	}
}
