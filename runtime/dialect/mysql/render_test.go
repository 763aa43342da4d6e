package mysql_test

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
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/mysql"
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

// people is a table with a foreign key to orgs, whose index is
// people_org_id_idx, and a unique constraint.
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

// notes has a check naming a column in double quotes, and one naming
// draft only in a string.
var notes = schema.CreateTable{Table: schema.Table{
	Name: "notes",
	Columns: []schema.Column{
		{Name: "body", Type: text},
		{Name: "draft", Type: schema.Type{Kind: schema.Bool}, Default: "true"},
		{Name: "Title", Type: text, Nullable: true},
	},
	Checks: []schema.Check{
		{Name: "notes_body_check", Expr: "(body <> 'draft') AND (body <> '\"draft\"')"},
		{Name: "notes_title_check", Expr: `"Title" <> 'draft' OR "Title" IS NULL`},
	},
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
		name:  "create table declares columns, key, uniques, indexes, checks and foreign keys in one statement",
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
				{Name: "users_org_status", Columns: []string{"org_id", "status"}},
				{Name: "users_bio_idx", Columns: []string{"bio"}},
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
				}}, Default: "'[]'"},
				{Name: "weight", Type: schema.Type{Kind: schema.Float64, Custom: []schema.CustomType{{Dialect: "mysql", SQL: "DECIMAL(8,3) UNSIGNED"}}}, Nullable: true},
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
		name:  "create table with checks that name columns in double quotes and in strings",
		setup: nil,
		ops:   []schema.Operation{notes},
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
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "key", Type: schema.Type{Kind: schema.UUID}, Default: "uuid()"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "score", Type: schema.Type{Kind: schema.Float32}, Default: "-1.5"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "rank", Type: schema.Type{Kind: schema.Float64}, Nullable: true}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "seats", Type: integer, Default: "-1"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "small", Type: schema.Type{Kind: schema.Int16}, Default: "7"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "updated_at", Type: stamp, Default: "now()", AutoNow: true}},
		},
	},
	{
		name:  "drop column removes one column and keeps the order of the others",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.DropColumn{Table: "people", Column: "nickname"}},
	},
	{
		name:  "drop column keeps checks that name it only in a string",
		setup: []schema.Operation{notes},
		ops:   []schema.Operation{schema.DropColumn{Table: "notes", Column: "draft"}},
	},
	{
		name:  "create index on several columns, and unique",
		setup: []schema.Operation{orgs, people},
		ops: []schema.Operation{
			schema.CreateIndex{Table: "people", Index: schema.Index{Name: "people_nickname_org_id_idx", Columns: []string{"nickname", "org_id"}}},
			schema.CreateIndex{Table: "people", Index: schema.Index{Name: "people_org_nickname_key", Columns: []string{"org_id", "nickname"}, Unique: true}},
		},
	},
	{
		name:  "drop index a foreign key relies on gives the key an index of its own",
		setup: []schema.Operation{orgs, people},
		ops:   []schema.Operation{schema.DropIndex{Table: "people", Name: "people_org_id_idx"}},
	},
	{
		name:  "drop index a foreign key relies on gives the key an index of its own beside a unique over TEXT, a hash no key can use",
		setup: []schema.Operation{orgs, people, schema.AddUnique{Table: "people", Unique: schema.Unique{Name: "people_org_nickname_key", Columns: []string{"org_id", "nickname"}}}},
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
		name:  "drop foreign key drops the constraint and the index InnoDB made for it",
		setup: []schema.Operation{orgs, people, schema.DropIndex{Table: "people", Name: "people_org_id_idx"}},
		ops:   []schema.Operation{schema.DropForeignKey{Table: "people", Name: "people_org_id_fkey"}},
	},
	{
		name: "create and drop enum render nothing: each column declares its values",
		ops: []schema.Operation{
			schema.CreateEnum{Enum: schema.Enum{Name: "Mood", Values: []string{"happy", "it's complicated"}}},
			schema.DropEnum{Name: "Mood"},
		},
	},
	{
		name:  "alter enum lists the new values on every column of it",
		setup: []schema.Operation{statusEnum, orgs, people, schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "status", Type: enum("status"), Default: "'active'"}}, schema.AddColumn{Table: "people", Column: schema.Column{Name: "status", Type: enum("status"), Nullable: true}}},
		ops:   []schema.Operation{schema.AlterEnum{Name: "status", Values: []string{"invited", "active", "banned", "it's gone"}}},
	},
	{
		name:  "rename enum value widens each column, moves its rows and narrows it",
		setup: []schema.Operation{statusEnum, orgs, schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "status", Type: enum("status"), Default: "'banned'"}}, schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "updated_at", Type: stamp, Nullable: true, AutoNow: true}}},
		ops:   []schema.Operation{schema.RenameEnumValue{Enum: "status", From: "banned", To: "blocked"}},
	},
	{
		name:  "alter column changes type, nullability with a backfill, default and identity in one statement",
		setup: []schema.Operation{orgs, people, schema.AddColumn{Table: "people", Column: schema.Column{Name: "seen_at", Type: stamp, Nullable: true, AutoNow: true}}},
		ops: []schema.Operation{
			schema.AlterColumn{Table: "people", Column: schema.Column{Name: "nickname", Type: varchar(100)}, Backfill: "'anonymous'"},
			schema.AlterColumn{Table: "people", Column: schema.Column{Name: "email", Type: text}},
			schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: varchar(200), Default: "'unnamed'"}},
			schema.AlterColumn{Table: "people", Column: schema.Column{Name: "seen_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: false}, Backfill: "CURRENT_TIMESTAMP"},
		},
	},
	{
		name:  "alter column that changes nothing MySQL declares renders nothing",
		setup: []schema.Operation{orgs},
		ops: []schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: schema.Type{Kind: schema.Text, Size: 200,
			Custom: []schema.CustomType{{Dialect: "postgres", SQL: "citext"}}}}}},
	},
	{
		name:  "renames of a table, a column, an index and constraints",
		setup: []schema.Operation{orgs, people, schema.AddCheck{Table: "people", Check: schema.Check{Name: "people_email_check", Expr: "email <> ''"}}},
		ops: []schema.Operation{
			schema.RenameTable{From: "orgs", To: "companies"},
			schema.RenameColumn{Table: "people", From: "org_id", To: "company_id"},
			schema.RenameIndex{Table: "people", From: "people_org_id_idx", To: "people_company_id_idx"},
			schema.RenameConstraint{Table: "people", From: "people_org_id_fkey", To: "people_company_id_fkey"},
			schema.RenameConstraint{Table: "people", From: "people_email_key", To: "people_mail_key"},
			schema.RenameConstraint{Table: "people", From: "people_email_check", To: "people_mail_check"},
		},
	},
	{
		name: "a JSON column renamed stays JSON, one altered to text is text",
		setup: []schema.Operation{orgs, schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "Settings", Type: schema.Type{Kind: schema.JSON}, Default: "'{}'"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "extra", Type: schema.Type{Kind: schema.JSON}, Nullable: true}}},
		ops: []schema.Operation{
			schema.RenameColumn{Table: "orgs", From: "Settings", To: "Prefs"},
			schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "extra", Type: text, Nullable: true}},
		},
	},
	{
		name:  "add and drop check",
		setup: []schema.Operation{orgs, people},
		ops: []schema.Operation{
			schema.AddCheck{Table: "people", Check: schema.Check{Name: "people_email_check", Expr: "email LIKE '%@%' AND org_id > 0"}},
			schema.AddCheck{Table: "orgs", Check: schema.Check{Name: "orgs_name_check", Expr: "name <> ''"}},
			schema.DropCheck{Table: "orgs", Name: "orgs_name_check"},
		},
	},
	{
		name: "alter column to and from text rebuilds the indexes over it, a prefix for a long one, in the same statement",
		setup: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "codes",
			Columns: []schema.Column{
				{Name: "id", Type: bigint},
				{Name: "n", Type: bigint},
				{Name: "m", Type: bigint},
			},
			PrimaryKey: []string{"id"},
			Indexes:    []schema.Index{{Name: "codes_n_idx", Columns: []string{"n", "id"}}},
			Uniques:    []schema.Unique{{Name: "codes_m_key", Columns: []string{"m"}}},
		}}},
		ops: []schema.Operation{
			schema.AlterColumn{Table: "codes", Column: schema.Column{Name: "n", Type: text}},
			schema.AlterColumn{Table: "codes", Column: schema.Column{Name: "m", Type: text}},
			schema.AlterColumn{Table: "codes", Column: schema.Column{Name: "n", Type: varchar(40)}},
		},
	},
	{
		name: "alter primary key grows the key, moves it and takes it away, in one statement each",
		setup: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "prices",
			Columns: []schema.Column{
				{Name: "sku", Type: varchar(40)},
				{Name: "currency", Type: varchar(3)},
				{Name: "code", Type: varchar(20)},
			},
			PrimaryKey: []string{"sku"},
		}}},
		ops: []schema.Operation{
			schema.AlterPrimaryKey{Table: "prices", Old: []string{"sku"}, New: []string{"sku", "currency"}},
			schema.AlterPrimaryKey{Table: "prices", Old: []string{"sku", "currency"}, New: []string{"code"}},
			schema.AlterPrimaryKey{Table: "prices", Old: []string{"code"}},
			schema.AlterPrimaryKey{Table: "prices", New: []string{"sku"}},
		},
	},
	{
		name:  "run SQL runs the text for every dialect, DDL outside a transaction",
		setup: []schema.Operation{orgs},
		ops: []schema.Operation{
			schema.RunSQL{SQL: `ALTER TABLE orgs COMMENT = 'organisations'`, Postgres: `COMMENT ON TABLE "orgs" IS 'organisations'`},
			schema.RunSQL{SQLite: "VACUUM"},
			schema.RunSQL{SQL: `DELETE FROM "orgs"`, MySQL: "INSERT INTO `orgs` (`name`) VALUES ('from the MySQL field')"},
			schema.RunSQL{SQL: `INSERT INTO "orgs" ("name") VALUES ('acme')`},
		},
	},
	{
		// A unique over a TEXT column is a hash (USING HASH), with which
		// MariaDB alters the table by copying it, and refuses to copy one
		// that renames a column a foreign key uses.
		name: "a column a foreign key uses renamed on a table with a hashed unique",
		setup: []schema.Operation{
			schema.CreateTable{Table: schema.Table{
				Name:       "teams",
				Columns:    []schema.Column{{Name: "id", Type: bigint}, {Name: "motto", Type: text}},
				PrimaryKey: []string{"id"},
				Uniques:    []schema.Unique{{Name: "teams_motto_key", Columns: []string{"motto"}}},
			}},
			schema.CreateTable{Table: schema.Table{
				Name: "players",
				Columns: []schema.Column{
					{Name: "id", Type: bigint}, {Name: "team_id", Type: bigint, Nullable: true},
					{Name: "mentor_id", Type: bigint, Nullable: true}, {Name: "bio", Type: text},
				},
				PrimaryKey: []string{"id"},
				Uniques:    []schema.Unique{{Name: "players_bio_key", Columns: []string{"bio"}}},
				ForeignKeys: []schema.ForeignKey{
					{Name: "players_team_id_fkey", Columns: []string{"team_id"}, RefTable: "teams", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
					{Name: "players_mentor_id_fkey", Columns: []string{"mentor_id"}, RefTable: "players", RefColumns: []string{"id"}},
				},
			}},
		},
		ops: []schema.Operation{
			schema.RenameColumn{Table: "players", From: "team_id", To: "squad_id"},
			schema.RenameColumn{Table: "players", From: "id", To: "player_no"},
			schema.RenameColumn{Table: "teams", From: "id", To: "team_no"},
		},
	},
}

