package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// items is a table of every sort of column the alterations below change,
// with an identity key, a unique constraint, an index and a check.
var items = schema.CreateTable{Table: schema.Table{
	Name: "items",
	Columns: []schema.Column{
		{Name: "id", Type: integer, Identity: true},
		{Name: "qty", Type: integer, Default: "0"},
		{Name: "code", Type: varchar(20)},
		{Name: "note", Type: text, Nullable: true},
		{Name: "state", Type: text, Default: "'active'"},
		{Name: "price", Type: integer, Nullable: true},
	},
	PrimaryKey: []string{"id"},
	Indexes:    []schema.Index{{Name: "items_qty_idx", Columns: []string{"qty"}}},
	Uniques:    []schema.Unique{{Name: "items_code_key", Columns: []string{"code"}}},
	Checks:     []schema.Check{{Name: "items_qty_check", Expr: "qty >= 0"}},
}}

// orders references items.
var orders = schema.CreateTable{Table: schema.Table{
	Name: "orders",
	Columns: []schema.Column{
		{Name: "id", Type: bigint, Identity: true},
		{Name: "item_id", Type: integer},
	},
	PrimaryKey: []string{"id"},
	ForeignKeys: []schema.ForeignKey{{
		Name: "orders_item_id_fkey", Columns: []string{"item_id"}, RefTable: "items", RefColumns: []string{"id"},
		OnDelete: schema.Cascade,
	}},
}}

const (
	itemRows = `INSERT INTO "items" ("qty", "code", "note", "state", "price") VALUES
		(3, 'a-1', 'first', 'active', 100), (0, 'b-2', NULL, 'banned', NULL), (12, 'c-3', 'third', 'active', 2500);
		INSERT INTO "orders" ("item_id") VALUES (1), (3), (3)`
	itemQuery  = `SELECT "id", "qty", "code", "note", "state", "price" FROM "items" ORDER BY "id"`
	orderQuery = `SELECT o."id", i."code" FROM "orders" o JOIN "items" i ON i."id" = o."item_id" ORDER BY o."id"`
)

// itemsAsInserted are the rows of itemQuery after itemRows.
var itemsAsInserted = []string{
	"1|3|a-1|first|active|100",
	"2|0|b-2|NULL|banned|NULL",
	"3|12|c-3|third|active|2500",
}

// alter returns an AlterColumn of items that changes the column named like
// c into c.
func alter(c schema.Column) schema.AlterColumn {
	return schema.AlterColumn{Table: "items", Column: c}
}

