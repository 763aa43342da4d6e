package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/strata-go/strata/internal/dialecttest"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// shop returns the migrations of a small shop that holds one of each thing
// Verify compares: an enum, identity, a VARCHAR, defaults, a NULL-able
// column, auto_now, a unique constraint, a foreign key with an action, a
// check, a plain and a partial index. MySQL, which has no partial index,
// gets a full one.
func shop(engine string) []runtime.Migration {
	where := "total > 1000"
	if engine == "mysql" {
		where = ""
	}
	stamp := schema.Type{Kind: schema.Timestamp}
	return []runtime.Migration{
		{
			ID: "0001_customers",
			Up: []schema.Operation{
				schema.CreateEnum{Enum: schema.Enum{Name: "status", Values: []string{"active", "closed"}}},
				schema.CreateTable{Table: schema.Table{
					Name: "customers",
					Columns: []schema.Column{
						{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
						{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}},
						{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "status"}, Default: "'active'"},
						{Name: "note", Type: schema.Type{Kind: schema.Text}, Nullable: true},
						{Name: "n", Type: schema.Type{Kind: schema.Int64}, Default: "0"},
						{Name: "updated_at", Type: stamp, Default: "CURRENT_TIMESTAMP", AutoNow: true},
					},
					PrimaryKey: []string{"id"},
					Uniques:    []schema.Unique{{Name: "customers_email_key", Columns: []string{"email"}}},
				}},
			},
		},
		{
			ID: "0002_orders",
			Up: []schema.Operation{schema.CreateTable{Table: schema.Table{
				Name: "orders",
				Columns: []schema.Column{
					{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
					{Name: "customer_id", Type: schema.Type{Kind: schema.Int64}},
					{Name: "total", Type: schema.Type{Kind: schema.Int64}, Default: "0"},
					{Name: "created_at", Type: stamp, Default: "CURRENT_TIMESTAMP"},
				},
				PrimaryKey: []string{"id"},
				ForeignKeys: []schema.ForeignKey{{
					Name: "orders_customer_id_fkey", Columns: []string{"customer_id"},
					RefTable: "customers", RefColumns: []string{"id"}, OnDelete: schema.Cascade,
				}},
				Checks: []schema.Check{{Name: "orders_total_check", Expr: "total >= 0"}},
			}}},
		},
		{
			ID: "0003_index_orders",
			Up: []schema.Operation{
				schema.CreateIndex{Table: "orders", Index: schema.Index{Name: "orders_created_at_idx", Columns: []string{"created_at"}}},
				schema.CreateIndex{Table: "orders", Index: schema.Index{Name: "orders_big_idx", Columns: []string{"total"}, Where: where}},
			},
		},
	}
}

// drift is a change made to a migrated database behind strata's back, and
// the line Verify must report for it.
type drift struct {
	name   string
	change func(t *testing.T, db *sql.DB)
	says   string
}