func TestRenderEachOperation(t *testing.T) {
	for _, tc := range renderCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := applied(t, &schema.Schema{}, tc.setup)
			steps, err := mysql.Dialect{}.Render(before, tc.ops)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			golden(t, filepath.Join("testdata", "render", slug(tc.name)+".sql"), script(steps, tc.ops))

			db := testdb.MySQL(t)
			run(t, db, render(t, &schema.Schema{}, tc.setup))
			run(t, db, steps)
			assertLive(t, db, applied(t, before, tc.ops))
		})
	}
}

func TestEveryDDLStatementRunsOutsideATransaction(t *testing.T) {
	for _, tc := range renderCases {
		before := applied(t, &schema.Schema{}, tc.setup)
		for _, st := range render(t, before, tc.ops) {
			dml := st.Go != nil || strings.HasPrefix(st.SQL, "UPDATE ") || strings.HasPrefix(st.SQL, "INSERT ")
			if st.Outside == dml {
				t.Errorf("%s: step %q has Outside = %v", tc.name, st.SQL, st.Outside)
			}
			if st.Apart || st.Repeat {
				t.Errorf("%s: step %q is marked Apart or Repeat", tc.name, st.SQL)
			}
		}
	}
}

func TestRenderRunsGoStepsInOrder(t *testing.T) {
	var ran []string
	step := func(name string) schema.RunGo {
		return schema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error {
			ran = append(ran, name)
			_, err := tx.ExecContext(ctx, "INSERT INTO `orgs` (`name`) VALUES ('"+name+"')")
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
	db := testdb.MySQL(t)
	run(t, db, steps)
	if diff := cmp.Diff([]string{"first", "second"}, dialecttest.QueryRows(t, db, "SELECT `name` FROM `orgs` ORDER BY `id`")); diff != "" {
		t.Errorf("rows the Go steps inserted (-want +got):\n%s", diff)
	}
}

func TestRenderRefusesWhatDoesNotFit(t *testing.T) {
	long := strings.Repeat("x", 65)
	column := func(c schema.Column) schema.Operation { return schema.AddColumn{Table: "orgs", Column: c} }
	cases := []struct {
		name    string
		setup   []schema.Operation
		ops     []schema.Operation
		want    string
		notFits bool
	}{
		{"dropping a table that does not exist", nil, []schema.Operation{schema.DropTable{Name: "ghosts"}},
			"mysql: operation 1 (drop table ghosts): ", true},
		{"a check on a column a foreign key sets to NULL", []schema.Operation{orgs, people},
			[]schema.Operation{
				schema.AlterColumn{Table: "people", Column: schema.Column{Name: "org_id", Type: bigint, Nullable: true}},
				schema.DropForeignKey{Table: "people", Name: "people_org_id_fkey"},
				schema.AddForeignKey{Table: "people", ForeignKey: schema.ForeignKey{Name: "people_org_id_fkey", Columns: []string{"org_id"},
					RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.SetNull}},
				schema.AddCheck{Table: "people", Check: schema.Check{Name: "people_org_check", Expr: "org_id > 0"}},
			},
			"check people_org_check names column people.org_id, which foreign key people_org_id_fkey changes (ON DELETE SET NULL)", false},
		{"a foreign key that cascades updates to a column a check names", []schema.Operation{orgs, people,
			schema.AddCheck{Table: "people", Check: schema.Check{Name: "people_org_check", Expr: "org_id > 0"}},
			schema.DropForeignKey{Table: "people", Name: "people_org_id_fkey"}},
			[]schema.Operation{schema.AddForeignKey{Table: "people", ForeignKey: schema.ForeignKey{Name: "people_org_id_fkey", Columns: []string{"org_id"},
				RefTable: "orgs", RefColumns: []string{"id"}, OnUpdate: schema.Cascade}}},
			"which foreign key people_org_id_fkey changes (ON UPDATE CASCADE)", false},
		{"a primary key moved off an identity column", []schema.Operation{orgs},
			[]schema.Operation{schema.AlterPrimaryKey{Table: "orgs", Old: []string{"id"}, New: []string{"name", "id"}}},
			"cannot move the primary key of orgs off its identity column id", false},
		{"a partial index", []schema.Operation{orgs, people},
			[]schema.Operation{schema.CreateIndex{Table: "people", Index: schema.Index{Name: "people_live_idx", Columns: []string{"email"}, Where: "nickname IS NOT NULL"}}},
			"index people_live_idx is partial (WHERE nickname IS NOT NULL), and MySQL and MariaDB have no partial indexes", false},
		{"a new table with a partial index", []schema.Operation{orgs},
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "id", Type: bigint}},
				Indexes: []schema.Index{{Name: "t_id_idx", Columns: []string{"id"}, Where: "id > 0"}}}}},
			"index t_id_idx is partial", false},
		{"a change of type with a USING expression", []schema.Operation{orgs},
			[]schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: bigint}, Using: "length(name)"}},
			"MySQL's ALTER TABLE has no USING", false},
		{"a change of type of a column a foreign key uses", []schema.Operation{orgs, people},
			[]schema.Operation{schema.AlterColumn{Table: "people", Column: schema.Column{Name: "org_id", Type: integer}}},
			"column people.org_id is used by foreign key people_org_id_fkey, and MySQL refuses to change the type", false},
		{"a change of type of a column a foreign key references", []schema.Operation{orgs, people},
			[]schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "id", Type: integer, Identity: true}}},
			"column orgs.id is used by foreign key people_org_id_fkey", false},
		{"an identity column added to a table", []schema.Operation{orgs},
			[]schema.Operation{column(schema.Column{Name: "n", Type: bigint, Identity: true})}, "MySQL adds an AUTO_INCREMENT column only together with a key", false},
		{"an identity column that starts no key", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "a", Type: bigint}, {Name: "id", Type: bigint, Identity: true}}, PrimaryKey: []string{"a", "id"}}}},
			"identity column t.id is not the first column of the primary key or of an index", false},
		{"a text primary key", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "code", Type: text}}, PrimaryKey: []string{"code"}}}},
			"primary key column t.code is LONGTEXT, which MySQL keys only by a prefix", false},
		{"a table without columns", nil, []schema.Operation{schema.CreateTable{Table: schema.Table{Name: "nothing"}}},
			"MySQL refuses a table without any", false},
		{"ON DELETE SET DEFAULT", []schema.Operation{orgs, people},
			[]schema.Operation{schema.AddForeignKey{Table: "people", ForeignKey: schema.ForeignKey{Name: "people_org_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.SetDefault}}},
			"InnoDB has no SET DEFAULT action", false},
		{"SET NULL on a NOT NULL column", []schema.Operation{orgs, people},
			[]schema.Operation{schema.AddForeignKey{Table: "people", ForeignKey: schema.ForeignKey{Name: "people_org_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.SetNull}}},
			"sets column people.org_id to NULL, which is NOT NULL", false},
		{"a name longer than MySQL keeps", nil,
			[]schema.Operation{schema.CreateTable{Table: schema.Table{Name: long, Columns: []schema.Column{{Name: "id", Type: bigint}}}}}, "is 65 characters long, over MySQL's limit of 64", false},
		{"a column named like another but for case", []schema.Operation{orgs},
			[]schema.Operation{schema.RenameColumn{Table: "orgs", From: "name", To: "ID"}}, "table orgs has a column id already, and MySQL's column names ignore case", false},
		{"an enum value ending with a space", nil,
			[]schema.Operation{schema.CreateEnum{Enum: schema.Enum{Name: "e", Values: []string{"a "}}}}, "ends with a space", false},
		{"an index named PRIMARY", []schema.Operation{orgs},
			[]schema.Operation{schema.CreateIndex{Table: "orgs", Index: schema.Index{Name: "primary", Columns: []string{"name"}}}}, "the name MySQL gives every primary key", false},
		{"a foreign key named like another table's", []schema.Operation{orgs, people, schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "boss_id", Type: bigint, Nullable: true}}},
			[]schema.Operation{schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{Name: "people_org_id_fkey", Columns: []string{"boss_id"}, RefTable: "people", RefColumns: []string{"id"}}}},
			"one namespace of foreign keys per database", false},
		{"dropping a column a check uses", []schema.Operation{notes},
			[]schema.Operation{schema.DropColumn{Table: "notes", Column: "Title"}}, "column notes.Title is still used by check notes_title_check", false},
		{"renaming a column a check uses", []schema.Operation{notes},
			[]schema.Operation{schema.RenameColumn{Table: "notes", From: "body", To: "text"}}, "column notes.body is used by check notes_body_check", false},
		{"auto_now on a column that is not a time", []schema.Operation{orgs},
			[]schema.Operation{column(schema.Column{Name: "n", Type: bigint, AutoNow: true})}, "auto_now: type BIGINT is not DATETIME or TIMESTAMP", false},
		{"a Go step without a function", nil, []schema.Operation{schema.RunGo{}}, "mysql: operation 1 (run Go): no function to run", false},
		{"a nil operation", nil, []schema.Operation{nil}, "mysql: operation 1 (nil): no operation", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := applied(t, &schema.Schema{}, tc.setup)
			steps, err := mysql.Dialect{}.Render(before, tc.ops)
			if err == nil {
				t.Fatalf("Render returned no error but %d steps:\n%s", len(steps), script(steps, tc.ops))
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "mysql: operation ") {
				t.Errorf("error = %q, want one starting with the operation and containing %q", err, tc.want)
			}
			if got := errors.Is(err, schema.ErrNotFit); got != tc.notFits {
				t.Errorf("errors.Is(err, schema.ErrNotFit) = %v, want %v", got, tc.notFits)
			}
		})
	}
}