// keepCases change tables that hold rows. Each renders up against the
// schema setup leaves and down against the one up leaves, and compares both
// scripts with its golden file. Then, on a fresh database holding rows, it
// runs up and checks that the live schema is the operations' and the rows
// are wantUp (want when nil, read by upQuery, query when empty); runs down
// and checks that the schema is setup's again and the rows are wantDown
// (want when nil). afterUp and afterDown run right after up and down, to
// insert rows that prove a default or an identity works.
var keepCases = []struct {
	name               string
	setup              []schema.Operation
	up, down           []schema.Operation
	query, upQuery     string
	want               []string
	wantUp, wantDown   []string
	afterUp, afterDown string
}{
	{
		name:    "renaming a table keeps its rows, and the foreign keys to it follow",
		up:      []schema.Operation{schema.RenameTable{From: "items", To: "products"}},
		down:    []schema.Operation{schema.RenameTable{From: "products", To: "items"}},
		query:   orderQuery,
		upQuery: strings.ReplaceAll(orderQuery, `"items"`, `"products"`),
		want:    []string{"1|a-1", "2|c-3", "3|c-3"},
	},
	{
		name: "renaming a table frees its name and its primary key's for a new table",
		up: []schema.Operation{
			schema.RenameTable{From: "orders", To: "old_orders"},
			schema.CreateTable{Table: schema.Table{
				Name:       "orders",
				Columns:    []schema.Column{{Name: "id", Type: bigint, Identity: true}},
				PrimaryKey: []string{"id"},
			}},
		},
		down: []schema.Operation{
			schema.DropTable{Name: "orders"},
			schema.RenameTable{From: "old_orders", To: "orders"},
		},
		query:   orderQuery,
		upQuery: strings.ReplaceAll(orderQuery, `"orders"`, `"old_orders"`),
		want:    []string{"1|a-1", "2|c-3", "3|c-3"},
	},
	{
		name: "renaming columns keeps their data, and the key, index and constraints on them follow",
		up: []schema.Operation{
			schema.RenameColumn{Table: "items", From: "id", To: "item_no"},
			schema.RenameColumn{Table: "items", From: "code", To: "sku"},
			schema.RenameColumn{Table: "orders", From: "item_id", To: "item_no"},
		},
		down: []schema.Operation{
			schema.RenameColumn{Table: "orders", From: "item_no", To: "item_id"},
			schema.RenameColumn{Table: "items", From: "sku", To: "code"},
			schema.RenameColumn{Table: "items", From: "item_no", To: "id"},
		},
		query:   orderQuery,
		upQuery: `SELECT o."id", i."sku" FROM "orders" o JOIN "items" i ON i."item_no" = o."item_no" ORDER BY o."id"`,
		want:    []string{"1|a-1", "2|c-3", "3|c-3"},
	},
	{
		name: "renaming a column a check uses goes between dropping the check and adding it back",
		up: []schema.Operation{
			schema.DropCheck{Table: "items", Name: "items_qty_check"},
			schema.RenameColumn{Table: "items", From: "qty", To: "quantity"},
			schema.AddCheck{Table: "items", Check: schema.Check{Name: "items_qty_check", Expr: "quantity >= 0"}},
		},
		down: []schema.Operation{
			schema.DropCheck{Table: "items", Name: "items_qty_check"},
			schema.RenameColumn{Table: "items", From: "quantity", To: "qty"},
			schema.AddCheck{Table: "items", Check: schema.Check{Name: "items_qty_check", Expr: "qty >= 0"}},
		},
		query:   itemQuery,
		upQuery: strings.ReplaceAll(itemQuery, `"qty"`, `"quantity"`),
		want:    itemsAsInserted,
	},
	{
		name:  "renaming an index keeps it",
		up:    []schema.Operation{schema.RenameIndex{Table: "items", From: "items_qty_idx", To: "items_quantity_idx"}},
		down:  []schema.Operation{schema.RenameIndex{Table: "items", From: "items_quantity_idx", To: "items_qty_idx"}},
		query: itemQuery,
		want:  itemsAsInserted,
	},
	{
		name: "renaming a unique, a foreign key and a check renames each and the unique's index",
		up: []schema.Operation{
			schema.RenameConstraint{Table: "items", From: "items_code_key", To: "items_sku_key"},
			schema.RenameConstraint{Table: "items", From: "items_qty_check", To: "items_qty_positive"},
			schema.RenameConstraint{Table: "orders", From: "orders_item_id_fkey", To: "orders_item_fkey"},
		},
		down: []schema.Operation{
			schema.RenameConstraint{Table: "orders", From: "orders_item_fkey", To: "orders_item_id_fkey"},
			schema.RenameConstraint{Table: "items", From: "items_qty_positive", To: "items_qty_check"},
			schema.RenameConstraint{Table: "items", From: "items_sku_key", To: "items_code_key"},
		},
		query: itemQuery,
		want:  itemsAsInserted,
	},
	{
		name:  "adding a check keeps rows that pass it, and dropping it again keeps them too",
		up:    []schema.Operation{schema.AddCheck{Table: "items", Check: schema.Check{Name: "items_price_check", Expr: "price > 0"}}},
		down:  []schema.Operation{schema.DropCheck{Table: "items", Name: "items_price_check"}},
		query: itemQuery,
		want:  itemsAsInserted,
	},
	{
		name:  "dropping a check keeps the rows, and adding it back checks them",
		up:    []schema.Operation{schema.DropCheck{Table: "items", Name: "items_qty_check"}},
		down:  []schema.Operation{schema.AddCheck{Table: "items", Check: schema.Check{Name: "items_qty_check", Expr: "qty >= 0"}}},
		query: itemQuery,
		want:  itemsAsInserted,
	},
	{
		name: "widening an integer key and its foreign key to bigint keeps the rows and the identity",
		up: []schema.Operation{
			alter(schema.Column{Name: "id", Type: bigint, Identity: true}),
			schema.AlterColumn{Table: "orders", Column: schema.Column{Name: "item_id", Type: bigint}},
			alter(schema.Column{Name: "qty", Type: bigint, Default: "0"}),
		},
		down: []schema.Operation{
			alter(schema.Column{Name: "qty", Type: integer, Default: "0"}),
			schema.AlterColumn{Table: "orders", Column: schema.Column{Name: "item_id", Type: integer}},
			alter(schema.Column{Name: "id", Type: integer, Identity: true}),
		},
		query:    itemQuery,
		want:     itemsAsInserted,
		afterUp:  `INSERT INTO "items" ("qty", "code") VALUES (5000000000, 'd-4'); DELETE FROM "items" WHERE "id" = 4`,
		wantDown: itemsAsInserted,
	},
	{
		name:    "changing an integer to text keeps every value, and changing it back casts them",
		up:      []schema.Operation{alter(schema.Column{Name: "price", Type: text, Nullable: true, Default: "'0'"})},
		down:    []schema.Operation{alter(schema.Column{Name: "price", Type: integer, Nullable: true})},
		query:   itemQuery,
		upQuery: `SELECT "id", "price" || ' as text' FROM "items" ORDER BY "id"`,
		want:    itemsAsInserted,
		wantUp:  []string{"1|100 as text", "2|NULL", "3|2500 as text"},
	},
	{
		name:  "growing a varchar keeps its values, and so does shrinking it back to a size they fit",
		up:    []schema.Operation{alter(schema.Column{Name: "code", Type: varchar(50)})},
		down:  []schema.Operation{alter(schema.Column{Name: "code", Type: varchar(20)})},
		query: itemQuery,
		want:  itemsAsInserted,
	},
	{
		name: "making columns NOT NULL fills their NULLs with the backfill first",
		up: []schema.Operation{
			schema.AlterColumn{Table: "items", Column: schema.Column{Name: "note", Type: text}, Backfill: "'(none)'"},
			schema.AlterColumn{Table: "items", Column: schema.Column{Name: "price", Type: integer, Default: "0"}, Backfill: "-1"},
		},
		down: []schema.Operation{
			alter(schema.Column{Name: "price", Type: integer, Nullable: true}),
			alter(schema.Column{Name: "note", Type: text, Nullable: true}),
		},
		query:    itemQuery,
		want:     itemsAsInserted,
		wantUp:   []string{"1|3|a-1|first|active|100", "2|0|b-2|(none)|banned|-1", "3|12|c-3|third|active|2500"},
		wantDown: []string{"1|3|a-1|first|active|100", "2|0|b-2|(none)|banned|-1", "3|12|c-3|third|active|2500"},
	},
	{
		name: "changing, adding and dropping defaults keeps the rows, and new rows take the new defaults",
		up: []schema.Operation{
			alter(schema.Column{Name: "state", Type: text, Default: "'new'"}),
			alter(schema.Column{Name: "note", Type: text, Nullable: true, Default: "'n/a'"}),
			alter(schema.Column{Name: "qty", Type: integer}),
		},
		down: []schema.Operation{
			alter(schema.Column{Name: "qty", Type: integer, Default: "0"}),
			alter(schema.Column{Name: "note", Type: text, Nullable: true}),
			alter(schema.Column{Name: "state", Type: text, Default: "'active'"}),
		},
		query:     itemQuery,
		want:      itemsAsInserted,
		afterUp:   `INSERT INTO "items" ("qty", "code") VALUES (7, 'd-4')`,
		wantUp:    append(append([]string{}, itemsAsInserted...), "4|7|d-4|n/a|new|NULL"),
		afterDown: `INSERT INTO "items" ("code") VALUES ('e-5')`,
		wantDown:  append(append([]string{}, itemsAsInserted...), "4|7|d-4|n/a|new|NULL", "5|0|e-5|NULL|active|NULL"),
	},
	{
		name: "adding an identity sets it past the rows, so a row inserted without an id gets a fresh one",
		setup: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name:       "legacy",
			Columns:    []schema.Column{{Name: "id", Type: integer, Default: "0"}, {Name: "name", Type: text}},
			PrimaryKey: []string{"id"},
		}}, schema.RunSQL{SQL: `INSERT INTO "legacy" VALUES (1, 'one'), (2, 'two'), (5, 'five')`}},
		up: []schema.Operation{schema.AlterColumn{Table: "legacy", Column: schema.Column{Name: "id", Type: integer, Identity: true}}},
		down: []schema.Operation{schema.AlterColumn{Table: "legacy", Column: schema.Column{
			Name: "id", Type: integer, Default: "0",
		}}},
		query:    `SELECT "id", "name" FROM "legacy" ORDER BY "id"`,
		want:     []string{"1|one", "2|two", "5|five"},
		afterUp:  `INSERT INTO "legacy" ("name") VALUES ('six')`,
		wantUp:   []string{"1|one", "2|two", "5|five", "6|six"},
		wantDown: []string{"1|one", "2|two", "5|five", "6|six"},
	},
	{
		name:      "dropping an identity keeps the ids, and adding it back continues after the highest",
		up:        []schema.Operation{alter(schema.Column{Name: "id", Type: integer})},
		down:      []schema.Operation{alter(schema.Column{Name: "id", Type: integer, Identity: true})},
		query:     `SELECT "id", "code" FROM "items" ORDER BY "id"`,
		want:      []string{"1|a-1", "2|b-2", "3|c-3"},
		afterUp:   `INSERT INTO "items" ("id", "code") VALUES (10, 'j-10')`,
		wantUp:    []string{"1|a-1", "2|b-2", "3|c-3", "10|j-10"},
		afterDown: `INSERT INTO "items" ("code") VALUES ('k-11')`,
		wantDown:  []string{"1|a-1", "2|b-2", "3|c-3", "10|j-10", "11|k-11"},
	},
	{
		name: "one alteration changes type, nullability, default and identity together, in an order PostgreSQL takes",
		setup: []schema.Operation{schema.CreateTable{Table: schema.Table{
			Name:    "tickets",
			Columns: []schema.Column{{Name: "number", Type: integer, Nullable: true, Default: "0"}, {Name: "title", Type: text}},
		}}, schema.RunSQL{SQL: `INSERT INTO "tickets" VALUES (1, 'a'), (NULL, 'b'), (7, 'c')`}},
		up: []schema.Operation{schema.AlterColumn{Table: "tickets", Column: schema.Column{
			Name: "number", Type: bigint, Identity: true,
		}, Backfill: "0"}},
		down: []schema.Operation{schema.AlterColumn{Table: "tickets", Column: schema.Column{
			Name: "number", Type: integer, Nullable: true, Default: "0",
		}}},
		query:    `SELECT "number", "title" FROM "tickets" ORDER BY "title"`,
		want:     []string{"1|a", "NULL|b", "7|c"},
		afterUp:  `INSERT INTO "tickets" ("title") VALUES ('d')`,
		wantUp:   []string{"1|a", "0|b", "7|c", "8|d"},
		wantDown: []string{"1|a", "0|b", "7|c", "8|d"},
	},
	{
		name:  "changing text to an enum casts every value and its default, and back",
		setup: []schema.Operation{statusEnum},
		up:    []schema.Operation{alter(schema.Column{Name: "state", Type: enum("status"), Default: "'active'"})},
		down:  []schema.Operation{alter(schema.Column{Name: "state", Type: text, Default: "'active'"})},
		query: itemQuery,
		want:  itemsAsInserted,
	},
	{
		name: "moving a column to another enum type casts through text",
		setup: []schema.Operation{statusEnum,
			schema.CreateEnum{Enum: schema.Enum{Name: "Standing", Values: []string{"banned", "active", "retired"}}},
			alter(schema.Column{Name: "state", Type: enum("status"), Default: "'active'"})},
		up:    []schema.Operation{alter(schema.Column{Name: "state", Type: enum("Standing"), Default: "'active'"})},
		down:  []schema.Operation{alter(schema.Column{Name: "state", Type: enum("status"), Default: "'active'"})},
		query: itemQuery,
		want:  itemsAsInserted,
	},
	{
		name: "converting with a USING expression, both ways",
		up: []schema.Operation{schema.AlterColumn{
			Table: "items", Column: schema.Column{Name: "state", Type: schema.Type{Kind: schema.Bool}, Default: "true"},
			Using: `"state" = 'active'`,
		}},
		down: []schema.Operation{schema.AlterColumn{
			Table: "items", Column: schema.Column{Name: "state", Type: text, Default: "'active'"},
			Using: `CASE WHEN "state" THEN 'active' ELSE 'banned' END`,
		}},
		query:  itemQuery,
		want:   itemsAsInserted,
		wantUp: []string{"1|3|a-1|first|true|100", "2|0|b-2|NULL|false|NULL", "3|12|c-3|third|true|2500"},
	},
	{
		name: "a column joining the primary key, then the key moving to another column, keeps the rows",
		up: []schema.Operation{
			schema.DropForeignKey{Table: "orders", Name: "orders_item_id_fkey"},
			schema.AlterPrimaryKey{Table: "items", Old: []string{"id"}, New: []string{"id", "code"}},
			schema.AlterPrimaryKey{Table: "items", Old: []string{"id", "code"}, New: []string{"code"}},
			schema.AddUnique{Table: "items", Unique: schema.Unique{Name: "items_id_key", Columns: []string{"id"}}},
			schema.AddForeignKey{Table: "orders", ForeignKey: orders.Table.ForeignKeys[0]},
		},
		down: []schema.Operation{
			schema.DropForeignKey{Table: "orders", Name: "orders_item_id_fkey"},
			schema.DropUnique{Table: "items", Name: "items_id_key"},
			schema.AlterPrimaryKey{Table: "items", Old: []string{"code"}, New: []string{"id"}},
			schema.AddForeignKey{Table: "orders", ForeignKey: orders.Table.ForeignKeys[0]},
		},
		query: orderQuery,
		want:  []string{"1|a-1", "2|c-3", "3|c-3"},
	},
	{
		name: "changing to and from custom types",
		up: []schema.Operation{
			alter(schema.Column{Name: "price", Type: schema.Type{Kind: schema.Float64, Custom: []schema.CustomType{{SQL: "numeric(12, 2)"}}}, Nullable: true}),
			alter(schema.Column{Name: "code", Type: schema.Type{Kind: schema.Text, Custom: []schema.CustomType{
				{Dialect: "postgres", SQL: "char(8)"}, {Dialect: "sqlite", SQL: "TEXT"},
			}}}),
			schema.AlterColumn{Table: "items", Column: schema.Column{
				Name: "note", Type: schema.Type{Kind: schema.JSON, Custom: []schema.CustomType{{SQL: "text[]"}}}, Nullable: true,
			}, Using: `string_to_array("note", ',')`},
		},
		down: []schema.Operation{
			schema.AlterColumn{Table: "items", Column: schema.Column{Name: "note", Type: text, Nullable: true}, Using: `array_to_string("note", ',')`},
			alter(schema.Column{Name: "code", Type: varchar(20)}),
			alter(schema.Column{Name: "price", Type: integer, Nullable: true}),
		},
		query:   itemQuery,
		upQuery: `SELECT "id", "price"::text, "code", "note"::text FROM "items" ORDER BY "id"`,
		want:    itemsAsInserted,
		wantUp:  []string{"1|100.00|a-1     |{first}", "2|NULL|b-2     |NULL", "3|2500.00|c-3     |{third}"},
	},
}