// runSQL changes the database with SQL statements.
func runSQL(statements ...string) func(*testing.T, *sql.DB) {
	return func(t *testing.T, db *sql.DB) {
		t.Helper()
		for _, s := range statements {
			if _, err := db.ExecContext(context.Background(), s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
}

// rebuildSQLite changes a table of a SQLite database as ALTER TABLE
// cannot (see [dialecttest.RebuildSQLiteTable]).
func rebuildSQLite(table, old, new string) func(*testing.T, *sql.DB) {
	return func(t *testing.T, db *sql.DB) {
		t.Helper()
		dialecttest.RebuildSQLiteTable(t, db, table, old, new)
	}
}

// drifts lists, per engine, changes made by hand, each with what Verify
// says of it.
var drifts = map[string][]drift{
	"postgres": {
		{"a column dropped", runSQL(`ALTER TABLE customers DROP COLUMN note`), "column customers.note: missing (want text)"},
		{"a column added", runSQL(`ALTER TABLE customers ADD COLUMN extra text`), "column customers.extra: extra (got text)"},
		{"a column renamed", runSQL(`ALTER TABLE customers RENAME COLUMN note TO memo`), "column customers.memo: extra"},
		{"a type changed", runSQL(`ALTER TABLE orders ALTER COLUMN total TYPE integer`), "column orders.total: differs: want int64 NOT NULL DEFAULT 0, got int32 NOT NULL DEFAULT 0"},
		{"a VARCHAR shortened", runSQL(`ALTER TABLE customers ALTER COLUMN email TYPE varchar(100)`), "want varchar(320) NOT NULL, got varchar(100) NOT NULL"},
		{"NOT NULL dropped", runSQL(`ALTER TABLE customers ALTER COLUMN email DROP NOT NULL`), "column customers.email: differs: want varchar(320) NOT NULL, got varchar(320)"},
		{"NOT NULL set", runSQL(`ALTER TABLE customers ALTER COLUMN note SET NOT NULL`), "column customers.note: differs: want text, got text NOT NULL"},
		{"a default changed", runSQL(`ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1`), "got int64 NOT NULL DEFAULT 1"},
		{"a default dropped", runSQL(`ALTER TABLE customers ALTER COLUMN n DROP DEFAULT`), "column customers.n: differs: want int64 NOT NULL DEFAULT 0, got int64 NOT NULL"},
		{"identity dropped", runSQL(`ALTER TABLE orders ALTER COLUMN id DROP IDENTITY`), "column orders.id: differs: want int64 NOT NULL identity, got int64 NOT NULL"},
		{"an index dropped", runSQL(`DROP INDEX orders_created_at_idx`), "index orders_created_at_idx on orders: missing (want INDEX (created_at))"},
		{"an index added", runSQL(`CREATE INDEX customers_note_idx ON customers (note)`), "index customers_note_idx on customers: extra (got INDEX (note))"},
		{"a partial index's predicate changed", runSQL(`DROP INDEX orders_big_idx`, `CREATE INDEX orders_big_idx ON orders (total) WHERE total > 10`), "index orders_big_idx on orders: differs"},
		{"a unique constraint dropped", runSQL(`ALTER TABLE customers DROP CONSTRAINT customers_email_key`), "unique customers_email_key on customers: missing (want UNIQUE (email))"},
		{"a unique constraint added", runSQL(`ALTER TABLE orders ADD CONSTRAINT orders_created_at_key UNIQUE (created_at)`), "unique orders_created_at_key on orders: extra"},
		{"a foreign key dropped", runSQL(`ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey`), "foreign key orders_customer_id_fkey on orders: missing"},
		{"a foreign key's action changed", runSQL(`ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey`,
			`ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT`),
			"want FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, got FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT"},
		{"a check dropped", runSQL(`ALTER TABLE orders DROP CONSTRAINT orders_total_check`), "check orders_total_check on orders: missing"},
		{"a check added", runSQL(`ALTER TABLE customers ADD CONSTRAINT customers_n_check CHECK (n < 10)`), "check customers_n_check on customers: extra"},
		{"a primary key dropped", runSQL(`ALTER TABLE orders DROP CONSTRAINT orders_pkey`), "primary key of orders: missing (want (id))"},
		{"a table dropped", runSQL(`DROP TABLE orders`), "table orders: missing (want a table of columns (id, customer_id, total, created_at))"},
		{"a table added", runSQL(`CREATE TABLE audit (id bigint)`), "table audit: extra (got a table of columns (id))"},
		{"an enum value added", runSQL(`ALTER TYPE status ADD VALUE 'gone'`), "enum status: differs: want ('active', 'closed'), got ('active', 'closed', 'gone')"},
		{"an enum added", runSQL(`CREATE TYPE mood AS ENUM ('ok')`), "enum mood: extra"},
		{"the auto_now trigger dropped", runSQL(`DROP TRIGGER strata_auto_now ON customers`), "column customers.updated_at: differs: want timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP auto_now, got timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"},
	},
	"mysql": {
		{"a column dropped", runSQL(`ALTER TABLE customers DROP COLUMN note`), "column customers.note: missing (want text)"},
		{"a column added", runSQL(`ALTER TABLE customers ADD COLUMN extra LONGTEXT`), "column customers.extra: extra (got text)"},
		{"a column renamed", runSQL(`ALTER TABLE customers RENAME COLUMN note TO memo`), "column customers.memo: extra"},
		{"a type changed", runSQL(`ALTER TABLE orders MODIFY total INT NOT NULL DEFAULT 0`), "column orders.total: differs: want int64 NOT NULL DEFAULT 0, got int32 NOT NULL DEFAULT 0"},
		{"a VARCHAR shortened", runSQL(`ALTER TABLE customers MODIFY email VARCHAR(100) NOT NULL`), "want varchar(320) NOT NULL, got varchar(100) NOT NULL"},
		{"NOT NULL dropped", runSQL(`ALTER TABLE customers MODIFY email VARCHAR(320) NULL`), "column customers.email: differs: want varchar(320) NOT NULL, got varchar(320)"},
		{"NOT NULL set", runSQL(`ALTER TABLE customers MODIFY note LONGTEXT NOT NULL`), "column customers.note: differs: want text, got text NOT NULL"},
		{"a default changed", runSQL(`ALTER TABLE orders ALTER COLUMN total SET DEFAULT 1`), "got int64 NOT NULL DEFAULT 1"},
		{"a default dropped", runSQL(`ALTER TABLE customers ALTER COLUMN n DROP DEFAULT`), "column customers.n: differs: want int64 NOT NULL DEFAULT 0, got int64 NOT NULL"},
		{"identity dropped", runSQL(`ALTER TABLE orders MODIFY id BIGINT NOT NULL`), "column orders.id: differs: want int64 NOT NULL identity, got int64 NOT NULL"},
		{"an index dropped", runSQL(`DROP INDEX orders_created_at_idx ON orders`), "index orders_created_at_idx on orders: missing (want INDEX (created_at))"},
		{"an index added", runSQL(`CREATE INDEX customers_n_idx ON customers (n)`), "index customers_n_idx on customers: extra (got INDEX (n))"},
		// MySQL tells no unique index from a unique constraint.
		{"an index made unique", runSQL(`DROP INDEX orders_big_idx ON orders`, `CREATE UNIQUE INDEX orders_big_idx ON orders (total)`), "unique orders_big_idx on orders: extra (got UNIQUE (total))"},
		{"a unique constraint dropped", runSQL(`ALTER TABLE customers DROP INDEX customers_email_key`), "unique customers_email_key on customers: missing (want UNIQUE (email))"},
		{"a unique constraint added", runSQL(`ALTER TABLE orders ADD CONSTRAINT orders_created_at_key UNIQUE (created_at)`), "unique orders_created_at_key on orders: extra"},
		{"a foreign key dropped", runSQL(`ALTER TABLE orders DROP FOREIGN KEY orders_customer_id_fkey`), "foreign key orders_customer_id_fkey on orders: missing"},
		// RESTRICT is NO ACTION on MySQL: the change made is another action.
		{"a foreign key's action changed", runSQL(`ALTER TABLE orders DROP FOREIGN KEY orders_customer_id_fkey`,
			`ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE`),
			"want FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, got FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE"},
		{"a check dropped", runSQL(`ALTER TABLE orders DROP CONSTRAINT orders_total_check`), "check orders_total_check on orders: missing"},
		{"a check added", runSQL(`ALTER TABLE customers ADD CONSTRAINT customers_n_check CHECK (n < 10)`), "check customers_n_check on customers: extra"},
		{"a primary key dropped", runSQL(`ALTER TABLE orders MODIFY id BIGINT NOT NULL, DROP PRIMARY KEY`), "primary key of orders: missing (want (id))"},
		{"a table dropped", runSQL(`DROP TABLE orders`), "table orders: missing (want a table of columns (id, customer_id, total, created_at))"},
		{"a table added", runSQL(`CREATE TABLE audit (id BIGINT)`), "table audit: extra (got a table of columns (id))"},
		{"an enum value added", runSQL(`ALTER TABLE customers MODIFY status ENUM('active', 'closed', 'gone') NOT NULL DEFAULT 'active'`), "want ('active', 'closed'), got ('active', 'closed', 'gone')"},
		{"auto_now dropped", runSQL(`ALTER TABLE customers MODIFY updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)`), "column customers.updated_at: differs: want timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP auto_now, got timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"},
	},
	"sqlite": {
		{"a column dropped", runSQL(`ALTER TABLE customers DROP COLUMN note`), "column customers.note: missing (want text)"},
		{"a column added", runSQL(`ALTER TABLE customers ADD COLUMN extra TEXT`), "column customers.extra: extra (got text)"},
		{"a column renamed", runSQL(`ALTER TABLE customers RENAME COLUMN note TO memo`), "column customers.memo: extra"},
		{"a type changed", rebuildSQLite("orders", `"total" BIGINT`, `"total" INT`), "column orders.total: differs: want int64 NOT NULL DEFAULT 0, got int32 NOT NULL DEFAULT 0"},
		{"a VARCHAR shortened", rebuildSQLite("customers", `VARCHAR(320)`, `VARCHAR(100)`), "want varchar(320) NOT NULL, got varchar(100) NOT NULL"},
		{"NOT NULL dropped", rebuildSQLite("customers", `"email" VARCHAR(320) NOT NULL`, `"email" VARCHAR(320)`), "column customers.email: differs: want varchar(320) NOT NULL, got varchar(320)"},
		{"NOT NULL set", rebuildSQLite("customers", `"note" TEXT`, `"note" TEXT NOT NULL`), "column customers.note: differs: want text, got text NOT NULL"},
		{"a default changed", rebuildSQLite("orders", `"total" BIGINT NOT NULL DEFAULT 0`, `"total" BIGINT NOT NULL DEFAULT 1`), "got int64 NOT NULL DEFAULT 1"},
		{"a default dropped", rebuildSQLite("customers", `"n" BIGINT NOT NULL DEFAULT 0`, `"n" BIGINT NOT NULL`), "column customers.n: differs: want int64 NOT NULL DEFAULT 0, got int64 NOT NULL"},
		{"an index dropped", runSQL(`DROP INDEX orders_created_at_idx`), "index orders_created_at_idx on orders: missing (want INDEX (created_at))"},
		{"an index added", runSQL(`CREATE INDEX customers_note_idx ON customers (note)`), "index customers_note_idx on customers: extra (got INDEX (note))"},
		{"a partial index's predicate changed", runSQL(`DROP INDEX orders_big_idx`, `CREATE INDEX orders_big_idx ON orders (total) WHERE total > 10`), "index orders_big_idx on orders: differs"},
		{"a unique constraint dropped", runSQL(`DROP INDEX customers_email_key`), "unique customers_email_key on customers: missing (want UNIQUE (email))"},
		{"a foreign key dropped", rebuildSQLite("orders", `CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE`, `CHECK (1)`),
			"foreign key orders_customer_id_fkey on orders: missing"},
		{"a foreign key's action changed", rebuildSQLite("orders", `ON DELETE CASCADE`, `ON DELETE RESTRICT`),
			"want FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, got FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT"},
		{"a check dropped", rebuildSQLite("orders", `CONSTRAINT "orders_total_check" CHECK (total >= 0)`, `CHECK (1)`), "check orders_total_check on orders: missing"},
		{"a check changed", rebuildSQLite("orders", `CHECK (total >= 0)`, `CHECK (total >= 1)`), "check orders_total_check on orders: differs: want CHECK (total >= 0), got CHECK (total >= 1)"},
		{"a table dropped", runSQL(`DROP TABLE orders`), "table orders: missing (want a table of columns (id, customer_id, total, created_at))"},
		{"a table added", runSQL(`CREATE TABLE audit (id BIGINT)`), "table audit: extra (got a table of columns (id))"},
		{"an enum value added", rebuildSQLite("customers", `'active', 'closed'`, `'active', 'closed', 'gone'`), "want ('active', 'closed'), got ('active', 'closed', 'gone')"},
		{"the auto_now trigger dropped", runSQL(`DROP TRIGGER strata_auto_now_customers`), "column customers.updated_at: differs: want timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP auto_now, got timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"},
	},
}

// TestVerifyReportsEveryChangeMadeBehindStratasBack migrates a database,
// finds it the same as its migrations, then makes one change by hand and
// checks that Verify names it, once per change and engine.
func TestVerifyReportsEveryChangeMadeBehindStratasBack(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		if n := len(drifts[e.name]); n < 20 {
			t.Fatalf("%d drifts on %s, want at least 20", n, e.name)
		}
		for _, d := range drifts[e.name] {
			t.Run(d.name, func(t *testing.T) {
				ctx := context.Background()
				db := e.open(t)
				m := newMigrator(shop(e.name)...)
				if _, err := m.Up(ctx, db); err != nil {
					t.Fatal(err)
				}
				v, err := m.Verify(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				if v.Drifted() || v.Applied != 3 || v.Last != "0003_index_orders" {
					t.Fatalf("before the change: %+v, want 3 applied and no difference", v)
				}
				d.change(t, db)
				v, err = m.Verify(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				var lines []string
				for _, diff := range v.Differences {
					lines = append(lines, diff.String())
				}
				if !strings.Contains(strings.Join(lines, "\n"), d.says) {
					t.Errorf("Verify says:\n  %s\nwant a line with %q", strings.Join(lines, "\n  "), d.says)
				}
			})
		}
	})
}

func TestVerifyComparesADatabaseBehindWithTheMigrationsItApplied(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(shop(e.name)...)
		if _, err := m.UpTo(ctx, db, "0002_orders"); err != nil {
			t.Fatal(err)
		}
		v, err := m.Verify(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if v.Drifted() || v.Applied != 2 || v.Last != "0002_orders" {
			t.Errorf("Verify = %+v, want 2 applied, no difference", v)
		}
		empty, err := newMigrator(shop(e.name)...).Verify(ctx, e.open(t))
		if err != nil || empty.Drifted() || empty.Applied != 0 {
			t.Errorf("Verify of an empty database = %+v, %v; want nothing applied and no difference", empty, err)
		}
	})
}

func TestVerifyRefusesADatabaseAheadOfTheBinary(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		if _, err := newMigrator(shop(e.name)...).Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		_, err := newMigrator(shop(e.name)[:2]...).Verify(ctx, db)
		if err == nil || !strings.Contains(err.Error(), "0003_index_orders, which this binary does not register") {
			t.Errorf("Verify with a migration missing from the binary = %v, want an error naming it", err)
		}
	})
}

