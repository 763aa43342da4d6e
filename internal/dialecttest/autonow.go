// Package dialecttest holds the test cases every dialect must pass, so
// that the tests of each dialect package run the very same cases.
package dialecttest

import "github.com/strata-go/strata/runtime/schema"

// Case is a change to a schema and its undoing: Setup builds the schema,
// Ops change it and Down undoes Ops.
type Case struct {
	Name       string
	Setup, Ops []schema.Operation
	Down       []schema.Operation
}

// AutoNowPosts returns a table with one auto_now column, a timestamp column
// that is not one, and a column n that tests update to touch a row.
func AutoNowPosts() schema.CreateTable { return posts }

// AutoNowCases returns the cases that change the auto_now columns of a
// schema: each dialect proves its triggers follow them.
func AutoNowCases() []Case { return autoNowCases }

var (
	bigint  = schema.Type{Kind: schema.Int64}
	integer = schema.Type{Kind: schema.Int32}
	stamp   = schema.Type{Kind: schema.Timestamp}
)

// posts has one auto_now column and a timestamp column that is not one;
// n is the column the tests update to touch a row.
var posts = schema.CreateTable{Table: schema.Table{
	Name: "posts",
	Columns: []schema.Column{
		{Name: "id", Type: bigint, Identity: true},
		{Name: "n", Type: integer, Default: "0"},
		{Name: "created_at", Type: stamp, Default: "CURRENT_TIMESTAMP"},
		{Name: "updated_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
	},
	PrimaryKey: []string{"id"},
}}

// pairs has a composite key and two auto_now columns.
var pairs = schema.CreateTable{Table: schema.Table{
	Name: "pairs",
	Columns: []schema.Column{
		{Name: "a", Type: bigint, Default: "1"},
		{Name: "b", Type: bigint, Default: "2"},
		{Name: "n", Type: integer, Default: "0"},
		{Name: "touched_at", Type: stamp, Nullable: true, AutoNow: true},
		{Name: "seen_at", Type: stamp, Nullable: true, AutoNow: true},
	},
	PrimaryKey: []string{"a", "b"},
}}

// withoutAutoNow returns table with AutoNow off on column.
func withoutAutoNow(table schema.CreateTable, column string) schema.CreateTable {
	table.Table = table.Table.Clone()
	table.Table.Column(column).AutoNow = false
	return table
}

// withoutColumn returns table without column.
func withoutColumn(table schema.CreateTable, column string) schema.CreateTable {
	table.Table = table.Table.Clone()
	for i, c := range table.Table.Columns {
		if c.Name == column {
			table.Table.Columns = append(table.Table.Columns[:i], table.Table.Columns[i+1:]...)
			break
		}
	}
	return table
}

var (
	updatedAt = schema.Column{Name: "updated_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true}
	seenAt    = schema.Column{Name: "seen_at", Type: stamp, Nullable: true, AutoNow: true}
	longName  = "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over"
)

var autoNowCases = []Case{
	{
		Name: "create table with auto_now columns creates the trigger of each table",
		Ops:  []schema.Operation{posts, pairs},
		Down: []schema.Operation{schema.DropTable{Name: "pairs"}, schema.DropTable{Name: "posts"}},
	},
	{
		Name:  "add column of auto_now columns creates the trigger, or replaces its function",
		Setup: []schema.Operation{withoutColumn(posts, "updated_at"), withoutColumn(pairs, "seen_at")},
		Ops: []schema.Operation{
			schema.AddColumn{Table: "posts", Column: updatedAt},
			schema.AddColumn{Table: "pairs", Column: seenAt},
		},
		Down: []schema.Operation{
			schema.DropColumn{Table: "pairs", Column: "seen_at"},
			schema.DropColumn{Table: "posts", Column: "updated_at"},
		},
	},
	{
		Name:  "alter column turns auto_now on and back off",
		Setup: []schema.Operation{withoutAutoNow(posts, "updated_at")},
		Ops:   []schema.Operation{schema.AlterColumn{Table: "posts", Column: updatedAt}},
		Down:  []schema.Operation{schema.AlterColumn{Table: "posts", Column: withoutAutoNow(posts, "updated_at").Table.Columns[3]}},
	},
	{
		Name:  "alter column turns one auto_now column of two off and back on",
		Setup: []schema.Operation{pairs},
		Ops:   []schema.Operation{schema.AlterColumn{Table: "pairs", Column: withoutAutoNow(pairs, "touched_at").Table.Columns[3]}},
		Down:  []schema.Operation{schema.AlterColumn{Table: "pairs", Column: pairs.Table.Columns[3]}},
	},
	{
		Name:  "alter column of another column keeps the trigger as it is",
		Setup: []schema.Operation{posts},
		Ops:   []schema.Operation{schema.AlterColumn{Table: "posts", Column: schema.Column{Name: "n", Type: bigint, Default: "1"}}},
		Down:  []schema.Operation{schema.AlterColumn{Table: "posts", Column: posts.Table.Columns[1]}},
	},
	{
		Name:  "rename table moves the trigger to the new name and back",
		Setup: []schema.Operation{posts},
		Ops:   []schema.Operation{schema.RenameTable{From: "posts", To: "articles"}},
		Down:  []schema.Operation{schema.RenameTable{From: "articles", To: "posts"}},
	},
	{
		Name:  "rename column moves the trigger to the new name and back",
		Setup: []schema.Operation{posts, pairs},
		Ops: []schema.Operation{
			schema.RenameColumn{Table: "posts", From: "updated_at", To: "modified_at"},
			schema.RenameColumn{Table: "pairs", From: "a", To: "first"},
		},
		Down: []schema.Operation{
			schema.RenameColumn{Table: "pairs", From: "first", To: "a"},
			schema.RenameColumn{Table: "posts", From: "modified_at", To: "updated_at"},
		},
	},
	{
		Name:  "drop column drops the trigger with the last auto_now column",
		Setup: []schema.Operation{posts, pairs},
		Ops: []schema.Operation{
			schema.DropColumn{Table: "pairs", Column: "seen_at"},
			schema.DropColumn{Table: "posts", Column: "updated_at"},
		},
		Down: []schema.Operation{
			schema.AddColumn{Table: "posts", Column: updatedAt},
			schema.AddColumn{Table: "pairs", Column: seenAt},
		},
	},
	{
		Name:  "drop table drops the trigger and its function",
		Setup: []schema.Operation{posts},
		Ops:   []schema.Operation{schema.DropTable{Name: "posts"}},
		Down:  []schema.Operation{posts},
	},
	{
		Name: "a long table name gives the trigger a cut name",
		Ops: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name:    longName,
			Columns: []schema.Column{{Name: "n", Type: integer, Default: "0"}, updatedAt},
		}}},
		Down: []schema.Operation{schema.DropTable{Name: longName}},
	},
}
