package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Shorthands for the types the tests use most.
var (
	bigint  = schema.Type{Kind: schema.Int64}
	integer = schema.Type{Kind: schema.Int32}
	text    = schema.Type{Kind: schema.Text}
	stamp   = schema.Type{Kind: schema.Timestamp}
)

func varchar(n int) schema.Type { return schema.Type{Kind: schema.Text, Size: n} }
func enum(name string) schema.Type {
	return schema.Type{Kind: schema.EnumKind, Enum: name}
}

// orgs is a small table most cases start from.
var orgs = schema.CreateTable{Table: schema.Table{
	Name: "orgs",
	Columns: []schema.Column{
		{Name: "id", Type: bigint, Identity: true},
		{Name: "name", Type: varchar(200)},
	},
	PrimaryKey: []string{"id"},
}}

var statusEnum = schema.CreateEnum{Enum: schema.Enum{Name: "status", Values: []string{"active", "banned"}}}

// people is a table with a foreign key to orgs and an index.
var people = schema.CreateTable{Table: schema.Table{
	Name: "people",
	Columns: []schema.Column{
		{Name: "id", Type: bigint, Identity: true},
		{Name: "org_id", Type: bigint},
		{Name: "email", Type: varchar(320)},
		{Name: "nickname", Type: text, Nullable: true},
	},
	PrimaryKey:  []string{"id"},
	Indexes:     []schema.Index{{Name: "people_org_id_idx", Columns: []string{"org_id"}}},
	Uniques:     []schema.Unique{{Name: "people_email_key", Columns: []string{"email"}}},
	ForeignKeys: []schema.ForeignKey{{Name: "people_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}}},
}}

// notes has a check and a partial index, on columns other than draft.
var notes = schema.CreateTable{Table: schema.Table{
	Name: "notes",
	Columns: []schema.Column{
		{Name: "body", Type: text},
		{Name: "draft", Type: schema.Type{Kind: schema.Bool}, Default: "true"},
		{Name: "Title", Type: text, Nullable: true},
	},
	Indexes: []schema.Index{{Name: "notes_title_idx", Columns: []string{"Title"}, Where: `"Title" <> 'draft'`}},
	Checks:  []schema.Check{{Name: "notes_body_check", Expr: "(body <> 'draft') AND (body <> '\"draft\"')"}},
}}

// renderCases cover every kind of operation. Each renders ops against the
// schema setup leaves, compares the SQL with its golden file, runs setup and
// ops on a fresh database and checks that Inspect reads back the schema
// the operations describe.
var renderCases = []struct {
	name  string
	setup []schema.Operation
	ops   []schema.Operation
}{
	{
		name:  "create table declares columns, key, uniques, checks and foreign keys, then its indexes",
		setup: []schema.Operation{statusEnum, orgs},
		ops: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "users",
			Columns: []schema.Column{
				{Name: "id", Type: bigint, Identity: true},
				{Name: "email", Type: varchar(320)},
				{Name: "bio", Type: text, Nullable: true},
				{Name: "org_id", Type: bigint},
				{Name: "status", Type: enum("status"), Default: "'active'"},
				{Name: "age", Type: schema.Type{Kind: schema.Int16}, Default: "0"},
				{Name: "created_at", Type: stamp, Default: "CURRENT_TIMESTAMP"},
				{Name: "deleted_at", Type: stamp, Nullable: true},
			},
			PrimaryKey: []string{"id"},
			Indexes: []schema.Index{
				{Name: "users_org_status", Columns: []string{"org_id", "status"}, Where: "deleted_at IS NULL"},
				{Name: "users_email_lower", Columns: []string{"email"}, Unique: true},
			},
			Uniques: []schema.Unique{{Name: "users_email_key", Columns: []string{"email"}}},
			ForeignKeys: []schema.ForeignKey{{
				Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"},
				OnDelete: schema.Cascade, OnUpdate: schema.Restrict,
			}},
			Checks: []schema.Check{{Name: "users_age_check", Expr: "age >= 0"}},
		}}},
	},
	{
		name: "create table with a composite primary key and custom types",
		ops: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "prices",
			Columns: []schema.Column{
				{Name: "sku", Type: varchar(40)},
				{Name: "currency", Type: schema.Type{Kind: schema.Text, Custom: []schema.CustomType{{SQL: "char(3)"}}}},
				{Name: "amount", Type: schema.Type{Kind: schema.Float64, Custom: []schema.CustomType{{SQL: "numeric(10, 2)"}}}},
				{Name: "tags", Type: schema.Type{Kind: schema.JSON, Custom: []schema.CustomType{
					{Dialect: "postgres", SQL: "text[]"}, {Dialect: "sqlite", SQL: "TEXT"},
				}}, Default: "'{}'"},
			},
			PrimaryKey: []string{"sku", "currency"},
		}}},
	},
	{
		name: "create table with a foreign key to itself",
		ops: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "categories",
			Columns: []schema.Column{
				{Name: "id", Type: integer, Identity: true},
				{Name: "parent_id", Type: integer, Nullable: true},
			},
			PrimaryKey: []string{"id"},
			ForeignKeys: []schema.ForeignKey{{
				Name: "categories_parent_id_fkey", Columns: []string{"parent_id"}, RefTable: "categories",
				RefColumns: []string{"id"}, OnDelete: schema.SetNull,
			}},
		}}},
	},
	{
		name: "create table without a primary key or any column",
		ops:  []schema.Operation{schema.CreateTable{Table: schema.Table{Name: "nothing"}}},
	},
	{
		name:  "drop table drops it with its indexes and constraints",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.DropTable{Name: "people"}},
	},
	{
		name:  "add column appends columns of every kind",
		setup: []schema.Operation{statusEnum, orgs},
		ops: []schema.Operation{
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "bio", Type: text, Nullable: true}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "plan", Type: varchar(20), Default: "'free'"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "status", Type: enum("status"), Default: "'active'"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "verified", Type: schema.Type{Kind: schema.Bool}, Default: "false"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "logo", Type: schema.Type{Kind: schema.Bytes}, Nullable: true}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "settings", Type: schema.Type{Kind: schema.JSON}, Default: "'{}'"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "key", Type: schema.Type{Kind: schema.UUID}, Default: "gen_random_uuid()"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "score", Type: schema.Type{Kind: schema.Float32}, Default: "-1.5"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "rank", Type: schema.Type{Kind: schema.Float64}, Nullable: true}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "seats", Type: integer, Default: "-1"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "updated_at", Type: stamp, Default: "now()", AutoNow: true}},
		},
	},
	{
		name:  "drop column removes one column and keeps the order of the others",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.DropColumn{Table: "people", Column: "nickname"}},
	},
	{
		name:  "drop column keeps checks and predicates that name it only in a string",
		setup: []schema.Operation{notes},
		ops:   []schema.Operation{schema.DropColumn{Table: "notes", Column: "draft"}},
	},
	{
		name:  "create index on several columns, unique and partial",
		setup: []schema.Operation{orgs, people},
		ops: []schema.Operation{
			schema.CreateIndex{Table: "people", Index: schema.Index{Name: "people_nickname_org_id_idx", Columns: []string{"nickname", "org_id"}}},
			schema.CreateIndex{Table: "people", Index: schema.Index{
				Name: "people_org_nickname_key", Columns: []string{"org_id", "nickname"}, Unique: true, Where: "nickname IS NOT NULL",
			}},
		},
	},
	{
		name:  "drop index drops it by name",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.DropIndex{Table: "people", Name: "people_org_id_idx"}},
	},
	{
		name:  "add unique adds a constraint over several columns",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.AddUnique{Table: "people", Unique: schema.Unique{Name: "people_org_nickname_key", Columns: []string{"org_id", "nickname"}}}},
	},
	{
		name:  "drop unique drops the constraint",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.DropUnique{Table: "people", Name: "people_email_key"}},
	},
	{
		name:  "add foreign key with both actions, across a cycle of tables",
		setup: []schema.Operation{orgs, people},
		ops: []schema.Operation{
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "owner_id", Type: bigint, Nullable: true}},
			schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{
				Name: "orgs_owner_id_fkey", Columns: []string{"owner_id"}, RefTable: "people", RefColumns: []string{"id"},
				OnDelete: schema.SetNull, OnUpdate: schema.Cascade,
			}},
		},
	},
	{
		name:  "drop foreign key drops the constraint",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.DropForeignKey{Table: "people", Name: "people_org_id_fkey"}},
	},
	{
		name: "create enum quotes its name and values",
		ops:  []schema.Operation{schema.CreateEnum{Enum: schema.Enum{Name: "Mood", Values: []string{"happy", "it's complicated"}}}},
	},
	{
		name:  "drop enum drops the type",
		setup: []schema.Operation{statusEnum},
		ops:   []schema.Operation{schema.DropEnum{Name: "status"}},
	},
	{
		name:  "run SQL runs the PostgreSQL text, or nothing when there is none",
		setup: []schema.Operation{orgs},
		ops: []schema.Operation{
			schema.RunSQL{SQL: "SELECT 1", Postgres: `COMMENT ON TABLE "orgs" IS 'organisations'`},
			schema.RunSQL{SQLite: "VACUUM"},
			schema.RunSQL{SQL: `INSERT INTO "orgs" ("name") VALUES ('acme')`},
		},
	},
}

