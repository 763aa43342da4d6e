package postgres_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// moods is an enum two tables use: diary with a default, visits without
// one and NULL-able. No row holds "meh".
var (
	moods = schema.CreateEnum{Enum: schema.Enum{Name: "mood", Values: []string{"happy", "sad", "meh"}}}
	diary = schema.CreateTable{Table: schema.Table{
		Name: "diary",
		Columns: []schema.Column{
			{Name: "id", Type: bigint, Identity: true},
			{Name: "mood", Type: enum("mood"), Default: "'happy'"},
			{Name: "note", Type: text},
		},
		PrimaryKey: []string{"id"},
		Indexes:    []schema.Index{{Name: "diary_mood_idx", Columns: []string{"mood"}}},
	}}
	visits = schema.CreateTable{Table: schema.Table{
		Name:    "visits",
		Columns: []schema.Column{{Name: "id", Type: bigint, Identity: true}, {Name: "mood", Type: enum("mood"), Nullable: true}},
	}}
)

const (
	moodRows = `INSERT INTO "diary" ("mood", "note") VALUES ('happy', 'a'), ('sad', 'b'), (DEFAULT, 'c');
		INSERT INTO "visits" ("mood") VALUES ('sad'), (NULL)`
	moodQuery = `SELECT 'diary', "id", "mood"::text FROM "diary" UNION ALL SELECT 'visits', "id", "mood"::text FROM "visits" ORDER BY 1, 2`
)

var moodsAsInserted = []string{"diary|1|happy", "diary|2|sad", "diary|3|happy", "visits|1|sad", "visits|2|NULL"}

func alterMood(values ...string) schema.AlterEnum {
	return schema.AlterEnum{Name: "mood", Values: values}
}

// enumCases change the values of an enum that columns of tables holding
// rows use, as keepCases change tables: Up and Down rendered, compared
// with their golden file, run on a fresh database holding moodRows, each
// followed by a check of the live schema (the values in their order among
// it) and of the rows.
var enumCases = []struct {
	name               string
	setup              []schema.Operation
	up, down           []schema.Operation
	wantUp             []string
	afterUp, afterDown string
}{
	{
		name: "a value appended is added in place, and taken out again by a type swap",
		up:   []schema.Operation{alterMood("happy", "sad", "meh", "angry")},
		down: []schema.Operation{alterMood("happy", "sad", "meh")},
		// The value is usable once the migration is committed.
		afterUp: `INSERT INTO "visits" ("mood") VALUES ('angry'); DELETE FROM "visits" WHERE "mood" = 'angry'`,
	},
	{
		name: "values inserted first and in the middle are placed where the list has them",
		up:   []schema.Operation{alterMood("calm", "tired", "happy", "glad", "elated", "sad", "meh", "cross")},
		down: []schema.Operation{alterMood("happy", "sad", "meh")},
	},
	{
		name:    "a value renamed keeps the rows holding it and the default naming it",
		up:      []schema.Operation{schema.RenameEnumValue{Enum: "mood", From: "happy", To: "it's fine"}},
		down:    []schema.Operation{schema.RenameEnumValue{Enum: "mood", From: "it's fine", To: "happy"}},
		wantUp:  []string{"diary|1|it's fine", "diary|2|sad", "diary|3|it's fine", "visits|1|sad", "visits|2|NULL"},
		afterUp: `INSERT INTO "diary" ("note") VALUES ('d'); DELETE FROM "diary" WHERE "note" = 'd' AND "mood" = 'it''s fine'`,
	},
	{
		name: "a value no row holds removed by a type swap of every column, and added back in place",
		up:   []schema.Operation{alterMood("happy", "sad")},
		down: []schema.Operation{alterMood("happy", "sad", "meh")},
		// The default still works on the new type.
		afterUp: `INSERT INTO "diary" ("note") VALUES ('d'); DELETE FROM "diary" WHERE "note" = 'd' AND "mood" = 'happy'`,
	},
	{
		name: "values reordered by a type swap, and back",
		up:   []schema.Operation{alterMood("meh", "sad", "happy")},
		down: []schema.Operation{alterMood("happy", "sad", "meh")},
	},
	{
		name: "a value renamed, one removed and one added in one migration",
		up: []schema.Operation{
			schema.RenameEnumValue{Enum: "mood", From: "sad", To: "blue"},
			alterMood("happy", "blue", "angry"),
		},
		down: []schema.Operation{
			alterMood("happy", "blue", "meh"),
			schema.RenameEnumValue{Enum: "mood", From: "blue", To: "sad"},
		},
		wantUp: []string{"diary|1|happy", "diary|2|blue", "diary|3|happy", "visits|1|blue", "visits|2|NULL"},
	},
	{
		name: "a type swap of an enum whose name is as long as PostgreSQL allows",
		setup: []schema.Operation{
			schema.CreateEnum{Enum: schema.Enum{Name: strings.Repeat("e", 63), Values: []string{"x", "y"}}},
			schema.AddColumn{Table: "visits", Column: schema.Column{Name: "e", Type: enum(strings.Repeat("e", 63)), Default: "'y'"}},
		},
		up:   []schema.Operation{schema.AlterEnum{Name: strings.Repeat("e", 63), Values: []string{"y"}}},
		down: []schema.Operation{schema.AlterEnum{Name: strings.Repeat("e", 63), Values: []string{"x", "y"}}},
	},
}

