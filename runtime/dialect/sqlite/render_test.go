package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

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

// people is a table with a foreign key to orgs, an index and a unique
// constraint.
var people = schema.CreateTable{Table: schema.Table{
	Name: "people",
	Columns: []schema.Column{
		{Name: "id", Type: bigint, Identity: true},
		{Name: "org_id", Type: bigint},
		{Name: "email", Type: varchar(320)},
		{Name: "nickname", Type: text, Nullable: true},
		{Name: "status", Type: enum("status"), Default: "'active'"},
	},
	PrimaryKey:  []string{"id"},
	Indexes:     []schema.Index{{Name: "people_org_id_idx", Columns: []string{"org_id"}}},
	Uniques:     []schema.Unique{{Name: "people_email_key", Columns: []string{"email"}}},
	ForeignKeys: []schema.ForeignKey{{Name: "people_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}}},
}}

// cycle creates two tables that reference each other: the second
// foreign key is added after both tables, as the generator orders it.
var cycle = []schema.Operation{
	schema.CreateTable{Table: schema.Table{
		Name: "authors",
		Columns: []schema.Column{
			{Name: "id", Type: bigint, Identity: true},
			{Name: "best_book_id", Type: bigint, Nullable: true},
		},
		PrimaryKey: []string{"id"},
	}},
	schema.CreateTable{Table: schema.Table{
		Name: "books",
		Columns: []schema.Column{
			{Name: "id", Type: bigint, Identity: true},
			{Name: "author_id", Type: bigint},
		},
		PrimaryKey: []string{"id"},
		ForeignKeys: []schema.ForeignKey{{
			Name: "books_author_id_fkey", Columns: []string{"author_id"}, RefTable: "authors", RefColumns: []string{"id"}, OnDelete: schema.Cascade,
		}},
	}},
	schema.AddForeignKey{Table: "authors", ForeignKey: schema.ForeignKey{
		Name: "authors_best_book_id_fkey", Columns: []string{"best_book_id"}, RefTable: "books", RefColumns: []string{"id"}, OnDelete: schema.SetNull,
	}},
}

// renderCases cover every kind of operation. Each renders ops against the
// schema setup leaves, compares the SQL with its golden file, runs setup
// and ops on a fresh database and checks that Inspect reads back the schema
// the operations describe; check, when set, looks at the data.
var renderCases = []struct {
	name  string
	setup []schema.Operation
	ops   []schema.Operation
	check func(t *testing.T, db *sql.DB)
}{
	{
		name:  "create table declares columns, key, checks and foreign keys, then its unique constraints and indexes",
		setup: []schema.Operation{statusEnum, orgs},
		ops: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "users",
			Columns: []schema.Column{
				{Name: "id", Type: bigint, Identity: true},
				{Name: "email", Type: varchar(320)},
				{Name: "bio", Type: text, Nullable: true},
				{Name: "org_id", Type: bigint},
				{Name: "status", Type: enum("status"), Default: "'active'"},
				{Name: "age", Type: smallint, Default: "0"},
				{Name: "created_at", Type: stamp, Default: "CURRENT_TIMESTAMP"},
				{Name: "updated_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
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
		name: "create table declares every kind of column and type override",
		ops: []schema.Operation{
			schema.CreateEnum{Enum: schema.Enum{Name: "mood", Values: []string{"happy", "it's complicated"}}},
			schema.CreateTable{Table: schema.Table{
				Name: "kinds",
				Columns: []schema.Column{
					{Name: "flag", Type: boolean, Default: "true"},
					{Name: "small", Type: smallint},
					{Name: "mid", Type: integer, Default: "-1"},
					{Name: "big", Type: bigint, Nullable: true},
					{Name: "ratio", Type: schema.Type{Kind: schema.Float32}, Default: "1.5"},
					{Name: "score", Type: schema.Type{Kind: schema.Float64}, Default: "2.5e3"},
					{Name: "note", Type: text, Default: "lower('HELLO')"},
					{Name: "code", Type: varchar(12), Default: "'it''s'"},
					{Name: "raw", Type: blob, Default: "X'00ff'"},
					{Name: "at", Type: stamp, Default: "CURRENT_TIMESTAMP"},
					{Name: "doc", Type: jsonType, Default: "'{}'"},
					{Name: "key", Type: uuidType, Nullable: true},
					{Name: "mood", Type: enum("mood"), Default: "'happy'"},
					{Name: "price", Type: schema.Type{Kind: schema.Float64, Custom: custom("sqlite", "NUMERIC(10, 2)")}},
					{Name: "currency", Type: schema.Type{Kind: schema.Text, Custom: custom("", "char(3)")}},
					{Name: "tags", Type: schema.Type{Kind: schema.JSON, Custom: custom("postgres", "text[]")}, Nullable: true},
				},
			}},
		},
	},
	{
		name: "create table with a composite primary key declares it as a constraint",
		ops: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name: "prices",
			Columns: []schema.Column{
				{Name: "sku", Type: varchar(40)},
				{Name: "region", Type: integer},
				{Name: "cents", Type: bigint},
			},
			PrimaryKey: []string{"sku", "region"},
		}}},
	},
	{
		name: "create table with an integer primary key that is no identity keeps it apart from the rowid",
		ops: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name:       "codes",
			Columns:    []schema.Column{{Name: "id", Type: bigint}, {Name: "label", Type: text}},
			PrimaryKey: []string{"id"},
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
				RefColumns: []string{"id"}, OnDelete: schema.SetNull, OnUpdate: schema.Cascade,
			}},
		}}},
	},
	{
		name: "add foreign key to a table created earlier in the list is folded into its create table, closing a cycle",
		ops:  cycle,
	},
	{
		name:  "drop foreign key of a table dropped later renders nothing, so a cycle can be dropped",
		setup: cycle,
		ops: []schema.Operation{
			schema.DropForeignKey{Table: "authors", Name: "authors_best_book_id_fkey"},
			schema.DropTable{Name: "books"},
			schema.DropTable{Name: "authors"},
		},
	},
	{
		name: "drop column of a column referenced by a foreign key whose table is dropped later",
		setup: []schema.Operation{orgs,
			schema.AddUnique{Table: "orgs", Unique: schema.Unique{Name: "orgs_name_key", Columns: []string{"name"}}},
			schema.CreateTable{Table: schema.Table{Name: "notes", Columns: []schema.Column{{Name: "org_name", Type: varchar(200)}},
				ForeignKeys: []schema.ForeignKey{{Name: "notes_org_name_fkey", Columns: []string{"org_name"}, RefTable: "orgs", RefColumns: []string{"name"}}}}},
		},
		ops: []schema.Operation{
			schema.DropForeignKey{Table: "notes", Name: "notes_org_name_fkey"},
			schema.DropUnique{Table: "orgs", Name: "orgs_name_key"},
			schema.DropColumn{Table: "orgs", Column: "name"},
			schema.DropTable{Name: "notes"},
		},
	},
	{
		name:  "drop table drops it with its indexes and constraints",
		setup: []schema.Operation{statusEnum, orgs, people},
		ops:   []schema.Operation{schema.DropTable{Name: "people"}},
	},
	{
		name:  "add column appends columns of every kind SQLite can add in place",
		setup: []schema.Operation{statusEnum, orgs},
		ops: []schema.Operation{
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "bio", Type: text, Nullable: true}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "plan", Type: varchar(20), Default: "'free'"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "status", Type: enum("status"), Default: "'active'"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "verified", Type: boolean, Default: "false"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "logo", Type: blob, Nullable: true}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "settings", Type: jsonType, Default: "'{}'"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "score", Type: schema.Type{Kind: schema.Float32}, Default: "-1.5"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "seats", Type: integer, Default: "-1"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "updated_at", Type: stamp, Nullable: true, AutoNow: true}},
		},
	},
	{
		name:  "add column rebuilds the table for what SQLite cannot add in place, all in one rebuild",
		setup: []schema.Operation{orgs},
		ops: []schema.Operation{
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "created_at", Type: stamp, Default: "CURRENT_TIMESTAMP"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "code", Type: text, Default: "lower('NEW')"}},
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "seats", Type: integer}},
		},
	},
	{
		name: "add foreign key on a column added to a table created in the same list rebuilds it",
		ops: []schema.Operation{
			orgs,
			schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "parent_id", Type: bigint, Nullable: true}},
			schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{
				Name: "orgs_parent_id_fkey", Columns: []string{"parent_id"}, RefTable: "orgs", RefColumns: []string{"id"}}},
		},
	},
	{
		name:  "drop column removes columns, an enum one with its check, and keeps the order of the others",
		setup: []schema.Operation{statusEnum, orgs, people},
		ops: []schema.Operation{
			schema.DropColumn{Table: "people", Column: "nickname"},
			schema.DropColumn{Table: "people", Column: "status"},
		},
	},
	{
		name:  "create index on several columns, unique and partial",
		setup: []schema.Operation{statusEnum, orgs, people},
		ops: []schema.Operation{
			schema.CreateIndex{Table: "people", Index: schema.Index{Name: "people_nickname_org_id_idx", Columns: []string{"nickname", "org_id"}}},
			schema.CreateIndex{Table: "people", Index: schema.Index{
				Name: "people_org_nickname_key", Columns: []string{"org_id", "nickname"}, Unique: true, Where: "nickname IS NOT NULL",
			}},
		},
	},
	{
		name:  "drop index drops it by name",
		setup: []schema.Operation{statusEnum, orgs, people},
		ops:   []schema.Operation{schema.DropIndex{Table: "people", Name: "people_org_id_idx"}},
	},
	{
		name:  "add unique adds a marked unique index over several columns",
		setup: []schema.Operation{statusEnum, orgs, people},
		ops:   []schema.Operation{schema.AddUnique{Table: "people", Unique: schema.Unique{Name: "people_org_nickname_key", Columns: []string{"org_id", "nickname"}}}},
	},
	{
		name:  "drop unique drops its index",
		setup: []schema.Operation{statusEnum, orgs, people},
		ops:   []schema.Operation{schema.DropUnique{Table: "people", Name: "people_email_key"}},
	},
	{
		name:  "create enum and drop enum render nothing",
		setup: []schema.Operation{statusEnum},
		ops: []schema.Operation{
			schema.DropEnum{Name: "status"},
			schema.CreateEnum{Enum: schema.Enum{Name: "status", Values: []string{"new", "old"}}},
		},
	},
	{
		name:  "run SQL runs the SQLite text, else the shared text, else nothing",
		setup: []schema.Operation{orgs},
		ops: []schema.Operation{
			schema.RunSQL{SQL: `INSERT INTO "orgs" ("name") VALUES ('shared, overridden')`, SQLite: `INSERT INTO "orgs" ("name") VALUES ('sqlite')`},
			schema.RunSQL{Postgres: `COMMENT ON TABLE "orgs" IS 'organisations'`},
			schema.RunSQL{SQL: `INSERT INTO "orgs" ("name") VALUES ('shared')`, Postgres: `SELECT 1`},
		},
		check: func(t *testing.T, db *sql.DB) {
			if diff := cmp.Diff([]string{"sqlite", "shared"}, orgNames(t, db)); diff != "" {
				t.Errorf("rows the SQL steps inserted (-want +got):\n%s", diff)
			}
		},
	},
}

