package integration

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/generator/introspect"
	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// adoptCase is a schema written as plain SQL, which strata adopts.
type adoptCase struct {
	name   string
	script func(engine string) string // the file under testdata
	// autoNow adds a table that strata itself creates, with an auto_now
	// column, whose trigger inspect must recognise.
	autoNow bool
	// listed are lines strata inspect must print: what the models leave out.
	listed map[string][]string
	// grow is the struct the model change adds a column to.
	grow string
	// only, when set, is the one engine the case runs on.
	only string
	// types are the types ("table.column": format_type) and checks (name:
	// pg_get_constraintdef) the fresh PostgreSQL database must hold, where
	// the models hold a construct of the adopted one in another form.
	types, checks map[string]string
}

var adoptCases = []adoptCase{
	{
		name:    "every construct strata models",
		script:  func(e string) string { return "inspect/constructs_" + e + ".sql" },
		autoNow: true,
		listed: map[string][]string{
			"postgres": {"view active_members", "function touch()", "trigger members_touch on members", "index members_lower_email on members",
				"domain percent: domains are not in the model language; its columns (members.share) take its base type integer"},
			"sqlite": {"view active_members", "trigger members_touch on members", "index members_lower_email on members"},
			"mysql": {"view active_members", "trigger members_touch on members",
				"column members.email_domain: generated (AS ...); it is left out",
				"index members_notes_ft on members: FULLTEXT, which the models would make a plain index; it is left out"},
		},
		grow: "Org",
	},
	{
		name:   "the Chinook sample database",
		script: func(e string) string { return "chinook_" + e + ".sql" },
		listed: map[string][]string{
			"postgres": {"column track.track_id: GENERATED ALWAYS AS IDENTITY"},
			"sqlite":   {"column track.album_id: declared INTEGER, the models make it int64"},
		},
		grow: "Artist",
	},
	{
		name:   "the Pagila sample database",
		script: func(string) string { return "pagila_postgres.sql" },
		only:   "postgres",
		listed: map[string][]string{"postgres": pagilaListed()},
		grow:   "Actor",
		types: map[string]string{
			"film.release_year":     "integer",
			"film.rating":           "mpaa_rating",
			"film.rental_rate":      "numeric(4,2)",
			"film.special_features": "text[]",
			"film.fulltext":         "tsvector",
			"language.name":         "character(20)",
			"customer.create_date":  "date",
			"staff.picture":         "bytea",
			"payment.payment_date":  "timestamp with time zone",
		},
		checks: map[string]string{
			"film_release_year_check": "CHECK (((release_year >= 1901) AND (release_year <= 2155)))",
		},
	},
}

// pagilaListed returns what strata inspect must list of Pagila: its views,
// partitions, functions, triggers, sequences, domains, its GiST index, and
// its serial columns.
func pagilaListed() []string {
	listed := []string{
		"view actor_info: ", "view customer_list: ", "view film_list: ", "view nicer_but_slower_film_list: ",
		"view sales_by_film_category: ", "view sales_by_store: ", "view staff_list: ",
		"materialized view rental_by_category: ",
		"index rental_category on materialized view rental_by_category: ",
		"table payment: partitioned (PARTITION BY RANGE (payment_date))",
		"function _group_concat(text, text): ", "aggregate group_concat(text): ",
		"function film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer): ",
		"function film_not_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer): ",
		"function get_customer_balance(p_customer_id integer, p_effective_date timestamp with time zone): ",
		"function inventory_held_by_customer(p_inventory_id integer): ", "function inventory_in_stock(p_inventory_id integer): ",
		"function last_day(timestamp with time zone): ", "function last_updated(): ",
		"function rewards_report(min_monthly_purchases integer, min_dollar_amount_purchased numeric): ",
		"trigger film_fulltext_trigger on film: ",
		"domain year: domains are not in the model language; its columns (film.release_year) take its base type integer",
		"domain bıgınt: domains are not in the model language, and no column uses it",
		"index film_fulltext_idx on film: CREATE INDEX film_fulltext_idx ON public.film USING gist (fulltext); strata's indexes are B-trees, so it is left out",
		"column payment.payment_id: its default nextval('payment_payment_id_seq'::regclass) takes a sequence the models do not create",
	}
	for m := 1; m <= 7; m++ {
		listed = append(listed, fmt.Sprintf("table payment_p2022_%02d: a partition of payment (FOR VALUES FROM ('2022-%02d-01 ", m, m))
	}
	for _, t := range []string{"actor", "address", "category", "city", "country", "customer", "film", "film_actor", "film_category", "inventory", "language", "rental", "staff", "store"} {
		listed = append(listed, "trigger last_updated on "+t+": ")
	}
	for _, t := range []string{"actor", "address", "category", "city", "country", "customer", "film", "inventory", "language", "payment", "rental", "staff", "store"} {
		listed = append(listed, fmt.Sprintf("sequence %s_%s_id_seq: ", t, t))
		if t != "payment" {
			listed = append(listed, fmt.Sprintf("column %s.%s_id: serial (DEFAULT nextval('%s_%s_id_seq'::regclass)); the models make it an identity column", t, t, t, t))
		}
	}
	return listed
}

