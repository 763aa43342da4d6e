package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// richOps build a schema that uses every feature Inspect reads back: enums
// (one with a mixed-case name), every kind, custom types, defaults of every
// sort, identities, composite keys, partial and unique indexes, foreign keys
// with actions (one composite, whose column order differs from the key's,
// one to its own table, and a cycle), checks, and a column order with a gap
// where a column was dropped.
func richOps() []schema.Operation {
	custom := func(kind schema.Kind, sql string) schema.Type {
		return schema.Type{Kind: kind, Custom: []schema.CustomType{{SQL: sql}}}
	}
	return []schema.Operation{
		statusEnum,
		schema.CreateEnum{Enum: schema.Enum{Name: "Mood", Values: []string{"happy", "it's complicated", "sad"}}},
		schema.CreateTable{Table: schema.Table{
			Name: "orgs",
			Columns: []schema.Column{
				{Name: "id", Type: bigint, Identity: true},
				{Name: "name", Type: varchar(200)},
				{Name: "region", Type: text, Default: "'eu'"},
			},
			PrimaryKey: []string{"id"},
			Uniques:    []schema.Unique{{Name: "orgs_name_key", Columns: []string{"name"}}},
		}},
		schema.CreateTable{Table: schema.Table{
			Name: "users",
			Columns: []schema.Column{
				{Name: "id", Type: bigint, Identity: true},
				{Name: "email", Type: varchar(320)},
				{Name: "bio", Type: text, Nullable: true},
				{Name: "org_id", Type: bigint},
				{Name: "status", Type: enum("status"), Default: "'active'"},
				{Name: "mood", Type: enum("Mood"), Nullable: true},
				{Name: "title", Type: text, Default: "''"},
				{Name: "motto", Type: text, Default: "'it''s fine'"},
				{Name: "age", Type: schema.Type{Kind: schema.Int16}, Default: "0"},
				{Name: "price_cents", Type: integer, Default: "-1"},
				{Name: "visits", Type: bigint, Default: "9999999999"},
				{Name: "score", Type: schema.Type{Kind: schema.Float64}, Default: "-2.5"},
				{Name: "ratio", Type: schema.Type{Kind: schema.Float32}, Default: "1.5"},
				{Name: "active", Type: schema.Type{Kind: schema.Bool}, Default: "TRUE"},
				{Name: "avatar", Type: schema.Type{Kind: schema.Bytes}, Nullable: true},
				{Name: "settings", Type: schema.Type{Kind: schema.JSON}, Default: "'{}'"},
				{Name: "token", Type: schema.Type{Kind: schema.UUID}, Default: "gen_random_uuid()"},
				{Name: "created_at", Type: stamp, Default: "now()"},
				{Name: "updated_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
				{Name: "deleted_at", Type: stamp, Nullable: true},
				{Name: "amount", Type: custom(schema.Float64, "NUMERIC(10, 2)"), Nullable: true},
				{Name: "born", Type: custom(schema.Text, "date"), Nullable: true},
				{Name: "tags", Type: schema.Type{Kind: schema.JSON, Custom: []schema.CustomType{
					{Dialect: "postgres", SQL: "text[]"}, {Dialect: "sqlite", SQL: "TEXT"},
				}}, Default: "'{}'"},
				{Name: "counter", Type: custom(schema.Int64, "int8"), Default: "0"},
				{Name: "code", Type: custom(schema.Text, "varchar(8)"), Nullable: true},
				{Name: `Odd "Name"`, Type: text, Nullable: true},
			},
			PrimaryKey: []string{"id"},
			Indexes: []schema.Index{
				{Name: "users_org_status", Columns: []string{"org_id", "status"}, Where: "deleted_at IS NULL"},
				{Name: "users_token_idx", Columns: []string{"token"}, Unique: true},
				{Name: "users_email_title_idx", Columns: []string{"title", "email"}},
			},
			Uniques: []schema.Unique{{Name: "users_email_key", Columns: []string{"email"}}},
			ForeignKeys: []schema.ForeignKey{{
				Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"},
				OnDelete: schema.Cascade,
			}},
			Checks: []schema.Check{
				{Name: "users_price_cents_check", Expr: "price_cents >= -1"},
				{Name: "users_title_check", Expr: "(length(title) < 200)"},
			},
		}},
		schema.CreateTable{Table: schema.Table{
			Name: "memberships",
			Columns: []schema.Column{
				{Name: "org_id", Type: bigint},
				{Name: "user_id", Type: bigint},
				{Name: "role", Type: varchar(20), Default: "'member'"},
			},
			PrimaryKey: []string{"org_id", "user_id"},
			ForeignKeys: []schema.ForeignKey{
				{Name: "memberships_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"},
					OnDelete: schema.Cascade, OnUpdate: schema.Cascade},
				{Name: "memberships_user_id_fkey", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"},
					OnDelete: schema.Restrict, OnUpdate: schema.SetDefault},
			},
		}},
		schema.CreateTable{Table: schema.Table{
			Name: "invites",
			Columns: []schema.Column{
				{Name: "id", Type: integer, Identity: true},
				{Name: "user_id", Type: bigint},
				{Name: "org_id", Type: bigint},
				{Name: "parent_id", Type: integer, Nullable: true},
			},
			PrimaryKey: []string{"id"},
			ForeignKeys: []schema.ForeignKey{
				{Name: "invites_membership_fkey", Columns: []string{"user_id", "org_id"}, RefTable: "memberships",
					RefColumns: []string{"user_id", "org_id"}},
				{Name: "invites_parent_id_fkey", Columns: []string{"parent_id"}, RefTable: "invites",
					RefColumns: []string{"id"}, OnDelete: schema.SetNull},
			},
		}},
		schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "scratch", Type: text, Nullable: true}},
		schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "owner_id", Type: bigint, Nullable: true}},
		schema.DropColumn{Table: "orgs", Column: "scratch"},
		schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "plan", Type: varchar(20), Default: "'free'"}},
		schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{
			Name: "orgs_owner_id_fkey", Columns: []string{"owner_id"}, RefTable: "users", RefColumns: []string{"id"},
			OnDelete: schema.SetNull,
		}},
		schema.CreateIndex{Table: "memberships", Index: schema.Index{Name: "memberships_role_user_idx", Columns: []string{"role", "user_id"}}},
		schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_org_title_key", Columns: []string{"org_id", "title"}}},
		schema.CreateTable{Table: schema.Table{Name: "empty"}},
	}
}