func TestRenderedEnumChangesKeepRowsBothWays(t *testing.T) {
	server := testdb.PostgresURL(t)
	for _, tc := range enumCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			setup := append([]schema.Operation{moods, diary, visits, schema.RunSQL{SQL: moodRows}}, tc.setup...)
			before := applied(t, &schema.Schema{}, setup)
			after := applied(t, before, tc.up)
			up, down := render(t, before, tc.up), render(t, after, tc.down)
			golden(t, filepath.Join("testdata", "enum", slug(tc.name)+".sql"),
				"-- up\n\n"+script(up, tc.up)+"-- down\n\n"+script(down, tc.down))

			db := freshSchema(t, server)
			run(t, db, render(t, &schema.Schema{}, setup))
			assertRows(t, db, "before up", moodQuery, moodsAsInserted)

			run(t, db, up)
			execute(t, db, tc.afterUp)
			assertLive(t, db, after)
			assertRows(t, db, "after up", moodQuery, orRows(tc.wantUp, moodsAsInserted))

			run(t, db, down)
			execute(t, db, tc.afterDown)
			assertLive(t, db, before)
			assertRows(t, db, "after down", moodQuery, moodsAsInserted)
		})
	}
}

func TestRemovingAnEnumValueARowHoldsFailsAndChangesNothing(t *testing.T) {
	setup := []schema.Operation{moods, diary, visits, schema.RunSQL{SQL: moodRows}}
	before := applied(t, &schema.Schema{}, setup)
	ops := []schema.Operation{
		alterMood("happy", "sad", "meh", "angry"),
		schema.RenameEnumValue{Enum: "mood", From: "meh", To: "so-so"},
		alterMood("happy", "so-so", "angry"), // rows hold "sad"
	}
	steps := render(t, before, ops)

	db := freshSchema(t, testdb.PostgresURL(t))
	run(t, db, render(t, &schema.Schema{}, setup))
	err := tryRun(db, steps)
	var pgErr interface{ SQLState() string }
	switch {
	case err == nil:
		t.Fatal("the migration succeeded")
	case !errors.As(err, &pgErr) || pgErr.SQLState() != "22P02":
		t.Errorf("error = %v, want one of SQLSTATE 22P02", err)
	case !strings.Contains(err.Error(), `invalid input value for enum mood: "sad"`):
		t.Errorf("error = %v, want it to name the value", err)
	}
	assertLive(t, db, before)
	assertRows(t, db, "after the failed migration", moodQuery, moodsAsInserted)
}