// TestAdoptRoundTripsALiveSchemaAndTheLoopGoesOn creates a schema with
// plain SQL, adopts it (inspect, models, 0001_initial, snapshot), checks
// that go generate then finds nothing to do, that 0001_initial creates in
// a fresh database the schema the original holds (but for what inspect
// lists), and that after migrate fake a model change applies to the
// original database and nothing else happens.
func TestAdoptRoundTripsALiveSchemaAndTheLoopGoesOn(t *testing.T) {
	for _, e := range engines {
		for _, c := range adoptCases {
			if c.only != "" && c.only != e.name {
				continue
			}
			t.Run(c.name+" on "+e.name, func(t *testing.T) { testAdopt(t, e, c) })
		}
	}
}

func testAdopt(t *testing.T, e engine, c adoptCase) {
	ctx := context.Background()
	url := e.newURL(t)
	db := e.open(t, url)
	script, err := os.ReadFile(filepath.Join("testdata", c.script(e.name)))
	if err != nil {
		t.Fatal(err)
	}
	if err := runScript(ctx, db, e, string(script)); err != nil {
		t.Fatalf("create the schema: %v", err)
	}
	if c.autoNow {
		createAutoNowTable(t, e, db)
	}
	read, err := introspect.Read(ctx, db, e.name, nil) // SQLite's Inspect refuses an index on an expression
	if err != nil {
		t.Fatal(err)
	}
	before, listedBefore := read.Schema, read.Skipped

	app := newAppModule(t)
	app.strataInit()
	app.run("go", "get", "github.com/google/uuid")
	inspected := app.run("go", "tool", "strata", "inspect", "--db", url)
	out := app.runIn("migrations", "go", "tool", "strata", "adopt", "--db", url)
	for _, want := range append(c.listed[e.name], "go run ./cmd/migrate fake 0001_initial --db") {
		if !strings.Contains(out, want) {
			t.Errorf("adopt --db printed no %q:\n%s", want, out)
		}
	}
	models, err := os.ReadFile(app.path("models/models.go"))
	if err != nil {
		t.Fatal(err)
	}
	if string(models) != inspected {
		t.Errorf("inspect printed other models than adopt --db wrote:\n%s", cmp.Diff(string(models), inspected))
	}
	for _, want := range c.listed[e.name] {
		if !strings.Contains(string(models), "//   - "+want) {
			t.Errorf("the models file does not list %q", want)
		}
	}
	app.run("go", "mod", "tidy")
	if out := app.run("go", "generate", "./..."); !strings.Contains(out, "No changes.") {
		t.Errorf("go generate after adopt --db printed:\n%s\nwant No changes.", out)
	}
	if got, want := app.migrations(), []string{"0001_initial.go"}; !slices.Equal(got, want) {
		t.Fatalf("migrations are %v, want %v", got, want)
	}

	// 0001_initial creates the same schema in a fresh database.
	migrate := app.buildMigrate()
	fresh := e.newURL(t)
	app.runMigrate(t, migrate, "up", "--db", fresh)
	got, err := e.inspect(ctx, e.open(t, fresh))
	if err != nil {
		t.Fatal(err)
	}
	want := expressible(e, before)
	if d := cmp.Diff(want, comparableLive(e, got)); d != "" {
		t.Errorf("the fresh database differs from the adopted one (-adopted +fresh):\n%s", d)
	}
	assertCatalog(t, e.open(t, fresh), "format_type(a.atttypid, a.atttypmod)", typesQuery, c.types)
	assertCatalog(t, e.open(t, fresh), "pg_get_constraintdef", checksQuery, c.checks)

	// The adopted database goes on with the normal loop.
	app.runMigrate(t, migrate, "fake", "0001_initial", "--db", url)
	grown := strings.Replace(string(models), "type "+c.grow+" struct {\n", "type "+c.grow+" struct {\n\tMotto *string `db:\"motto\"`\n", 1)
	if grown == string(models) {
		t.Fatalf("no struct %s in the models", c.grow)
	}
	app.write("models/models.go", grown)
	app.run("go", "generate", "./...")
	if n := len(app.migrations()); n != 2 {
		t.Fatalf("after the model change there are %d migrations, want 2", n)
	}
	migrate = app.buildMigrate()
	app.runMigrate(t, migrate, "up", "--db", url)
	read, err = introspect.Read(ctx, db, e.name, nil)
	if err != nil {
		t.Fatal(err)
	}
	after := read.Schema
	if d := cmp.Diff(listedBefore, read.Skipped); d != "" {
		t.Errorf("up after the model change changed what inspect lists (-before +after):\n%s", d)
	}
	wantAfter := before.Clone()
	table := wantAfter.Table(tableOf(t, string(models), c.grow))
	table.Columns = append(table.Columns, schema.Column{Name: "motto", Type: schema.Type{Kind: schema.Text}, Nullable: true})
	if d := cmp.Diff(byColumnName(e.comparable(wantAfter)), byColumnName(e.comparable(after))); d != "" {
		t.Errorf("up after the model change did more than add the column (-want +live):\n%s", d)
	}
	var applied int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM strata_migrations").Scan(&applied); err != nil || applied != 2 {
		t.Errorf("the ledger holds %d migrations (err %v), want 2", applied, err)
	}
}