// loadRich builds the rich schema in db, and returns it as the operations
// describe it.
func loadRich(t *testing.T, db *sql.DB) *schema.Schema {
	t.Helper()
	ops := richOps()
	run(t, db, render(t, &schema.Schema{}, ops))
	return applied(t, &schema.Schema{}, ops)
}

func inspect(t *testing.T, db *sql.DB) *schema.Schema {
	t.Helper()
	got, err := postgres.Inspect(context.Background(), db)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return got
}

func TestInspectReadsBackWhatTheOperationsBuilt(t *testing.T) {
	db := testdb.Postgres(t)
	want := loadRich(t, db)
	// What Inspect must leave out: strata's own tables, other schemas,
	// views, sequences, and the types of tables.
	for _, stmt := range []string{
		`CREATE TABLE "strata_migrations" ("id" TEXT PRIMARY KEY)`,
		`CREATE INDEX "strata_migrations_idx" ON "strata_migrations" ("id")`,
		`CREATE SCHEMA "elsewhere"`,
		`CREATE TABLE "elsewhere"."hidden" ("id" BIGINT PRIMARY KEY, "org_id" BIGINT REFERENCES "public"."orgs" ("id"))`,
		`CREATE TYPE "elsewhere"."hidden_enum" AS ENUM ('x')`,
		`CREATE VIEW "active_users" AS SELECT * FROM "users" WHERE "deleted_at" IS NULL`,
		`CREATE SEQUENCE "numbers"`,
	} {
		if _, err := db.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	got := inspect(t, db)
	if diff := cmp.Diff(postgres.Comparable(want), got); diff != "" {
		t.Errorf("Inspect differs from the operations' schema (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(got, postgres.Comparable(got)); diff != "" {
		t.Errorf("Comparable changed what Inspect read (-inspected +comparable):\n%s", diff)
	}
	// Spot checks that do not go through Comparable: Inspect itself reads
	// exact types and defaults.
	users := got.Table("users")
	for _, c := range []struct {
		column string
		want   schema.Column
	}{
		{"email", schema.Column{Name: "email", Type: varchar(320)}},
		{"price_cents", schema.Column{Name: "price_cents", Type: integer, Default: "-1"}},
		{"motto", schema.Column{Name: "motto", Type: text, Default: "'it''s fine'"}},
		{"mood", schema.Column{Name: "mood", Type: enum("Mood"), Nullable: true}},
		{"created_at", schema.Column{Name: "created_at", Type: stamp, Default: "CURRENT_TIMESTAMP"}},
		{"amount", schema.Column{Name: "amount", Type: schema.Type{Custom: []schema.CustomType{{Dialect: "postgres", SQL: "numeric(10,2)"}}}, Nullable: true}},
		{"id", schema.Column{Name: "id", Type: bigint, Identity: true}},
	} {
		if diff := cmp.Diff(c.want, *users.Column(c.column)); diff != "" {
			t.Errorf("column users.%s (-want +got):\n%s", c.column, diff)
		}
	}
}

func TestInspectReadsAnEmptyDatabaseAsAnEmptySchema(t *testing.T) {
	got := inspect(t, testdb.Postgres(t))
	if diff := cmp.Diff(&schema.Schema{}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestInspectNoticesChangesMadeBehindStrataBack proves the comparison can
// fail: each case changes the live database without strata, and the
// comparison must then report the difference.
func TestInspectNoticesChangesMadeBehindStrataBack(t *testing.T) {
	cases := []struct {
		name   string
		change []string
		diff   string // a piece of the expected diff
	}{
		{"a column of another type", []string{`ALTER TABLE "users" ALTER COLUMN "price_cents" TYPE bigint`}, `"int64"`},
		{"a varchar of another size", []string{`ALTER TABLE "users" ALTER COLUMN "email" TYPE varchar(100)`}, "Size:"},
		{"a custom type with other parameters", []string{`ALTER TABLE "users" ALTER COLUMN "amount" TYPE numeric(12,2)`}, "numeric(12,2)"},
		{"a nullable column made NOT NULL", []string{`ALTER TABLE "users" ALTER COLUMN "bio" SET NOT NULL`}, "Nullable:"},
		{"a NOT NULL column made nullable", []string{`ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL`}, "Nullable:"},
		{"another default", []string{`ALTER TABLE "users" ALTER COLUMN "status" SET DEFAULT 'banned'`}, "'banned'"},
		{"a default dropped", []string{`ALTER TABLE "users" ALTER COLUMN "price_cents" DROP DEFAULT`}, `"-1"`},
		{"an identity dropped", []string{`ALTER TABLE "users" ALTER COLUMN "id" DROP IDENTITY`}, "Identity:"},
		{"a missing index", []string{`DROP INDEX "users_org_status"`}, "users_org_status"},
		{"an index over its columns in another order", []string{
			`DROP INDEX "users_email_title_idx"`,
			`CREATE INDEX "users_email_title_idx" ON "users" ("email", "title")`,
		}, `"title"`},
		{"an index made unique", []string{
			`DROP INDEX "memberships_role_user_idx"`,
			`CREATE UNIQUE INDEX "memberships_role_user_idx" ON "memberships" ("role", "user_id")`,
		}, "Unique:"},
		{"an index with another predicate", []string{
			`DROP INDEX "users_org_status"`,
			`CREATE INDEX "users_org_status" ON "users" ("org_id", "status") WHERE "bio" IS NULL`,
		}, "bio IS NULL"},
		{"a missing unique constraint", []string{`ALTER TABLE "users" DROP CONSTRAINT "users_org_title_key"`}, "users_org_title_key"},
		{"a foreign key with another delete action", []string{
			`ALTER TABLE "users" DROP CONSTRAINT "users_org_id_fkey"`,
			`ALTER TABLE "users" ADD CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON DELETE RESTRICT`,
		}, "OnDelete:"},
		{"a foreign key with another update action", []string{
			`ALTER TABLE "memberships" DROP CONSTRAINT "memberships_user_id_fkey"`,
			`ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE RESTRICT`,
		}, "OnUpdate:"},
		{"a missing foreign key", []string{`ALTER TABLE "orgs" DROP CONSTRAINT "orgs_owner_id_fkey"`}, "orgs_owner_id_fkey"},
		{"another check", []string{
			`ALTER TABLE "users" DROP CONSTRAINT "users_price_cents_check"`,
			`ALTER TABLE "users" ADD CONSTRAINT "users_price_cents_check" CHECK (price_cents > 0)`,
		}, "price_cents > 0"},
		{"a missing primary key", []string{`ALTER TABLE "memberships" DROP CONSTRAINT "memberships_pkey" CASCADE`}, "PrimaryKey:"},
		{"columns in another order", []string{
			`ALTER TABLE "orgs" DROP COLUMN "region"`,
			`ALTER TABLE "orgs" ADD COLUMN "region" text NOT NULL DEFAULT 'eu'`,
		}, `"region"`},
		{"an enum with another value", []string{`ALTER TYPE "status" ADD VALUE 'deleted'`}, `"deleted"`},
		{"an enum with values in another order", []string{`ALTER TYPE "Mood" ADD VALUE 'calm' BEFORE 'happy'`}, `"calm"`},
		{"an extra table", []string{`CREATE TABLE "extra" ("id" bigint)`}, `"extra"`},
		{"an extra column", []string{`ALTER TABLE "empty" ADD COLUMN "x" int`}, `Name: "x"`},
	}
	server := testdb.PostgresURL(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := freshSchema(t, server)
			want := loadRich(t, db)
			for _, stmt := range tc.change {
				if _, err := db.ExecContext(context.Background(), stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			diff := cmp.Diff(postgres.Comparable(want), inspect(t, db))
			if diff == "" {
				t.Fatal("the comparison found no difference")
			}
			if !changedLinesMention(diff, tc.diff) {
				t.Errorf("no changed line of the difference mentions %q:\n%s", tc.diff, diff)
			}
		})
	}
}

// changedLinesMention reports whether a line of diff that differs (one
// starting with - or +) contains piece.
func changedLinesMention(diff, piece string) bool {
	for _, line := range strings.Split(diff, "\n") {
		if (strings.HasPrefix(line, "-") || strings.HasPrefix(line, "+")) && strings.Contains(line, piece) {
			return true
		}
	}
	return false
}

func TestComparableNormalisesWhatInspectCannotTell(t *testing.T) {
	custom := func(dialect, sql string) schema.Type {
		return schema.Type{Kind: schema.Text, Custom: []schema.CustomType{{Dialect: dialect, SQL: sql}}}
	}
	pg := func(sql string) schema.Type {
		return schema.Type{Custom: []schema.CustomType{{Dialect: "postgres", SQL: sql}}}
	}
	cases := []struct {
		name string
		in   schema.Column
		want schema.Column
	}{
		{"auto_now is kept", schema.Column{Type: stamp, AutoNow: true}, schema.Column{Type: stamp, AutoNow: true}},
		{"a custom type that is a kind becomes the kind", schema.Column{Type: custom("", "BIGINT")}, schema.Column{Type: bigint}},
		{"an alias of a kind becomes the kind", schema.Column{Type: custom("postgres", "int8")}, schema.Column{Type: bigint}},
		{"a custom varchar becomes sized text", schema.Column{Type: custom("", "VarChar (20)")}, schema.Column{Type: varchar(20)}},
		{"timestamptz becomes a timestamp", schema.Column{Type: custom("", "timestamptz")}, schema.Column{Type: stamp}},
		{"another custom type is spelt as PostgreSQL prints it", schema.Column{Type: custom("", "NUMERIC( 10, 2 )")}, schema.Column{Type: pg("numeric(10,2)")}},
		{"aliases keep their parameters and arrays", schema.Column{Type: custom("", "timestamp(3)[]")}, schema.Column{Type: pg("timestamp(3) without time zone[]")}},
		{"quoted names keep their case", schema.Column{Type: custom("", `"MyType"`)}, schema.Column{Type: pg(`"MyType"`)}},
		{"a custom type for another dialect is dropped", schema.Column{Type: custom("sqlite", "CLOB")}, schema.Column{Type: text}},
		{"a size on a kind without one is dropped", schema.Column{Type: schema.Type{Kind: schema.Int64, Size: 3, Enum: "x"}}, schema.Column{Type: bigint}},
		{"now() is CURRENT_TIMESTAMP", schema.Column{Type: stamp, Default: "now()"}, schema.Column{Type: stamp, Default: "CURRENT_TIMESTAMP"}},
		{"current_timestamp is upper case", schema.Column{Type: stamp, Default: "current_timestamp"}, schema.Column{Type: stamp, Default: "CURRENT_TIMESTAMP"}},
		{"a cast literal loses its cast", schema.Column{Type: text, Default: "'it''s'::text"}, schema.Column{Type: text, Default: "'it''s'"}},
		{"a cast to a quoted type is dropped", schema.Column{Type: enum("Mood"), Default: `'happy'::"Mood"`}, schema.Column{Type: enum("Mood"), Default: "'happy'"}},
		{"a cast to a type of several words is dropped", schema.Column{Type: text, Default: "'a'::character varying"}, schema.Column{Type: text, Default: "'a'"}},
		{"a quoted number cast to a number is bare", schema.Column{Type: integer, Default: "'-1'::integer"}, schema.Column{Type: integer, Default: "-1"}},
		{"a quoted number cast to text stays quoted", schema.Column{Type: text, Default: "'1'::text"}, schema.Column{Type: text, Default: "'1'"}},
		{"an expression loses the casts of its text literals", schema.Column{Type: text, Default: "('a'::text || 'b'::text)"}, schema.Column{Type: text, Default: "'a' || 'b'"}},
		{"an expression keeps other casts", schema.Column{Type: text, Default: "('1'::numeric(3,1) || ''::text[])"}, schema.Column{Type: text, Default: "'1'::numeric(3,1) || ''::text[]"}},
		{"a quoted name is not a literal", schema.Column{Type: text, Default: `upper("it's") || 'x'::text`}, schema.Column{Type: text, Default: `upper("it's") || 'x'`}},
		{"an expression keeps parentheses inside it", schema.Column{Type: integer, Default: "((1 + 2) * 3)"}, schema.Column{Type: integer, Default: "(1 + 2) * 3"}},
		{"TRUE is lower case", schema.Column{Type: schema.Type{Kind: schema.Bool}, Default: "TRUE"}, schema.Column{Type: schema.Type{Kind: schema.Bool}, Default: "true"}},
		{"a NULL default is no default", schema.Column{Type: text, Nullable: true, Default: "NULL::text"}, schema.Column{Type: text, Nullable: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &schema.Schema{Tables: []schema.Table{{Name: "t", Columns: []schema.Column{tc.in}}}}
			kept := in.Clone()
			got := postgres.Comparable(in)
			if diff := cmp.Diff(tc.want, got.Tables[0].Columns[0]); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(kept, in); diff != "" {
				t.Errorf("Comparable changed its argument (-was +now):\n%s", diff)
			}
		})
	}
}

func TestComparableNormalisesExpressionsAndEmptyLists(t *testing.T) {
	in := &schema.Schema{
		Enums: []schema.Enum{{Name: "e", Values: []string{}}},
		Tables: []schema.Table{{
			Name:        "t",
			Columns:     []schema.Column{{Name: "a", Type: integer}},
			PrimaryKey:  []string{},
			Indexes:     []schema.Index{{Name: "t_a_idx", Columns: []string{"a"}, Where: "((a > '-1'::integer))"}},
			Uniques:     []schema.Unique{},
			ForeignKeys: []schema.ForeignKey{},
			Checks: []schema.Check{
				{Name: "t_b_check", Expr: "(a > 0) AND (a < 10)"},
				{Name: "t_a_check", Expr: " ( a IN ('(', ')') ) "},
				{Name: "t_c_check", Expr: "((a)::text = ANY (ARRAY['x'::text, 'NaN'::numeric, '1e3'::real]))"},
				{Name: "t_d_check", Expr: "((f >= (0)::double precision) AND (g < (-1.5)::real) AND ((a)::real > 1))"},
			},
		}},
	}
	want := &schema.Schema{
		Enums: []schema.Enum{{Name: "e"}},
		Tables: []schema.Table{{
			Name:    "t",
			Columns: []schema.Column{{Name: "a", Type: integer}},
			Indexes: []schema.Index{{Name: "t_a_idx", Columns: []string{"a"}, Where: "a > -1"}},
			Checks: []schema.Check{
				{Name: "t_a_check", Expr: "a IN ('(', ')')"},
				{Name: "t_b_check", Expr: "(a > 0) AND (a < 10)"},
				{Name: "t_c_check", Expr: "(a)::text = ANY (ARRAY['x', 'NaN'::numeric, 1e3])"},
				{Name: "t_d_check", Expr: "(f >= 0) AND (g < -1.5) AND ((a)::real > 1)"},
			},
		}},
	}
	if diff := cmp.Diff(want, postgres.Comparable(in)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&schema.Schema{}, postgres.Comparable(&schema.Schema{Tables: []schema.Table{}, Enums: []schema.Enum{}})); diff != "" {
		t.Errorf("an empty schema (-want +got):\n%s", diff)
	}
}