func TestRenderedChangesKeepRowsBothWays(t *testing.T) {
	server := testdb.PostgresURL(t)
	for _, tc := range keepCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			setup := append([]schema.Operation{items, orders, schema.RunSQL{SQL: itemRows}}, tc.setup...)
			before := applied(t, &schema.Schema{}, setup)
			after := applied(t, before, tc.up)
			up, down := render(t, before, tc.up), render(t, after, tc.down)
			golden(t, filepath.Join("testdata", "alter", slug(tc.name)+".sql"),
				"-- up\n\n"+script(up, tc.up)+"-- down\n\n"+script(down, tc.down))

			db := freshSchema(t, server)
			run(t, db, render(t, &schema.Schema{}, setup))
			assertRows(t, db, "before up", tc.query, tc.want)

			run(t, db, up)
			execute(t, db, tc.afterUp)
			assertLive(t, db, after)
			assertRows(t, db, "after up", or(tc.upQuery, tc.query), orRows(tc.wantUp, tc.want))

			run(t, db, down)
			execute(t, db, tc.afterDown)
			assertLive(t, db, before)
			assertRows(t, db, "after down", tc.query, orRows(tc.wantDown, tc.want))
		})
	}
}

func TestRenderedConversionThatFailsRollsTheMigrationBack(t *testing.T) {
	cases := []struct {
		name      string
		change    schema.AlterColumn
		statement string
		state     string // the SQLSTATE PostgreSQL fails with
		message   string
	}{
		{
			name:      "text that is not a number does not become an integer",
			change:    alter(schema.Column{Name: "note", Type: integer, Nullable: true}),
			statement: `ALTER TABLE "items" ALTER COLUMN "note" TYPE INTEGER USING "note"::INTEGER`,
			state:     "22P02",
			message:   `invalid input syntax for type integer: "first"`,
		},
		{
			name:      "a varchar too short for its values is not cut",
			change:    alter(schema.Column{Name: "code", Type: varchar(2)}),
			statement: `ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(2)`,
			state:     "22001",
			message:   "value too long for type character varying(2)",
		},
	}
	server := testdb.PostgresURL(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			setup := []schema.Operation{items, orders, schema.RunSQL{SQL: itemRows}}
			before := applied(t, &schema.Schema{}, setup)
			// The operations before the failing one must be undone too.
			ops := []schema.Operation{
				schema.RenameColumn{Table: "items", From: "state", To: "standing"},
				schema.AddCheck{Table: "items", Check: schema.Check{Name: "items_price_check", Expr: "price > 0"}},
				tc.change,
			}
			// In their plain form: the online form of the check commits
			// on its own, as the runtime records (see the runtime's tests
			// of a migration that fails part way).
			steps, err := postgres.Dialect{Plain: true}.Render(before, ops)
			if err != nil {
				t.Fatal(err)
			}
			if got := steps[len(steps)-1].SQL; got != tc.statement {
				t.Errorf("the conversion renders as\n%s\nwant\n%s", got, tc.statement)
			}

			db := freshSchema(t, server)
			run(t, db, render(t, &schema.Schema{}, setup))
			err = tryRun(db, steps)
			var pgErr interface{ SQLState() string }
			switch {
			case err == nil:
				t.Fatal("the migration succeeded")
			case !errors.As(err, &pgErr) || pgErr.SQLState() != tc.state:
				t.Errorf("error = %v, want one of SQLSTATE %s", err, tc.state)
			case !strings.Contains(err.Error(), tc.message):
				t.Errorf("error = %v, want it to say %q", err, tc.message)
			}
			assertLive(t, db, before)
			assertRows(t, db, "after the failed migration", itemQuery, itemsAsInserted)
		})
	}
}

