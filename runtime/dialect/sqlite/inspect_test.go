package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

// richFirst is a first migration that uses every feature of the schema
// model: every kind of column, enums, defaults, an identity and a
// composite key, checks, unique constraints and indexes (plain, unique,
// partial), foreign keys with every action, to itself and in a cycle.
var richFirst = []schema.Operation{
	schema.CreateEnum{Enum: schema.Enum{Name: "plan", Values: []string{"free", "pro", "it's custom"}}},
	schema.CreateEnum{Enum: schema.Enum{Name: "status", Values: []string{"active", "banned"}}},
	schema.CreateTable{Table: schema.Table{
		Name: "orgs",
		Columns: []schema.Column{
			{Name: "id", Type: bigint, Identity: true},
			{Name: "name", Type: varchar(200)},
			{Name: "plan", Type: enum("plan"), Default: "'free'"},
			{Name: "owner_id", Type: bigint, Nullable: true},
			{Name: "parent_id", Type: bigint, Nullable: true},
			{Name: "settings", Type: jsonType, Default: "'{}'"},
			{Name: "key", Type: uuidType, Nullable: true},
			{Name: "ratio", Type: schema.Type{Kind: schema.Float32}, Default: "0.5"},
			{Name: "score", Type: schema.Type{Kind: schema.Float64}, Nullable: true},
			{Name: "logo", Type: blob, Nullable: true},
			{Name: "active", Type: boolean, Default: "true"},
			{Name: "seats", Type: smallint, Default: "-1"},
			{Name: "rank", Type: integer, Nullable: true},
			{Name: "budget", Type: schema.Type{Kind: schema.Float64, Custom: custom("", "NUMERIC(10, 2)")}, Nullable: true},
			{Name: "created_at", Type: stamp, Default: "CURRENT_TIMESTAMP"},
			{Name: "updated_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
			{Name: "slug", Type: text, Default: "lower('ORG')"},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []schema.Unique{{Name: "orgs_name_key", Columns: []string{"name"}}},
		Indexes:    []schema.Index{{Name: "orgs_plan_idx", Columns: []string{"plan"}, Where: "active AND plan <> 'free'"}},
		ForeignKeys: []schema.ForeignKey{{
			Name: "orgs_parent_id_fkey", Columns: []string{"parent_id"}, RefTable: "orgs", RefColumns: []string{"id"},
			OnDelete: schema.SetNull, OnUpdate: schema.Cascade,
		}},
		Checks: []schema.Check{{Name: "orgs_seats_check", Expr: "seats >= -1"}, {Name: "orgs_ratio_check", Expr: "ratio BETWEEN 0 AND 1"}},
	}},
	schema.CreateTable{Table: schema.Table{
		Name: "people",
		Columns: []schema.Column{
			{Name: "id", Type: integer, Identity: true},
			{Name: "org_id", Type: bigint},
			{Name: "email", Type: varchar(320)},
			{Name: "status", Type: enum("status"), Default: "'active'"},
			{Name: "deleted_at", Type: stamp, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []schema.Unique{{Name: "people_org_email", Columns: []string{"org_id", "email"}}},
		Indexes: []schema.Index{
			{Name: "people_email_idx", Columns: []string{"email"}, Unique: true},
			{Name: "people_org_status", Columns: []string{"org_id", "status"}, Where: "deleted_at IS NULL"},
		},
		ForeignKeys: []schema.ForeignKey{{
			Name: "people_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"},
			OnDelete: schema.Cascade, OnUpdate: schema.Restrict,
		}},
	}},
	schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{
		Name: "orgs_owner_id_fkey", Columns: []string{"owner_id"}, RefTable: "people", RefColumns: []string{"id"}, OnDelete: schema.SetDefault,
	}},
	schema.CreateTable{Table: schema.Table{
		Name: "memberships",
		Columns: []schema.Column{
			{Name: "org_id", Type: bigint},
			{Name: "person_id", Type: bigint},
			{Name: "role", Type: varchar(20), Default: "'member'"},
		},
		PrimaryKey: []string{"person_id", "org_id"},
		ForeignKeys: []schema.ForeignKey{
			{Name: "memberships_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
			{Name: "memberships_person_id_fkey", Columns: []string{"person_id"}, RefTable: "people", RefColumns: []string{"id"}, OnUpdate: schema.NoAction},
		},
	}},
}

// richSecond is a second migration that changes the first in every way
// SQLite can in place.
var richSecond = []schema.Operation{
	schema.AddColumn{Table: "people", Column: schema.Column{Name: "bio", Type: text, Nullable: true}},
	schema.AddColumn{Table: "people", Column: schema.Column{Name: "tier", Type: enum("plan"), Default: "'pro'"}},
	schema.AddColumn{Table: "people", Column: schema.Column{Name: "seen_at", Type: stamp, Nullable: true, AutoNow: true}},
	schema.DropIndex{Table: "people", Name: "people_email_idx"},
	schema.DropUnique{Table: "orgs", Name: "orgs_name_key"},
	schema.CreateIndex{Table: "orgs", Index: schema.Index{Name: "orgs_name_idx", Columns: []string{"name", "id"}}},
	schema.AddUnique{Table: "people", Unique: schema.Unique{Name: "people_email_key", Columns: []string{"email"}}},
	schema.DropColumn{Table: "orgs", Column: "logo"},
	schema.CreateTable{Table: schema.Table{
		Name:       "audit",
		Columns:    []schema.Column{{Name: "at", Type: stamp}, {Name: "what", Type: text}},
		PrimaryKey: []string{"at"},
	}},
	schema.DropTable{Name: "audit"},
}

func TestInspectRoundTripsARichSchemaOverTwoMigrations(t *testing.T) {
	db := testdb.SQLite(t)
	first := migrate(t, db, richFirst)
	assertLive(t, db, first)

	steps := render(t, first, richSecond)
	run(t, db, steps)
	assertLive(t, db, applied(t, first, richSecond))
}

func TestInspectReadsBackExactlyWhatSQLiteHolds(t *testing.T) {
	db := testdb.SQLite(t)
	migrate(t, db, []schema.Operation{
		schema.CreateEnum{Enum: schema.Enum{Name: "status", Values: []string{"on", "off"}}},
		orgs,
		schema.CreateTable{Table: schema.Table{
			Name: "things",
			Columns: []schema.Column{
				{Name: "id", Type: smallint, Identity: true},
				{Name: "org_id", Type: bigint, Nullable: true},
				{Name: "status", Type: enum("status"), Default: "'on'"},
				{Name: "doc", Type: jsonType, Default: "'{}'"},
				{Name: "price", Type: schema.Type{Kind: schema.Float64, Custom: custom("sqlite", "NUMERIC(10, 2)")}},
				{Name: "at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
				{Name: "label", Type: varchar(10), Default: "upper('x')"},
			},
			PrimaryKey: []string{"id"},
			Uniques:    []schema.Unique{{Name: "things_label_key", Columns: []string{"label"}}},
			Indexes: []schema.Index{
				{Name: "things_label_uidx", Columns: []string{"label", "org_id"}, Unique: true},
				{Name: "things_on_idx", Columns: []string{"org_id"}, Unique: true, Where: `"status" = 'on'`},
			},
			ForeignKeys: []schema.ForeignKey{{Name: "things_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.SetNull}},
			Checks:      []schema.Check{{Name: "things_price_check", Expr: "price > 0"}},
		}},
	})
	want := &schema.Schema{
		Enums: []schema.Enum{{Name: "things.status", Values: []string{"on", "off"}}},
		Tables: []schema.Table{
			{
				Name:       "orgs",
				Columns:    []schema.Column{{Name: "id", Type: bigint, Identity: true}, {Name: "name", Type: varchar(200)}},
				PrimaryKey: []string{"id"},
			},
			{
				Name: "things",
				Columns: []schema.Column{
					{Name: "id", Type: bigint, Identity: true},
					{Name: "org_id", Type: bigint, Nullable: true},
					{Name: "status", Type: enum("things.status"), Default: "'on'"},
					{Name: "doc", Type: text, Default: "'{}'"},
					{Name: "price", Type: schema.Type{Custom: custom("sqlite", "NUMERIC(10, 2)")}},
					{Name: "at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
					{Name: "label", Type: varchar(10), Default: "upper('x')"},
				},
				PrimaryKey: []string{"id"},
				Indexes: []schema.Index{
					{Name: "things_label_uidx", Columns: []string{"label", "org_id"}, Unique: true},
					{Name: "things_on_idx", Columns: []string{"org_id"}, Unique: true, Where: `"status" = 'on'`},
				},
				Uniques:     []schema.Unique{{Name: "things_label_key", Columns: []string{"label"}}},
				ForeignKeys: []schema.ForeignKey{{Name: "things_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.SetNull}},
				Checks:      []schema.Check{{Name: "things_price_check", Expr: "price > 0"}},
			},
		},
	}
	if diff := cmp.Diff(want, inspect(t, db)); diff != "" {
		t.Errorf("Inspect (-want +got):\n%s", diff)
	}
}

func TestInspectReadsTablesStrataDidNotWrite(t *testing.T) {
	db := testdb.SQLite(t)
	err := exec(db,
		`CREATE TABLE parent (
			id integer primary key,   -- the rowid alias, in lower case
			code text UNIQUE,
			n int CONSTRAINT n_positive CHECK (n > 0),
			kind TEXT CONSTRAINT kind_ok CHECK (kind IN ('a', 'b')),
			level INT CHECK (level IN ('x')),
			"odd ""name""" CHAR(5) /* a comment, with a comma */ DEFAULT 'a,b'
		)`,
		`CREATE TABLE child (
			id INTEGER NOT NULL,
			pid INTEGER CONSTRAINT child_pid REFERENCES parent (id) ON DELETE CASCADE,
			other INTEGER REFERENCES parent (id),
			PRIMARY KEY (id),
			CHECK (id <> pid)
		) WITHOUT ROWID`,
	)
	if err != nil {
		t.Fatal(err)
	}
	want := &schema.Schema{Tables: []schema.Table{
		{
			Name: "child",
			Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Custom: custom("sqlite", "INTEGER")}},
				{Name: "pid", Type: schema.Type{Custom: custom("sqlite", "INTEGER")}, Nullable: true},
				{Name: "other", Type: schema.Type{Custom: custom("sqlite", "INTEGER")}, Nullable: true},
			},
			PrimaryKey: []string{"id"},
			ForeignKeys: []schema.ForeignKey{
				{Columns: []string{"other"}, RefTable: "parent", RefColumns: []string{"id"}},
				{Name: "child_pid", Columns: []string{"pid"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: schema.Cascade},
			},
			Checks: []schema.Check{{Expr: "id <> pid"}},
		},
		{
			Name: "parent",
			Columns: []schema.Column{
				{Name: "id", Type: bigint, Identity: true},
				{Name: "code", Type: text, Nullable: true},
				{Name: "n", Type: integer, Nullable: true},
				{Name: "kind", Type: text, Nullable: true},
				{Name: "level", Type: integer, Nullable: true},
				{Name: `odd "name"`, Type: schema.Type{Custom: custom("sqlite", "CHAR(5)")}, Nullable: true, Default: "'a,b'"},
			},
			PrimaryKey: []string{"id"},
			Uniques:    []schema.Unique{{Name: "sqlite_autoindex_parent_1", Columns: []string{"code"}}},
			Checks: []schema.Check{
				{Expr: "level IN ('x')"},
				{Name: "kind_ok", Expr: "kind IN ('a', 'b')"},
				{Name: "n_positive", Expr: "n > 0"},
			},
		},
	}}
	if diff := cmp.Diff(want, inspect(t, db)); diff != "" {
		t.Errorf("Inspect (-want +got):\n%s", diff)
	}
}

func TestInspectIgnoresSQLiteAndStrataTables(t *testing.T) {
	db := testdb.SQLite(t)
	err := exec(db,
		`CREATE TABLE "strata_migrations" ("id" TEXT PRIMARY KEY)`,
		`CREATE TABLE "strata_lock" ("id" INTEGER PRIMARY KEY)`,
		`CREATE TABLE "counter" ("id" INTEGER PRIMARY KEY AUTOINCREMENT)`, // adds sqlite_sequence
		`INSERT INTO "counter" DEFAULT VALUES`,
		`CREATE INDEX "counter_id_idx" ON "counter" ("id")`,
		`ANALYZE`, // adds sqlite_stat1
	)
	if err != nil {
		t.Fatal(err)
	}
	want := &schema.Schema{Tables: []schema.Table{{
		Name:       "counter",
		Columns:    []schema.Column{{Name: "id", Type: bigint, Identity: true}},
		PrimaryKey: []string{"id"},
		Indexes:    []schema.Index{{Name: "counter_id_idx", Columns: []string{"id"}}},
	}}}
	if diff := cmp.Diff(want, inspect(t, db)); diff != "" {
		t.Errorf("Inspect (-want +got):\n%s", diff)
	}
}

// tamperCases change the database richFirst created behind strata's back.
// Each must make the comparison report a difference that mentions want.
var tamperCases = []struct {
	name   string
	tamper func(t *testing.T, db *sql.DB)
	want   string
}{
	{"a column of another type", rebuilding("people", `"email" VARCHAR(320) NOT NULL`, `"email" TEXT NOT NULL`), `320`},
	{"a column of another custom type", rebuilding("orgs", `NUMERIC(10, 2)`, `DECIMAL(10, 2)`), `numeric(10, 2)`},
	{"a column that became NULL-able", rebuilding("orgs", `"name" VARCHAR(200) NOT NULL`, `"name" VARCHAR(200)`), `Nullable`},
	{"a column that lost its default", rebuilding("people", ` DEFAULT 'active'`, ``), `'active'`},
	{"a column with another default", rebuilding("orgs", `DEFAULT (lower('ORG'))`, `DEFAULT (upper('ORG'))`), `lower('ORG')`},
	{"an identity column that is no longer the rowid", rebuilding("orgs", `"id" INTEGER PRIMARY KEY`, `"id" BIGINT PRIMARY KEY`), `Identity`},
	{"an enum that lost a value", rebuilding("orgs", `'pro', 'it''s custom'`, `'pro'`), `it's custom`},
	{"an enum column without its check", rebuilding("people", ` CHECK ("status" IN ('active', 'banned'))`, ``), `people.status`},
	{"columns in another order", statements(`ALTER TABLE "orgs" DROP COLUMN "rank"`, `ALTER TABLE "orgs" ADD COLUMN "rank" INT`), `"rank"`},
	{"a composite key in another order", rebuilding("memberships", `PRIMARY KEY ("person_id", "org_id")`, `PRIMARY KEY ("org_id", "person_id")`), `person_id`},
	{"a missing check", rebuilding("orgs", `CONSTRAINT "orgs_ratio_check" CHECK (ratio BETWEEN 0 AND 1),`, ``), `orgs_ratio_check`},
	{"a check with another expression", rebuilding("orgs", `CHECK (seats >= -1)`, `CHECK (seats >= 0)`), `seats >= -1`},
	{"a missing index", statements(`DROP INDEX "people_email_idx"`), `people_email_idx`},
	{"an index that is no longer unique", statements(`DROP INDEX "people_email_idx"`, `CREATE INDEX "people_email_idx" ON "people" ("email")`), `Unique`},
	{"an index on other columns", statements(`DROP INDEX "people_org_status"`, `CREATE INDEX "people_org_status" ON "people" ("status", "org_id") WHERE deleted_at IS NULL`), `org_id`},
	{"a partial index with another WHERE", statements(`DROP INDEX "orgs_plan_idx"`, `CREATE INDEX "orgs_plan_idx" ON "orgs" ("plan") WHERE active`), `plan <> 'free'`},
	{"a unique constraint that became a bare unique index", statements(`DROP INDEX "orgs_name_key"`, `CREATE UNIQUE INDEX "orgs_name_key" ON "orgs" ("name")`), `orgs_name_key`},
	{"a missing unique constraint", statements(`DROP INDEX "people_org_email"`), `people_org_email`},
	{"a foreign key with another delete action", rebuilding("people", `ON DELETE CASCADE ON UPDATE RESTRICT`, `ON DELETE SET NULL ON UPDATE RESTRICT`), `cascade`},
	{"a foreign key with another update action", rebuilding("orgs", `ON DELETE SET NULL ON UPDATE CASCADE`, `ON DELETE SET NULL`), `cascade`},
	{"a foreign key to another column", rebuilding("memberships", `REFERENCES "orgs" ("id")`, `REFERENCES "orgs" ("owner_id")`), `owner_id`},
	{"a foreign key by another name", rebuilding("memberships", `"memberships_org_id_fkey"`, `"memberships_org_fkey"`), `memberships_org_id_fkey`},
	{"a missing foreign key", rebuilding("orgs", `,
  CONSTRAINT "orgs_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "people" ("id") ON DELETE SET DEFAULT`, ``), `orgs_owner_id_fkey`},
	{"an extra table", statements(`CREATE TABLE "extra" ("id" INT)`), `extra`},
	{"a missing table", statements(`DROP TABLE "memberships"`), `memberships`},
}

func TestInspectCatchesADatabaseChangedBehindStratasBack(t *testing.T) {
	for _, tc := range tamperCases {
		t.Run(tc.name, func(t *testing.T) {
			db := testdb.SQLite(t)
			want := migrate(t, db, richFirst)
			if diff := liveDiff(t, db, want); diff != "" {
				t.Fatalf("before tampering, the live schema differs already (-want +got):\n%s", diff)
			}
			tc.tamper(t, db)
			diff := liveDiff(t, db, want)
			if diff == "" {
				t.Fatal("the comparison reports no difference")
			}
			if !strings.Contains(diff, tc.want) {
				t.Errorf("the difference does not mention %s:\n%s", tc.want, diff)
			}
		})
	}
}

// statements tampers by running SQL statements.
func statements(sqls ...string) func(*testing.T, *sql.DB) {
	return func(t *testing.T, db *sql.DB) {
		t.Helper()
		if err := exec(db, sqls...); err != nil {
			t.Fatal(err)
		}
	}
}

// rebuilding tampers by rebuilding table with the first old of its CREATE
// TABLE replaced by new (see [dialecttest.RebuildSQLiteTable]).
func rebuilding(table, old, new string) func(*testing.T, *sql.DB) {
	return func(t *testing.T, db *sql.DB) {
		t.Helper()
		dialecttest.RebuildSQLiteTable(t, db, table, old, new)
	}
}

func queryStrings(t *testing.T, conn *sql.Conn, query string, args ...any) []string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestComparableNormalisesWhatSQLiteCannotTellBack(t *testing.T) {
	in := &schema.Schema{
		Enums: []schema.Enum{{Name: "mood", Values: []string{"up", "down"}}, {Name: "unused", Values: []string{"x"}}},
		Tables: []schema.Table{{
			Name: "t",
			Columns: []schema.Column{
				{Name: "id", Type: integer, Identity: true},
				{Name: "doc", Type: jsonType},
				{Name: "key", Type: uuidType},
				{Name: "at", Type: stamp, AutoNow: true, Default: "CURRENT_TIMESTAMP"},
				{Name: "mood", Type: enum("mood")},
				{Name: "price", Type: schema.Type{Kind: schema.Float64, Custom: custom("", "NUMERIC(10, 2)")}},
				{Name: "count", Type: schema.Type{Kind: schema.Int32, Custom: custom("sqlite", "BIGINT")}},
				{Name: "code", Type: schema.Type{Kind: schema.Text, Custom: custom("postgres", "citext")}},
				{Name: "mood2", Type: schema.Type{Kind: schema.EnumKind, Enum: "mood", Custom: custom("sqlite", "TEXT")}},
			},
			PrimaryKey: []string{"id"},
			Indexes:    []schema.Index{},
		}},
	}
	kept := in.Clone()
	want := &schema.Schema{
		Enums: []schema.Enum{{Name: "t.mood", Values: []string{"up", "down"}}},
		Tables: []schema.Table{{
			Name: "t",
			Columns: []schema.Column{
				{Name: "id", Type: bigint, Identity: true},
				{Name: "doc", Type: text},
				{Name: "key", Type: text},
				{Name: "at", Type: stamp, AutoNow: true, Default: "CURRENT_TIMESTAMP"},
				{Name: "mood", Type: enum("t.mood")},
				{Name: "price", Type: schema.Type{Custom: custom("sqlite", "numeric(10, 2)")}},
				{Name: "count", Type: bigint},
				{Name: "code", Type: text},
				{Name: "mood2", Type: text},
			},
			PrimaryKey: []string{"id"},
		}},
	}
	got := sqlite.Comparable(in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Comparable (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(got, sqlite.Comparable(got)); diff != "" {
		t.Errorf("Comparable of its own result changes it (-once +twice):\n%s", diff)
	}
	if diff := cmp.Diff(kept, in); diff != "" {
		t.Errorf("Comparable changed its argument (-was +now):\n%s", diff)
	}
}

func TestInspectSeesNoDifferenceAfterARebuildThatChangesNothing(t *testing.T) {
	// The control for the cases above: rebuilding itself changes nothing
	// Inspect sees, so the difference each reports is its change.
	for _, table := range []string{"orgs", "people", "memberships"} {
		t.Run(table, func(t *testing.T) {
			db := testdb.SQLite(t)
			want := migrate(t, db, richFirst)
			rebuilding(table, `"id"`, `"id"`)(t, db)
			assertLive(t, db, want)
		})
	}
}

func TestInspectRefusesWhatTheSchemaModelCannotHold(t *testing.T) {
	cases := []struct {
		name, sql, want string
	}{
		{"a generated column", `CREATE TABLE "t" ("a" INT, "b" INT GENERATED ALWAYS AS (a + 1))`,
			"sqlite: inspect table t: column b is generated or hidden"},
		{"an index on an expression", `CREATE TABLE "t" ("a" TEXT); CREATE INDEX "t_lower" ON "t" (lower("a"))`,
			"sqlite: inspect table t: index t_lower is on an expression"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := testdb.SQLite(t)
			if err := exec(db, strings.Split(tc.sql, "; ")...); err != nil {
				t.Fatal(err)
			}
			got, err := sqlite.Inspect(context.Background(), db)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Inspect = %+v, %v; want an error containing %q", got, err, tc.want)
			}
		})
	}
}