func TestRenderEachOperation(t *testing.T) {
	server := testdb.PostgresURL(t)
	for _, tc := range renderCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := applied(t, &schema.Schema{}, tc.setup)
			steps, err := postgres.Dialect{}.Render(before, tc.ops)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			golden(t, filepath.Join("testdata", "render", slug(tc.name)+".sql"), script(steps, tc.ops))

			db := freshSchema(t, server)
			run(t, db, render(t, &schema.Schema{}, tc.setup))
			run(t, db, steps)
			assertLive(t, db, applied(t, before, tc.ops))
		})
	}
}

func TestRenderRunsGoStepsInOrder(t *testing.T) {
	var ran []string
	step := func(name string) schema.RunGo {
		return schema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error {
			ran = append(ran, name)
			_, err := tx.ExecContext(ctx, `INSERT INTO "orgs" ("name") VALUES ('`+name+`')`)
			return err
		}}
	}
	ops := []schema.Operation{orgs, step("first"), schema.RunSQL{SQLite: "VACUUM"}, step("second")}
	steps := render(t, &schema.Schema{}, ops)
	var got []string
	for _, s := range steps {
		kind := "SQL"
		if s.Go != nil {
			kind = "Go"
		}
		got = append(got, fmt.Sprintf("%d %s", s.Op, kind))
	}
	if diff := cmp.Diff([]string{"0 SQL", "1 Go", "3 Go"}, got); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}

	db := testdb.Postgres(t)
	run(t, db, steps)
	var names []string
	rows, err := db.QueryContext(context.Background(), `SELECT "name" FROM "orgs" ORDER BY "id"`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"first", "second"}, names); diff != "" {
		t.Errorf("rows the Go steps inserted (-want +got):\n%s", diff)
	}
}