func TestRenderEachOperation(t *testing.T) {
	for _, tc := range renderCases {
		t.Run(tc.name, func(t *testing.T) {
			before := applied(t, &schema.Schema{}, tc.setup)
			steps := render(t, before, tc.ops)
			golden(t, filepath.Join("testdata", "render", slug(tc.name)+".sql"), script(steps, tc.ops))

			db := testdb.SQLite(t)
			migrate(t, db, tc.setup)
			run(t, db, steps)
			assertLive(t, db, applied(t, before, tc.ops))
			if tc.check != nil {
				tc.check(t, db)
			}
		})
	}
}

// orgNames returns the names in the orgs table, in the order of their ids.
func orgNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT "name" FROM "orgs" ORDER BY "id"`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var names []string
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
	return names
}

func TestRenderRunsGoStepsInTheirPlace(t *testing.T) {
	step := func(name string) schema.RunGo {
		return schema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO "orgs" ("name") VALUES (?)`, name)
			return err
		}}
	}
	ops := []schema.Operation{
		orgs, step("first"),
		schema.RunSQL{Postgres: "SELECT 1"},
		schema.RunSQL{SQLite: `INSERT INTO "orgs" ("name") VALUES ('sql')`},
		step("second"),
	}
	steps := render(t, &schema.Schema{}, ops)
	var got []string
	for _, s := range steps {
		kind := "SQL"
		if s.Go != nil {
			kind = "Go"
		}
		got = append(got, string(rune('0'+s.Op))+" "+kind)
	}
	if diff := cmp.Diff([]string{"0 SQL", "1 Go", "3 SQL", "4 Go"}, got); diff != "" {
		t.Errorf("steps as operation index and kind (-want +got):\n%s", diff)
	}

	db := testdb.SQLite(t)
	run(t, db, steps)
	if diff := cmp.Diff([]string{"first", "sql", "second"}, orgNames(t, db)); diff != "" {
		t.Errorf("rows the steps inserted (-want +got):\n%s", diff)
	}
}