func TestVerifyLeavesOutWhatWithIgnoreNames(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		m := newMigrator(shop(e.name)...)
		if _, err := m.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		runSQL(`CREATE TABLE audit_log (id BIGINT)`, `CREATE TABLE audit_users (id BIGINT)`)(t, db)
		v, err := m.Verify(ctx, db, runtime.WithIgnore("audit_*"))
		if err != nil || v.Drifted() {
			t.Errorf("Verify ignoring audit_* = %+v, %v; want no difference", v, err)
		}
		v, err = m.Verify(ctx, db, runtime.WithIgnore("audit_log"))
		if err != nil || len(v.Differences) != 1 || v.Differences[0].Table != "audit_users" {
			t.Errorf("Verify ignoring audit_log = %+v, %v; want audit_users alone", v, err)
		}
		if _, err := m.Verify(ctx, db, runtime.WithIgnore("[")); !errors.Is(err, runtime.ErrInvalidOption) {
			t.Errorf("WithIgnore(\"[\") = %v, want ErrInvalidOption", err)
		}
	})
}

func TestUpWithVerifyFailsOnADriftedDatabase(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		ms := shop(e.name)
		m := newMigrator(ms[:2]...)
		if _, err := m.Up(ctx, db, runtime.WithVerify()); err != nil {
			t.Fatalf("up with verify on a faithful database: %v", err)
		}
		runSQL(`ALTER TABLE customers ADD COLUMN extra TEXT`)(t, db)
		applied, err := newMigrator(ms...).Up(ctx, db, runtime.WithVerify())
		var drift *runtime.SchemaDriftError
		switch {
		case !errors.As(err, &drift) || !errors.Is(err, runtime.ErrSchemaDrift):
			t.Fatalf("up with verify on a drifted database = %v, want a SchemaDriftError", err)
		case len(applied) != 1:
			t.Errorf("up applied %d migration(s) before verifying, want 1", len(applied))
		case !strings.Contains(err.Error(), "column customers.extra: extra (got text)"):
			t.Errorf("the error does not name the extra column:\n%v", err)
		}
	})
}