func TestRenderRefusesWhatDoesNotFit(t *testing.T) {
	long := strings.Repeat("x", 64)
	column := func(c schema.Column) schema.Operation { return schema.AddColumn{Table: "orgs", Column: c} }
	cases := []struct {
		name    string
		setup   []schema.Operation
		ops     []schema.Operation
		want    string
		notFits bool
	}{
		{"dropping a table that does not exist", nil, []schema.Operation{schema.DropTable{Name: "ghosts"}},
			"postgres: operation 1 (drop table ghosts): ", true},
		{"an operation later in the list that does not fit", []schema.Operation{orgs},
			[]schema.Operation{schema.DropColumn{Table: "orgs", Column: "name"}, schema.DropColumn{Table: "orgs", Column: "name"}},
			"postgres: operation 2 (drop column orgs.name): ", true},
		{"dropping a column a foreign key still uses", []schema.Operation{orgs, people},
			[]schema.Operation{schema.DropColumn{Table: "people", Column: "org_id"}}, "column people.org_id is still used by", true},
		{"dropping a column a check uses", []schema.Operation{notes},
			[]schema.Operation{schema.DropColumn{Table: "notes", Column: "body"}}, "column notes.body is still used by check notes_body_check", false},
		{"dropping a column an index predicate uses", []schema.Operation{notes},
			[]schema.Operation{schema.DropColumn{Table: "notes", Column: "Title"}}, "column notes.Title is still used by", true},
		{"dropping a column an index predicate uses quoted", []schema.Operation{notes,
			schema.CreateIndex{Table: "notes", Index: schema.Index{Name: "notes_body_idx", Columns: []string{"body"}, Where: `"Title" IS NULL`}},
			schema.DropIndex{Table: "notes", Name: "notes_title_idx"}},
			[]schema.Operation{schema.DropColumn{Table: "notes", Column: "Title"}}, "column notes.Title is still used by the predicate of index notes_body_idx", false},
		{"a foreign key to a table created later", nil,
			[]schema.Operation{people, orgs}, "references table orgs, which does not exist", false},
		{"a foreign key to columns that are not a key", []schema.Operation{orgs},
			[]schema.Operation{schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{
				Name: "orgs_name_fkey", Columns: []string{"name"}, RefTable: "orgs", RefColumns: []string{"name"},
			}}}, `references orgs("name"), which is neither its primary key nor unique`, false},
		{"a foreign key with an unknown action", []schema.Operation{orgs},
			[]schema.Operation{schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{
				Name: "orgs_id_fkey", Columns: []string{"id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: "explode",
			}}}, `unknown action "explode"`, false},
		{"dropping a table another table references", []schema.Operation{orgs, people},
			[]schema.Operation{schema.DropTable{Name: "orgs"}}, "foreign key people_org_id_fkey of table people would lose its target", false},
		{"dropping the unique constraint a foreign key relies on",
			[]schema.Operation{orgs, schema.AddUnique{Table: "orgs", Unique: schema.Unique{Name: "orgs_name_key", Columns: []string{"name"}}},
				schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "parent", Type: varchar(200), Nullable: true}},
				schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{Name: "orgs_parent_fkey", Columns: []string{"parent"}, RefTable: "orgs", RefColumns: []string{"name"}}}},
			[]schema.Operation{schema.DropUnique{Table: "orgs", Name: "orgs_name_key"}}, "orgs_parent_fkey of table orgs would lose its target", false},
		{"an identity column that is not an integer", []schema.Operation{orgs},
			[]schema.Operation{column(schema.Column{Name: "code", Type: text, Identity: true})}, "an identity column must be an integer, not text", false},
		{"a nullable identity column", []schema.Operation{orgs},
			[]schema.Operation{column(schema.Column{Name: "n", Type: bigint, Identity: true, Nullable: true})}, "an identity column cannot be nullable", false},
		{"an identity column with a default", []schema.Operation{orgs},
			[]schema.Operation{column(schema.Column{Name: "n", Type: bigint, Identity: true, Default: "1"})}, "an identity column cannot have a default", false},
		{"a column of an enum type that does not exist", []schema.Operation{orgs},
			[]schema.Operation{column(schema.Column{Name: "status", Type: enum("status")})}, "column orgs.status: no enum type status", false},
		{"a column of an unknown kind", []schema.Operation{orgs},
			[]schema.Operation{column(schema.Column{Name: "odd", Type: schema.Type{Kind: "decimal"}})}, `unknown column kind "decimal"`, false},
		{"a nullable primary key column", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "id", Type: bigint, Nullable: true}}, PrimaryKey: []string{"id"}}}},
			"primary key column t.id is nullable", false},
		{"a primary key on a missing column", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "id", Type: bigint}}, PrimaryKey: []string{"ident"}}}},
			"primary key: table t has no column ident", false},
		{"a column declared twice", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "id", Type: bigint}, {Name: "id", Type: text}}}}},
			"column t.id is declared twice", false},
		{"an index of a new table on a missing column", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "id", Type: bigint}},
				Indexes: []schema.Index{{Name: "t_x_idx", Columns: []string{"x"}}}}}},
			"index t_x_idx: table t has no column x", false},
		{"a name longer than PostgreSQL keeps", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: long}}}, "is 64 bytes long, over PostgreSQL's limit of 63", false},
		{"an index named like a table", []schema.Operation{orgs, people},
			[]schema.Operation{schema.CreateIndex{Table: "people", Index: schema.Index{Name: "orgs", Columns: []string{"email"}}}},
			"name orgs is taken by another table or index", false},
		{"an enum with a value listed twice", nil,
			[]schema.Operation{schema.CreateEnum{Enum: schema.Enum{Name: "e", Values: []string{"a", "a"}}}}, `value "a" is listed twice`, false},
		{"renaming a table onto another table", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameTable{From: "orgs", To: "people"}}, "table people exists already", true},
		{"renaming a table onto the name of an index", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameTable{From: "orgs", To: "people_org_id_idx"}}, "name people_org_id_idx is taken by another table or index", false},
		{"renaming a table onto the name of an enum", []schema.Operation{statusEnum, orgs},
			[]schema.Operation{schema.RenameTable{From: "orgs", To: "status"}}, "name status is taken by an enum type", false},
		{"renaming a table whose primary key's new name is taken", []schema.Operation{orgs, people,
			schema.CreateIndex{Table: "people", Index: schema.Index{Name: "teams_pkey", Columns: []string{"email"}}}},
			[]schema.Operation{schema.RenameTable{From: "orgs", To: "teams"}}, "name teams_pkey is taken by another table or index", false},
		{"renaming a column onto another column", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameColumn{Table: "people", From: "nickname", To: "email"}}, "column people.email exists already", true},
		{"renaming a column to a name longer than PostgreSQL keeps", []schema.Operation{orgs},
			[]schema.Operation{schema.RenameColumn{Table: "orgs", From: "name", To: long}}, "is 64 bytes long", false},
		{"renaming a column a check uses", []schema.Operation{notes},
			[]schema.Operation{schema.RenameColumn{Table: "notes", From: "body", To: "text"}},
			"column notes.body is used by check notes_body_check, whose SQL strata does not rewrite: drop it before the rename and add it back after, naming text", false},
		{"renaming a column an index predicate uses", []schema.Operation{notes},
			[]schema.Operation{schema.RenameColumn{Table: "notes", From: "Title", To: "Heading"}}, "column notes.Title is used by the predicate of index notes_title_idx", false},
		{"renaming an index onto the name of a table", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameIndex{Table: "people", From: "people_org_id_idx", To: "orgs"}}, "name orgs is taken by another table or index", false},
		{"renaming an index that does not exist", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameIndex{Table: "people", From: "people_ghost_idx", To: "people_spirit_idx"}}, "no index people_ghost_idx on people to rename", true},
		{"renaming a foreign key onto the name of a unique constraint", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameConstraint{Table: "people", From: "people_org_id_fkey", To: "people_email_key"}},
			"name people_email_key is taken by another constraint of table people", false},
		{"renaming a unique constraint onto the primary key's name", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameConstraint{Table: "people", From: "people_email_key", To: "people_pkey"}},
			"name people_pkey is taken by another constraint of table people", false},
		{"renaming a unique constraint onto the name of a table", []schema.Operation{orgs, people},
			[]schema.Operation{schema.RenameConstraint{Table: "people", From: "people_email_key", To: "orgs"}}, "name orgs is taken by another table or index", false},
		{"adding a check named like a foreign key", []schema.Operation{orgs, people},
			[]schema.Operation{schema.AddCheck{Table: "people", Check: schema.Check{Name: "people_org_id_fkey", Expr: "org_id > 0"}}},
			"name people_org_id_fkey is taken by another constraint of table people", false},
		{"dropping a check that does not exist", []schema.Operation{orgs},
			[]schema.Operation{schema.DropCheck{Table: "orgs", Name: "orgs_name_check"}}, "no check orgs_name_check on orgs to drop", true},
		{"altering a primary key column to nullable", []schema.Operation{orgs},
			[]schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "id", Type: bigint, Nullable: true}}},
			"primary key column orgs.id is nullable", false},
		{"altering a text column to an identity", []schema.Operation{orgs},
			[]schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: varchar(200), Identity: true}}},
			"column orgs.name: an identity column must be an integer, not text", false},
		{"altering a column to an identity that keeps its default", []schema.Operation{orgs,
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "rank", Type: integer, Default: "0"}}},
			[]schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "rank", Type: integer, Default: "0", Identity: true}}},
			"column orgs.rank: an identity column cannot have a default", false},
		{"altering a column that does not exist", []schema.Operation{orgs},
			[]schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "ghost", Type: text}}}, "no column orgs.ghost to alter", true},
		{"altering a column to an unknown kind", []schema.Operation{orgs},
			[]schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: schema.Type{Kind: "decimal"}}}},
			`column name: unknown column kind "decimal"`, false},
		{"moving a primary key a foreign key still references", []schema.Operation{orgs, people},
			[]schema.Operation{schema.AlterPrimaryKey{Table: "orgs", Old: []string{"id"}, New: []string{"name"}}},
			"foreign key people_org_id_fkey of table people would lose its target", false},
		{"moving a primary key from columns it does not have", []schema.Operation{orgs},
			[]schema.Operation{schema.AlterPrimaryKey{Table: "orgs", Old: []string{"name"}, New: []string{"id"}}},
			"the primary key of orgs is (id), not (name)", true},
		{"moving a primary key to a nullable column", []schema.Operation{orgs, people},
			[]schema.Operation{schema.AlterPrimaryKey{Table: "people", Old: []string{"id"}, New: []string{"nickname"}}},
			"column people.nickname is NULL-able", true},
		{"giving a table a primary key whose name an index takes", []schema.Operation{notes,
			schema.CreateIndex{Table: "notes", Index: schema.Index{Name: "notes_pkey", Columns: []string{"body"}}}},
			[]schema.Operation{schema.AlterPrimaryKey{Table: "notes", New: []string{"body"}}},
			"name notes_pkey is taken by another table or index", false},
		{"a Go step without a function", nil, []schema.Operation{schema.RunGo{}}, "postgres: operation 1 (run Go): no function to run", false},
		{"a nil operation", nil, []schema.Operation{nil}, "postgres: operation 1 (nil): no operation", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := applied(t, &schema.Schema{}, tc.setup)
			steps, err := postgres.Dialect{}.Render(before, tc.ops)
			if err == nil {
				t.Fatalf("Render returned no error but %d steps:\n%s", len(steps), script(steps, tc.ops))
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "postgres: operation ") {
				t.Errorf("error = %q, want one starting with the operation and containing %q", err, tc.want)
			}
			if got := errors.Is(err, schema.ErrNotFit); got != tc.notFits {
				t.Errorf("errors.Is(err, schema.ErrNotFit) = %v, want %v", got, tc.notFits)
			}
			if steps != nil {
				t.Errorf("Render returned steps with its error: %v", steps)
			}
		})
	}
}