// tryRun carries out steps as a migration does (see runParts), and
// returns the first error.
func tryRun(db *sql.DB, steps []dialect.Step) error { return runParts(db, steps) }

// execute runs the statements of script, if any, outside any migration.
func execute(t *testing.T, db *sql.DB, script string) {
	t.Helper()
	if script == "" {
		return
	}
	if _, err := db.ExecContext(context.Background(), script); err != nil {
		t.Fatalf("%v\n%s", err, script)
	}
}

// assertRows checks that query reads want: one string per row, its values
// joined by |, NULL for a null.
func assertRows(t *testing.T, db *sql.DB, when, query string, want []string) {
	t.Helper()
	// The comment makes the text of each reading its own, so pgx prepares
	// it afresh rather than reuse a plan made for the columns' old types.
	rows, err := db.QueryContext(context.Background(), query+" -- "+when)
	if err != nil {
		t.Fatalf("%s: %v\n%s", when, err, query)
	}
	defer func() { _ = rows.Close() }()
	columns, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		values := make([]sql.NullString, len(columns))
		pointers := make([]any, len(columns))
		for i := range values {
			pointers[i] = &values[i]
		}
		if err := rows.Scan(pointers...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(values))
		for i, v := range values {
			row[i] = "NULL"
			if v.Valid {
				row[i] = v.String
			}
		}
		got = append(got, strings.Join(row, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows %s (-want +got):\n%s", when, diff)
	}
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

func orRows(rows, otherwise []string) []string {
	if rows == nil {
		return otherwise
	}
	return rows
}

func TestRenderCastsExplicitlyOnlyWherePostgreSQLWouldNot(t *testing.T) {
	custom := func(kind schema.Kind, sql string) schema.Type {
		return schema.Type{Kind: kind, Custom: []schema.CustomType{{Dialect: "postgres", SQL: sql}}}
	}
	cases := []struct {
		name     string
		from, to schema.Type
		value    string
		want     string
	}{
		{"smallint widens to double precision by itself", schema.Type{Kind: schema.Int16}, schema.Type{Kind: schema.Float64}, "7", `TYPE DOUBLE PRECISION`},
		{"double precision narrows to integer by itself", schema.Type{Kind: schema.Float64}, integer, "2.5", `TYPE INTEGER`},
		{"bigint turns to a varchar by itself", bigint, varchar(10), "42", `TYPE VARCHAR(10)`},
		{"a uuid turns to text by itself", schema.Type{Kind: schema.UUID}, text, "'5f0c6d0e-8a9b-4c1d-9e2f-3a4b5c6d7e8f'", `TYPE TEXT`},
		{"an enum turns to text by itself", enum("status"), text, "'banned'", `TYPE TEXT`},
		{"json turns to jsonb by itself", custom(schema.JSON, "json"), schema.Type{Kind: schema.JSON}, `'{"a": 1}'`, `TYPE JSONB`},
		{"a date turns to a timestamp by itself", custom(schema.Timestamp, "date"), stamp, "'2024-02-29'", `TYPE TIMESTAMPTZ`},
		{"a timestamp turns to a date by itself", stamp, custom(schema.Timestamp, "DATE"), "'2024-02-29 10:00+00'", `TYPE DATE`},
		{"a bit string grows by itself", custom(schema.Bytes, "bit(3)"), custom(schema.Bytes, "bit varying(5)"), "B'101'", `TYPE bit varying(5)`},
		{"an array of text turns to one of varchar by itself", custom(schema.JSON, "text[]"), custom(schema.JSON, "varchar(5)[]"), "'{ab,cd}'", `TYPE varchar(5)[]`},
		{"text is cast to bigint", text, bigint, "'42'", `TYPE BIGINT USING "c"::BIGINT`},
		{"text is cast to jsonb", text, schema.Type{Kind: schema.JSON}, `'{"a": 1}'`, `TYPE JSONB USING "c"::JSONB`},
		{"text is cast to a timestamp", text, stamp, "'2024-02-29 10:00+00'", `TYPE TIMESTAMPTZ USING "c"::TIMESTAMPTZ`},
		{"a boolean is cast to integer", schema.Type{Kind: schema.Bool}, integer, "true", `TYPE INTEGER USING "c"::INTEGER`},
		{"an enum is cast to another through text", enum("status"), enum("Standing"), "'banned'", `TYPE "Standing" USING "c"::text::"Standing"`},
		{"an array of integers is cast to text", custom(schema.JSON, "integer[]"), custom(schema.JSON, "text"), "'{1,2}'", `TYPE text`},
	}
	server := testdb.PostgresURL(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			setup := []schema.Operation{statusEnum,
				schema.CreateEnum{Enum: schema.Enum{Name: "Standing", Values: []string{"active", "banned"}}},
				schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "c", Type: tc.from}}}},
				schema.RunSQL{SQL: `INSERT INTO "t" VALUES (` + tc.value + `)`},
			}
			before := applied(t, &schema.Schema{}, setup)
			ops := []schema.Operation{schema.AlterColumn{Table: "t", Column: schema.Column{Name: "c", Type: tc.to}}}
			steps := render(t, before, ops)
			if got, want := withoutLocks(script(steps, ops)), "-- operation 1: alter column t.c\n"+`ALTER TABLE "t" ALTER COLUMN "c" `+tc.want+";\n\n"; got != want {
				t.Errorf("Render (-want +got):\n%s", cmp.Diff(want, got))
			}
			db := freshSchema(t, server)
			run(t, db, render(t, &schema.Schema{}, setup))
			run(t, db, steps)
			assertLive(t, db, applied(t, before, ops))
		})
	}
}

// withoutLocks returns script without its lines that say what a statement
// locks.
func withoutLocks(script string) string {
	var b strings.Builder
	for line := range strings.Lines(script) {
		if !strings.HasPrefix(line, "-- locks ") {
			b.WriteString(line)
		}
	}
	return b.String()
}