func TestRenderRefusesWhatDoesNotFitOrSQLiteCannotDo(t *testing.T) {
	addColumn := func(c schema.Column) []schema.Operation {
		return []schema.Operation{schema.AddColumn{Table: "orgs", Column: c}}
	}
	createTable := func(tb schema.Table) []schema.Operation { return []schema.Operation{schema.CreateTable{Table: tb}} }
	id := schema.Column{Name: "id", Type: bigint}
	withCheck := schema.CreateTable{Table: schema.Table{
		Name: "stock", Columns: []schema.Column{{Name: "id", Type: bigint, Identity: true}, {Name: "qty", Type: integer}},
		PrimaryKey: []string{"id"}, Checks: []schema.Check{{Name: "stock_qty_check", Expr: `"qty" >= 0`}},
	}}
	withPartial := []schema.Operation{orgs, schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "gone", Type: boolean, Default: "false"}},
		schema.CreateIndex{Table: "orgs", Index: schema.Index{Name: "orgs_live_idx", Columns: []string{"name"}, Where: "NOT gone"}}}
	cases := []struct {
		name    string
		setup   []schema.Operation
		ops     []schema.Operation
		want    string
		is      error    // an error the error must wrap
		refused []string // statements SQLite itself refuses after setup: the last must fail
	}{
		{name: "dropping a table that does not exist", ops: []schema.Operation{schema.DropTable{Name: "ghosts"}},
			want: "sqlite: operation 1 (drop table ghosts): ", is: schema.ErrNotFit},
		{name: "an operation later in the list that does not fit", setup: []schema.Operation{orgs},
			ops:  []schema.Operation{schema.DropColumn{Table: "orgs", Column: "name"}, schema.DropColumn{Table: "orgs", Column: "name"}},
			want: "sqlite: operation 2 (drop column orgs.name): ", is: schema.ErrNotFit},
		{name: "an operation that does not fit in a run that one rebuild would carry out", setup: []schema.Operation{orgs},
			ops: []schema.Operation{
				schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: varchar(300)}},
				schema.AddCheck{Table: "orgs", Check: schema.Check{Name: "orgs_name_check"}},
			},
			want: "sqlite: operation 2 (add check orgs_name_check on orgs): ", is: schema.ErrNotFit},
		{name: "altering a column of a table that does not exist",
			ops:  []schema.Operation{schema.AlterColumn{Table: "ghosts", Column: schema.Column{Name: "id", Type: bigint}}},
			want: "sqlite: operation 1 (alter column ghosts.id): ", is: schema.ErrNotFit},
		{name: "altering a column into an identity that is not the primary key", setup: []schema.Operation{orgs},
			ops:  []schema.Operation{schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: bigint, Identity: true}}},
			want: "identity column name must be the only primary-key column of table orgs"},
		{name: "moving a primary key a foreign key still references", setup: []schema.Operation{orgs, statusEnum, people},
			ops: []schema.Operation{
				schema.AlterColumn{Table: "orgs", Column: schema.Column{Name: "id", Type: bigint}},
				schema.AlterPrimaryKey{Table: "orgs", Old: []string{"id"}, New: []string{"name"}},
			},
			want: "foreign key people_org_id_fkey of table people references orgs (id), which would be neither its primary key nor unique"},
		{name: "moving a primary key off an identity column", setup: []schema.Operation{orgs},
			ops:  []schema.Operation{schema.AlterPrimaryKey{Table: "orgs", Old: []string{"id"}, New: []string{"id", "name"}}},
			want: "identity column id must be the only primary-key column of table orgs"},
		{name: "adding a foreign key with an unknown action to a table that exists", setup: []schema.Operation{orgs},
			ops: []schema.Operation{schema.AddForeignKey{Table: "orgs", ForeignKey: schema.ForeignKey{
				Name: "orgs_id_fkey", Columns: []string{"id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnUpdate: "explode"}}},
			want: `foreign key orgs_id_fkey: unknown action "explode"`},
		{name: "renaming a table to the name of another but for case", setup: []schema.Operation{orgs, statusEnum, people},
			ops: []schema.Operation{schema.RenameTable{From: "people", To: "ORGS"}}, want: "table orgs exists already",
			refused: []string{`ALTER TABLE "people" RENAME TO "ORGS"`}},
		{name: "renaming a column to the name of another but for case", setup: []schema.Operation{orgs},
			ops: []schema.Operation{schema.RenameColumn{Table: "orgs", From: "id", To: "NAME"}}, want: "table orgs has a column name already",
			refused: []string{`ALTER TABLE "orgs" RENAME COLUMN "id" TO "NAME"`}},
		{name: "adding an identity column", setup: []schema.Operation{orgs},
			ops: addColumn(schema.Column{Name: "n", Type: bigint, Identity: true}), want: "cannot add identity column n",
			refused: []string{`ALTER TABLE "orgs" ADD COLUMN "n" INTEGER PRIMARY KEY`}},
		{name: "adding a column named like another but for case", setup: []schema.Operation{orgs},
			ops: addColumn(schema.Column{Name: "Name", Type: text, Nullable: true}), want: "table orgs has a column name already",
			refused: []string{`ALTER TABLE "orgs" ADD COLUMN "Name" TEXT`}},
		{name: "adding a column of an enum that does not exist", setup: []schema.Operation{orgs},
			ops: addColumn(schema.Column{Name: "status", Type: enum("status"), Nullable: true}), want: "column status: no enum status"},
		{name: "adding a column of an unknown kind", setup: []schema.Operation{orgs},
			ops: addColumn(schema.Column{Name: "odd", Type: schema.Type{Kind: "decimal"}, Nullable: true}), want: `sqlite: unknown column kind "decimal"`},
		{name: "dropping a column a check uses", setup: []schema.Operation{withCheck},
			ops:     []schema.Operation{schema.DropColumn{Table: "stock", Column: "qty"}},
			want:    "column qty is used by check stock_qty_check: drop the check first",
			refused: []string{`ALTER TABLE "stock" DROP COLUMN "qty"`}},
		{name: "dropping a column the WHERE of a partial index uses", setup: withPartial,
			ops:     []schema.Operation{schema.DropColumn{Table: "orgs", Column: "gone"}},
			want:    "column gone is used by the WHERE of index orgs_live_idx: drop the index first",
			refused: []string{`ALTER TABLE "orgs" DROP COLUMN "gone"`}},
		{name: "dropping a column another table's foreign key references", setup: []schema.Operation{orgs,
			schema.CreateTable{Table: schema.Table{Name: "notes", Columns: []schema.Column{{Name: "org_name", Type: varchar(200)}},
				ForeignKeys: []schema.ForeignKey{{Name: "notes_org_name_fkey", Columns: []string{"org_name"}, RefTable: "orgs", RefColumns: []string{"name"}}}}}},
			ops:  []schema.Operation{schema.DropColumn{Table: "orgs", Column: "name"}},
			want: "column name is referenced by foreign key notes_org_name_fkey of table notes"},
		{name: "dropping the last column of a table", setup: createTable(schema.Table{Name: "t", Columns: []schema.Column{id}}),
			ops: []schema.Operation{schema.DropColumn{Table: "t", Column: "id"}}, want: "cannot drop id, the only column of table t",
			refused: []string{`ALTER TABLE "t" DROP COLUMN "id"`}},
		{name: "a table without columns", ops: createTable(schema.Table{Name: "t"}), want: "a table needs at least one column",
			refused: []string{`CREATE TABLE "t" ()`}},
		{name: "a column declared twice, but for case", ops: createTable(schema.Table{Name: "t", Columns: []schema.Column{id, {Name: "ID", Type: text}}}),
			want: "column t.ID is declared twice", refused: []string{`CREATE TABLE "t" ("id" BIGINT, "ID" TEXT)`}},
		{name: "a primary key on a missing column", ops: createTable(schema.Table{Name: "t", Columns: []schema.Column{id}, PrimaryKey: []string{"key"}}),
			want: "primary key: table t has no column key"},
		{name: "a NULL-able primary-key column", ops: createTable(schema.Table{Name: "t", Columns: []schema.Column{{Name: "id", Type: text, Nullable: true}}, PrimaryKey: []string{"id"}}),
			want: "primary key column t.id is NULL-able"},
		{name: "an index of a new table on a missing column", ops: createTable(schema.Table{Name: "t", Columns: []schema.Column{id},
			Indexes: []schema.Index{{Name: "t_x_idx", Columns: []string{"x"}}}}), want: "index t_x_idx: table t has no column x"},
		{name: "a foreign key whose columns do not pair up", ops: createTable(schema.Table{Name: "t", Columns: []schema.Column{id},
			ForeignKeys: []schema.ForeignKey{{Name: "t_fkey", Columns: []string{"id"}, RefTable: "t", RefColumns: []string{"id", "id"}}}}),
			want: "foreign key t_fkey has 1 columns but references 2"},
		{name: "a foreign key with an unknown action", ops: createTable(schema.Table{Name: "t", Columns: []schema.Column{id},
			ForeignKeys: []schema.ForeignKey{{Name: "t_fkey", Columns: []string{"id"}, RefTable: "t", RefColumns: []string{"id"}, OnDelete: "explode"}}}),
			want: `foreign key t_fkey: unknown action "explode"`},
		{name: "an identity column that is not the primary key", ops: createTable(schema.Table{Name: "t",
			Columns: []schema.Column{id, {Name: "n", Type: bigint, Identity: true}}, PrimaryKey: []string{"id"}}),
			want: "identity column n must be the only primary-key column of table t"},
		{name: "an identity column that is not an integer", ops: createTable(schema.Table{Name: "t",
			Columns: []schema.Column{{Name: "id", Type: text, Identity: true}}, PrimaryKey: []string{"id"}}),
			want: "identity column id must be an integer, not text"},
		{name: "an identity column with a default", ops: createTable(schema.Table{Name: "t",
			Columns: []schema.Column{{Name: "id", Type: bigint, Identity: true, Default: "1"}}, PrimaryKey: []string{"id"}}),
			want: "identity column id can be neither NULL-able nor have a default"},
		{name: "a Go step without a function", ops: []schema.Operation{schema.RunGo{}}, want: "sqlite: operation 1 (run Go): the Go step has no function"},
		{name: "a nil operation", ops: []schema.Operation{nil}, want: "sqlite: operation 1 (nil): no operation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := applied(t, &schema.Schema{}, tc.setup)
			steps, err := sqlite.Dialect{}.Render(before, tc.ops)
			if err == nil {
				t.Fatalf("Render returned no error but:\n%s", script(steps, tc.ops))
			}
			if !strings.HasPrefix(err.Error(), "sqlite: operation ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q, want one naming the operation and containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error = %q, want it to wrap %q", err, tc.is)
			}
			if tc.is == nil && errors.Is(err, schema.ErrNotFit) {
				t.Errorf("error = %q wraps schema.ErrNotFit, but the operation fits", err)
			}
			if steps != nil {
				t.Errorf("Render returned steps with its error: %v", steps)
			}
			if len(tc.refused) > 0 {
				db := testdb.SQLite(t)
				migrate(t, db, tc.setup)
				last := len(tc.refused) - 1
				if err := exec(db, tc.refused[:last]...); err != nil {
					t.Fatal(err)
				}
				if err := exec(db, tc.refused[last]); err == nil {
					t.Errorf("SQLite ran %s, which Render refuses as something SQLite cannot do", tc.refused[last])
				}
			}
		})
	}
}