func TestRenderIsDeterministicAndLeavesBeforeAlone(t *testing.T) {
	before := applied(t, &schema.Schema{}, []schema.Operation{statusEnum, orgs})
	kept := before.Clone()
	// The same table with its constraints and indexes listed in another
	// order must render the same.
	shuffled := people
	shuffled.Table = people.Table.Clone()
	shuffled.Table.Indexes = append(shuffled.Table.Indexes, schema.Index{Name: "a_first_idx", Columns: []string{"email"}})
	reversed := shuffled
	reversed.Table = shuffled.Table.Clone()
	reversed.Table.Indexes = []schema.Index{shuffled.Table.Indexes[1], shuffled.Table.Indexes[0]}
	ops := []schema.Operation{shuffled, schema.DropEnum{Name: "status"}}
	first := script(render(t, before, ops), ops)
	for range 5 {
		if again := script(render(t, before, []schema.Operation{reversed, schema.DropEnum{Name: "status"}}), ops); again != first {
			t.Fatalf("a second rendering differs (-first +again):\n%s", cmp.Diff(first, again))
		}
	}
	if diff := cmp.Diff(kept, before); diff != "" {
		t.Errorf("Render changed before (-was +now):\n%s", diff)
	}
}

func TestRenderTakesNilAsTheEmptySchema(t *testing.T) {
	ops := []schema.Operation{statusEnum, orgs, people}
	fromNil, err := postgres.Dialect{}.Render(nil, ops)
	if err != nil {
		t.Fatalf("Render(nil, ...): %v", err)
	}
	if diff := cmp.Diff(script(render(t, &schema.Schema{}, ops), ops), script(fromNil, ops)); diff != "" {
		t.Errorf("(-from empty +from nil):\n%s", diff)
	}
}