func TestRenderInPlaceLeavesWhatApplyAllLeaves(t *testing.T) {
	dialecttest.RenderInPlaceLeavesWhatApplyAllLeaves(t, mysql.Dialect{})
}

func TestRenderTakesNilAsTheEmptySchema(t *testing.T) {
	ops := []schema.Operation{statusEnum, orgs, people}
	fromNil, err := mysql.Dialect{}.Render(nil, ops)
	if err != nil {
		t.Fatalf("Render(nil, ...): %v", err)
	}
	if diff := cmp.Diff(script(render(t, &schema.Schema{}, ops), ops), script(fromNil, ops)); diff != "" {
		t.Errorf("(-from empty +from nil):\n%s", diff)
	}
}

func TestQuoteIdentAlwaysQuotesWithBackticks(t *testing.T) {
	cases := map[string]string{
		"users":      "`users`",
		"select":     "`select`",
		"say `hi`":   "`say ``hi```",
		`"quoted"`:   "`\"quoted\"`",
		"café_naïve": "`café_naïve`",
	}
	for in, want := range cases {
		if got := (mysql.Dialect{}).QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestNameIsMySQLAndPlaceholdersAreQuestionMarks(t *testing.T) {
	d := mysql.Dialect{}
	if d.Name() != "mysql" || d.Placeholder(1) != "?" || d.Placeholder(7) != "?" {
		t.Errorf("Name() = %q, Placeholder(1) = %q, Placeholder(7) = %q; want mysql, ?, ?", d.Name(), d.Placeholder(1), d.Placeholder(7))
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
	steps, err := mysql.Dialect{}.Render(before, ops)
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
	return dialecttest.RunParts(ctx, conn, mysql.Dialect{}, steps)
}

// assertLive checks that the database holds the schema want.
func assertLive(t *testing.T, db *sql.DB, want *schema.Schema) {
	t.Helper()
	got, err := mysql.Inspect(context.Background(), db)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	if diff := cmp.Diff(mysql.Comparable(want), got); diff != "" {
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
		if s.Outside {
			b.WriteString("-- outside a transaction\n")
		}
		b.WriteString(s.SQL + ";\n\n")
	}
	if len(steps) == 0 {
		b.WriteString("-- no statements\n")
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