// TestAValueAddedAndUsedInOneMigrationIsAddedByATypeSwap runs, on a real
// database, migrations that add values and use them in a default or a
// backfill: the AlterEnum that adds a used value swaps its type, which
// PostgreSQL lets the transaction use, where ADD VALUE would fail (see
// the next test); one whose values no later operation uses adds them in
// place.
func TestAValueAddedAndUsedInOneMigrationIsAddedByATypeSwap(t *testing.T) {
	setup := []schema.Operation{moods, diary, visits, schema.RunSQL{SQL: moodRows}}
	cases := []struct {
		name  string
		ops   []schema.Operation
		swaps []bool // whether each AlterEnum of ops swaps the type
	}{
		{
			name: "a default moved to the added value",
			ops: []schema.Operation{alterMood("happy", "sad", "meh", "calm"),
				schema.AlterColumn{Table: "diary", Column: schema.Column{Name: "mood", Type: enum("mood"), Default: "'calm'"}}},
			swaps: []bool{true},
		},
		{
			name: "a column added with the added value as its default",
			ops: []schema.Operation{alterMood("calm", "happy", "sad", "meh"),
				schema.AddColumn{Table: "visits", Column: schema.Column{Name: "after", Type: enum("mood"), Default: "'calm'"}}},
			swaps: []bool{true},
		},
		{
			name: "a table created with an added value, renamed since, as its default",
			ops: []schema.Operation{alterMood("happy", "calm", "sad", "meh"),
				schema.RenameEnumValue{Enum: "mood", From: "calm", To: "serene"},
				schema.CreateTable{Table: schema.Table{Name: "t", Columns: []schema.Column{{Name: "m", Type: enum("mood"), Default: "'serene'"}}}}},
			swaps: []bool{true},
		},
		{
			name: "a column made NOT NULL with the added value as its backfill",
			ops: []schema.Operation{alterMood("happy", "sad", "meh", "calm"),
				schema.AlterColumn{Table: "visits", Column: schema.Column{Name: "mood", Type: enum("mood")}, Backfill: "'calm'"}},
			swaps: []bool{true},
		},
		{
			name: "a default on a value the enum had already, and values no one uses",
			ops: []schema.Operation{alterMood("happy", "sad", "meh", "calm"),
				schema.AlterColumn{Table: "diary", Column: schema.Column{Name: "mood", Type: enum("mood"), Default: "'sad'"}},
				alterMood("happy", "sad", "meh", "calm", "cross")},
			swaps: []bool{false, false},
		},
		{
			name: "a value re-added by the Down of a default moving off it, and used at once",
			ops: []schema.Operation{alterMood("happy", "sad", "meh", "gone"), alterMood("happy", "sad", "meh", "gone", "other"),
				schema.AlterColumn{Table: "diary", Column: schema.Column{Name: "mood", Type: enum("mood"), Default: "'gone'"}}},
			swaps: []bool{true, false},
		},
	}
	server := testdb.PostgresURL(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := applied(t, &schema.Schema{}, setup)
			steps := render(t, before, tc.ops)
			var swaps []bool
			for i, op := range tc.ops {
				if _, ok := op.(schema.AlterEnum); ok {
					swaps = append(swaps, slices.ContainsFunc(steps, func(s dialect.Step) bool {
						return s.Op == i && strings.Contains(s.SQL, "__strata_old")
					}))
				}
			}
			if !slices.Equal(swaps, tc.swaps) {
				t.Errorf("the AlterEnum operations swap the type: %v, want %v\n%s", swaps, tc.swaps, script(steps, tc.ops))
			}
			db := freshSchema(t, server)
			run(t, db, render(t, &schema.Schema{}, setup))
			run(t, db, steps)
			assertLive(t, db, applied(t, before, tc.ops))
			assertRows(t, db, "after the migration", `SELECT count(*) FROM "diary"`, []string{"3"})
		})
	}
}

// TestUsingAnAddedEnumValueInItsTransactionFailsOnPostgreSQL shows why the
// swaps above are needed: ADD VALUE and a default on the value, rendered
// apart and run in one transaction, fail.
func TestUsingAnAddedEnumValueInItsTransactionFailsOnPostgreSQL(t *testing.T) {
	before := applied(t, &schema.Schema{}, []schema.Operation{moods, diary, visits})
	add := []schema.Operation{alterMood("happy", "sad", "meh", "calm")}
	use := []schema.Operation{schema.AlterColumn{Table: "diary", Column: schema.Column{Name: "mood", Type: enum("mood"), Default: "'calm'"}}}
	steps := append(render(t, before, add), render(t, applied(t, before, add), use)...)

	db := freshSchema(t, testdb.PostgresURL(t))
	run(t, db, render(t, &schema.Schema{}, []schema.Operation{moods, diary, visits}))
	err := tryRun(db, steps)
	var pgErr interface{ SQLState() string }
	if !errors.As(err, &pgErr) || pgErr.SQLState() != "55P04" {
		t.Fatalf("error = %v, want one of SQLSTATE 55P04 (unsafe use of new value)", err)
	}
	run(t, db, steps[:1])
	run(t, db, steps[1:]) // in a later transaction, it works
	assertLive(t, db, applied(t, applied(t, before, add), use))
}

func TestRenderRefusesEnumChangesThatDoNotFit(t *testing.T) {
	cases := []struct {
		name    string
		op      schema.Operation
		want    string
		notFits bool
	}{
		{"altering an enum that does not exist", schema.AlterEnum{Name: "ghost", Values: []string{"a"}}, "no enum ghost", true},
		{"removing the value a default names", alterMood("sad", "meh"), "column diary.mood defaults to 'happy'", true},
		{"a value longer than PostgreSQL keeps", alterMood("happy", "sad", "meh", strings.Repeat("v", 64)), "must be 1 to 63 bytes long", false},
		{"renaming a value onto another", schema.RenameEnumValue{Enum: "mood", From: "sad", To: "meh"}, `has a value "meh" already`, true},
		{"renaming a value to an empty one", schema.RenameEnumValue{Enum: "mood", From: "sad"}, `value "" must be 1 to 63 bytes long`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := applied(t, &schema.Schema{}, []schema.Operation{moods, diary, visits})
			steps, err := postgres.Dialect{}.Render(before, []schema.Operation{tc.op})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "postgres: operation 1 ") {
				t.Fatalf("Render error = %v, want one about operation 1 containing %q (steps %v)", err, tc.want, steps)
			}
			if got := errors.Is(err, schema.ErrNotFit); got != tc.notFits {
				t.Errorf("errors.Is(err, schema.ErrNotFit) = %v, want %v", got, tc.notFits)
			}
		})
	}
}