func TestRenderIsDeterministicAndLeavesBeforeAlone(t *testing.T) {
	before := applied(t, &schema.Schema{}, []schema.Operation{statusEnum, orgs})
	kept := before.Clone()
	shuffled := people
	shuffled.Table = people.Table.Clone()
	shuffled.Table.Indexes = append(shuffled.Table.Indexes, schema.Index{Name: "a_first_idx", Columns: []string{"email"}})
	shuffled.Table.Uniques = append(shuffled.Table.Uniques, schema.Unique{Name: "a_first_key", Columns: []string{"nickname"}})
	reversed := shuffled
	reversed.Table = shuffled.Table.Clone()
	reversed.Table.Indexes = []schema.Index{shuffled.Table.Indexes[1], shuffled.Table.Indexes[0]}
	reversed.Table.Uniques = []schema.Unique{shuffled.Table.Uniques[1], shuffled.Table.Uniques[0]}
	ops := func(create schema.CreateTable) []schema.Operation {
		return []schema.Operation{create, schema.AddForeignKey{Table: "people", ForeignKey: schema.ForeignKey{
			Name: "a_people_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}}}}
	}
	first := script(render(t, before, ops(shuffled)), ops(shuffled))
	for range 5 {
		if again := script(render(t, before, ops(reversed)), ops(reversed)); again != first {
			t.Fatalf("a second rendering differs (-first +again):\n%s", cmp.Diff(first, again))
		}
	}
	if !strings.Contains(first, `CONSTRAINT "a_people_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id"),`+"\n  "+`CONSTRAINT "people_org_id_fkey"`) {
		t.Errorf("the folded foreign key is not declared first, by name, in CREATE TABLE:\n%s", first)
	}
	if diff := cmp.Diff(kept, before); diff != "" {
		t.Errorf("Render changed before (-was +now):\n%s", diff)
	}
}

func TestRenderInPlaceLeavesWhatApplyAllLeaves(t *testing.T) {
	dialecttest.RenderInPlaceLeavesWhatApplyAllLeaves(t, sqlite.Dialect{})
}