func TestQuoteIdentAlwaysQuotes(t *testing.T) {
	cases := map[string]string{
		"users":       `"users"`,
		"Users":       `"Users"`,
		"select":      `"select"`,
		`say "hi"`:    `"say ""hi"""`,
		"with space":  `"with space"`,
		"":            `""`,
		`"`:           `""""`,
		"café_naïve":  `"café_naïve"`,
		"strata_seen": `"strata_seen"`,
	}
	for in, want := range cases {
		if got := (postgres.Dialect{}).QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestNameIsPostgres(t *testing.T) {
	if got := (postgres.Dialect{}).Name(); got != "postgres" {
		t.Errorf("Name() = %q, want postgres", got)
	}
}

// applied returns a copy of s with ops applied.
func applied(t *testing.T, s *schema.Schema, ops []schema.Operation) *schema.Schema {
	t.Helper()
	s = s.Clone()
	if err := s.ApplyAll(ops); err != nil {
		t.Fatal(err)
	}
	return s
}

func render(t *testing.T, before *schema.Schema, ops []schema.Operation) []dialect.Step {
	t.Helper()
	steps, err := postgres.Dialect{}.Render(before, ops)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return steps
}

// run carries out steps as a migration does (see runParts).
func run(t *testing.T, db *sql.DB, steps []dialect.Step) {
	t.Helper()
	if err := runParts(db, steps); err != nil {
		t.Fatal(err)
	}
}

// runParts carries out steps as the runtime does (see
// dialecttest.RunParts).
func runParts(db *sql.DB, steps []dialect.Step) error {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	return dialecttest.RunParts(ctx, conn, postgres.Dialect{}, steps)
}

var schemas atomic.Int64

// freshSchema creates a new schema in the database at url and opens that
// database with the schema as its only search path, so that everything the
// test creates goes there and Inspect reads it alone. A schema per case
// keeps the tests fast where a database per case would not, and proves that
// Inspect reads the current schema, whichever it is.
func freshSchema(t *testing.T, url string) *sql.DB {
	t.Helper()
	name := fmt.Sprintf("case_%d", schemas.Add(1))
	separator := "?"
	if strings.Contains(url, "?") {
		separator = "&"
	}
	db, err := sql.Open("pgx", url+separator+"search_path="+name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	return db
}

// assertLive checks that the database holds the schema want.
func assertLive(t *testing.T, db *sql.DB, want *schema.Schema) {
	t.Helper()
	got, err := postgres.Inspect(context.Background(), db)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	if diff := cmp.Diff(postgres.Comparable(want), got); diff != "" {
		t.Errorf("the live schema differs from the operations' (-want +got):\n%s", diff)
	}
}

// script prints steps the way a reviewer reads them: each statement after a
// comment naming its operation.
func script(steps []dialect.Step, ops []schema.Operation) string {
	var b strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&b, "-- operation %d: %s\n", s.Op+1, ops[s.Op])
		if s.Go != nil {
			b.WriteString("-- (a Go function)\n\n")
			continue
		}
		switch {
		case s.Outside:
			b.WriteString("-- outside a transaction\n")
		case s.Apart:
			b.WriteString("-- in a transaction of its own\n")
		case s.Repeat:
			b.WriteString("-- repeated, a transaction each time, until it changes no row\n")
		}
		if s.Locks != "" {
			b.WriteString("-- locks " + s.Locks + "\n")
		}
		if s.Lint != "" {
			b.WriteString("-- " + s.Lint + "\n")
		}
		b.WriteString(s.SQL + ";\n\n")
	}
	return b.String()
}

// slug turns a test name into a file name: lower case, with a _ for each
// run of other characters than letters and digits.
func slug(name string) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(name), "_"), "_")
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// golden compares got with the file at path, or rewrites the file under
// -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestRenderInPlaceLeavesWhatApplyAllLeaves(t *testing.T) {
	dialecttest.RenderInPlaceLeavesWhatApplyAllLeaves(t, postgres.Dialect{})
}