// runScript runs an SQL script on db. go-sql-driver/mysql sends one
// statement at a time (unless the DSN says multiStatements=true, which
// the tests' do not), so on MySQL the script is split at each semicolon
// that ends a line: the scripts hold no routine bodies.
func runScript(ctx context.Context, db *sql.DB, e engine, script string) error {
	if e.name != "mysql" {
		_, err := db.ExecContext(ctx, script)
		return err
	}
	var lines []string
	for _, line := range strings.Split(script, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			lines = append(lines, line)
		}
	}
	for _, stmt := range strings.Split(strings.Join(lines, "\n"), ";\n") {
		if stmt = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stmt), ";")); stmt == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

// createAutoNowTable has strata create a table with an auto_now column,
// whose trigger inspect must read back as auto_now.
func createAutoNowTable(t *testing.T, e engine, db *sql.DB) {
	t.Helper()
	d, err := runtime.DialectByName(e.name)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := d.Render(&schema.Schema{}, []schema.Operation{schema.CreateTable{Table: schema.Table{
		Name: "posts",
		Columns: []schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
			{Name: "title", Type: schema.Type{Kind: schema.Text}},
			{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
		},
		PrimaryKey: []string{"id"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if st.Go != nil {
			t.Fatal("creating a table takes a Go step")
		}
		if _, err := db.ExecContext(context.Background(), st.SQL); err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
	}
}

// tableOf returns the table of the struct named goName in models source.
func tableOf(t *testing.T, src, goName string) string {
	t.Helper()
	i := strings.Index(src, "\ntype "+goName+" struct")
	j := strings.LastIndex(src[:i], "//strata:table ")
	if i < 0 || j < 0 {
		t.Fatalf("no table of %s", goName)
	}
	return strings.Fields(src[j+len("//strata:table "):])[0]
}

// expressible returns the inspected schema s without what the models
// cannot hold, in comparable form: indexes on expressions go, and on
// SQLite, columns declared INTEGER that reference a key become BIGINT.
func expressible(e engine, s *schema.Schema) *schema.Schema {
	s = s.Clone()
	for i := range s.Tables {
		t := &s.Tables[i]
		t.Indexes = slices.DeleteFunc(t.Indexes, func(ix schema.Index) bool {
			return slices.ContainsFunc(ix.Columns, func(c string) bool { return t.Column(c) == nil })
		})
		if e.name != "sqlite" {
			continue
		}
		for k := range t.Columns {
			col := &t.Columns[k]
			if sql, ok := col.Type.CustomFor("sqlite"); ok && strings.EqualFold(sql, "INTEGER") {
				col.Type = schema.Type{Kind: schema.Int64}
			}
		}
	}
	return comparableLive(e, s)
}

// comparableLive puts an inspected schema in comparable form: on SQLite,
// a default expression strata wrote in parentheses reads back with them,
// and one written without reads back without; both are the same default.
func comparableLive(e engine, s *schema.Schema) *schema.Schema {
	s = byColumnName(e.comparable(s))
	if e.name == "sqlite" {
		for i := range s.Tables {
			for k := range s.Tables[i].Columns {
				col := &s.Tables[i].Columns[k]
				if strings.HasPrefix(col.Default, "(") && sqltext.ClosingParen(col.Default, 0) == len(col.Default)-1 {
					col.Default = col.Default[1 : len(col.Default)-1]
				}
			}
		}
	}
	return s
}

const (
	// typesQuery reads the type of the column $1 ("table.column").
	typesQuery = `SELECT format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a
WHERE a.attrelid = split_part($1, '.', 1)::regclass AND a.attname = split_part($1, '.', 2)`
	// checksQuery reads the definition of the check constraint named $1.
	checksQuery = `SELECT pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint WHERE conname = $1 AND contype = 'c'`
)

// assertCatalog checks that query, run with each key of want, returns the
// key's value: what the catalog says of an object, by name.
func assertCatalog(t *testing.T, db *sql.DB, what, query string, want map[string]string) {
	t.Helper()
	for name, w := range want {
		var got string
		if err := db.QueryRowContext(context.Background(), query, name).Scan(&got); err != nil {
			t.Errorf("%s of %s in the fresh database: %v", what, name, err)
		} else if got != w {
			t.Errorf("%s of %s in the fresh database is %q, want %q", what, name, got, w)
		}
	}
}
