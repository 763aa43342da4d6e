package integration

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/integration/internal/everytype"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/column"
)

// TestEveryGoTypeRoundTripsThroughEachClient generates the migration of
// the models in internal/everytype as makemigrations does, applies it to
// SQLite, PostgreSQL and MySQL (MariaDB) opened with runtime.Open, and
// writes and reads back a row of Every through sqlx on each engine and
// through pgx's own
// interface (RowToStructByName) on PostgreSQL: once with a value in every
// field, edge values of each width among them, and once with the zero
// value of every field. What is read equals what was written, field for
// field, but for what an engine documents it changes, which the test
// applies to what it expects, no more:
//
//   - PostgreSQL keeps a time to the microsecond, and so does MySQL's
//     DATETIME(6) (go-sql-driver/mysql sends a time's microseconds, its
//     nanoseconds dropped);
//   - JSONB keeps JSON in its own spacing and key order, which a
//     json.RawMessage shows; MariaDB's JSON, text checked by JSON_VALID,
//     keeps it as written (MySQL 8's own JSON type would order and space
//     it as JSONB does; only MariaDB runs here);
//   - a time.Time comes back as the same instant, in UTC or the local
//     zone rather than the zone it was written in (compared with Equal).
//
// An enum field's zero value, "", is not a value of the enum: the zero row
// holds the enum's first value, and writing "" is refused by each engine.
func TestEveryGoTypeRoundTripsThroughEachClient(t *testing.T) {
	ctx := context.Background()
	app := newAppModule(t)
	src, err := os.ReadFile(filepath.Join("internal", "everytype", "models.go"))
	if err != nil {
		t.Fatal(err)
	}
	app.write("models/models.go", string(src))
	app.write("migrations/generate.go", "package migrations\n\nvar Migrator = 0\n")
	app.run("go", "mod", "tidy")
	res, err := generator.Make(ctx, generator.Config{Dir: filepath.Join(app.dir, "migrations"), Models: []string{"../models"}, Dialects: targetDialects})
	if err != nil {
		t.Fatalf("makemigrations: %v", err)
	}
	m := runtime.NewMigrator()
	m.Register(runtime.Migration{ID: res.ID, Up: res.Plan.Ops(), Down: res.Plan.Down})

	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			url := e.newURL(t)
			db, err := runtime.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := m.Up(ctx, db); err != nil {
				t.Fatalf("up: %v", err)
			}
			x := sqlx.NewDb(db, e.driver)
			if e.name == "sqlite" {
				x = sqlx.NewDb(db, "sqlite3") // sqlx knows SQLite's bind variables by mattn's driver name
			}
			for i, in := range []everytype.Every{fullRow(1), zeroRow(2)} {
				t.Run("sqlx/"+[]string{"full", "zero"}[i], func(t *testing.T) {
					if _, err := x.NamedExecContext(ctx, insertEvery(colonName), in); err != nil {
						t.Fatalf("insert: %v", err)
					}
					var out everytype.Every
					if err := x.GetContext(ctx, &out, x.Rebind(`SELECT * FROM every WHERE id = ?`), in.ID); err != nil {
						t.Fatalf("select: %v", err)
					}
					assertSameRow(t, e.name, in, out)
				})
			}
			t.Run("sqlx/an enum's zero value is refused", func(t *testing.T) {
				in := zeroRow(3)
				in.Status = ""
				if _, err := x.NamedExecContext(ctx, insertEvery(colonName), in); err == nil {
					t.Errorf("the row with status \"\" was written")
				}
			})
			if e.name != "postgres" {
				return
			}
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			for i, in := range []everytype.Every{fullRow(11), zeroRow(12)} {
				t.Run("pgx/"+[]string{"full", "zero"}[i], func(t *testing.T) {
					if _, err := conn.Exec(ctx, insertEvery(atNames), namedArgs(in)); err != nil {
						t.Fatalf("insert: %v", err)
					}
					rows, _ := conn.Query(ctx, `SELECT * FROM every WHERE id = $1`, in.ID)
					out, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[everytype.Every])
					if err != nil {
						t.Fatalf("select: %v", err)
					}
					assertSameRow(t, e.name, in, out)
				})
			}
			full := everytype.Native{
				ID: 1, Doc: json.RawMessage(`{"a": 1}`), Labels: map[string]string{"k": "v", "": "empty key"}, Tags: []string{"a", ""},
				Prefs: everytype.Prefs{Theme: "dark", Sizes: map[string]int{"s": 1}},
			}
			for i, in := range []everytype.Native{full, {ID: 2}} {
				t.Run("pgx/json option/"+[]string{"full", "zero"}[i], func(t *testing.T) {
					if _, err := conn.Exec(ctx, `INSERT INTO native (id, doc, labels, tags, prefs) VALUES (@id, @doc, @labels, @tags, @prefs)`,
						namedArgs(in)); err != nil {
						t.Fatalf("insert: %v", err)
					}
					rows, _ := conn.Query(ctx, `SELECT * FROM native WHERE id = $1`, in.ID)
					out, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[everytype.Native])
					if err != nil {
						t.Fatalf("select: %v", err)
					}
					if diff := cmp.Diff(in, out); diff != "" {
						t.Errorf("read back (-written +read):\n%s", diff)
					}
				})
			}
		})
	}
}

// fullRow returns a row of Every with a value in every field: the extremes
// of each integer width, text with quotes and characters beyond ASCII,
// bytes with a zero, a time with nanoseconds in a zone that is not UTC, and
// pointers to zero values, which are values and not NULL.
func fullRow(id int64) everytype.Every {
	kolkata := time.FixedZone("IST", 5*3600+1800)
	at := time.Date(2024, 3, 5, 14, 15, 16, 123456789, kolkata)
	zero := int64(0)
	doc := json.RawMessage(`{"b":[true,null],"a":1}`)
	note := "it's \"quoted\", 世界"
	level := everytype.StatusClosed
	ref := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	return everytype.Every{
		ID: id, Flag: true,
		I8: math.MinInt8, U8: math.MaxUint8, I16: math.MinInt16, U16: math.MaxUint16,
		I32: math.MinInt32, U32: math.MaxUint32, I64: math.MinInt64, Int: math.MaxInt64,
		F32: 3.25, F64: -1.5e300,
		Text: "tab\tnewline\n'single' \"double\" é 世界 🙂", Code: "ABCDEFGH",
		Price: 12345, Status: everytype.StatusClosed,
		Data:   []byte{0, 1, 2, 254, 255},
		At:     at,
		Raw:    column.JSONOf(json.RawMessage(`{"b":[true,null],"a":1}`)),
		Prefs:  column.JSONOf(everytype.Prefs{Theme: "dark", Sizes: map[string]int{"s": 1, "m": 2}}),
		Tags:   column.JSONOf([]string{"x", "", "y"}),
		Labels: column.JSONOf(map[string]string{"k": "v"}),
		Token:  uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),

		Note: &note, Count: &zero, Seen: &at, Ref: &ref, Level: &level,
		Extra:     &column.JSON[everytype.Prefs]{V: everytype.Prefs{Theme: "light"}},
		Doc:       &doc,
		NullText:  sql.NullString{String: "", Valid: true},
		NullByte:  sql.NullByte{Byte: 255, Valid: true},
		NullI16:   sql.NullInt16{Int16: -1, Valid: true},
		NullI32:   sql.NullInt32{Int32: math.MaxInt32, Valid: true},
		NullI64:   sql.NullInt64{Int64: 0, Valid: true},
		NullBool:  sql.NullBool{Bool: false, Valid: true},
		NullF64:   sql.NullFloat64{Float64: 0.1, Valid: true},
		NullTime:  sql.NullTime{Time: at.UTC(), Valid: true},
		NullOfI32: sql.Null[int32]{V: -7, Valid: true},
	}
}

// zeroRow returns the zero Every but for its key and its enum, whose zero
// value is not one of the enum's values.
func zeroRow(id int64) everytype.Every {
	return everytype.Every{ID: id, Status: everytype.StatusActive}
}

// assertSameRow compares the row read back with the one written, after
// the changes the engine documents (see the test's comment).
func assertSameRow(t *testing.T, engine string, in, out everytype.Every) {
	t.Helper()
	want := in
	if engine == "postgres" || engine == "mysql" {
		micro := func(tm time.Time) time.Time { return tm.Truncate(time.Microsecond) }
		want.At = micro(want.At)
		if want.Seen != nil {
			seen := micro(*want.Seen)
			want.Seen = &seen
		}
		want.NullTime.Time = micro(want.NullTime.Time)
	}
	if engine == "postgres" {
		if want.Doc != nil {
			jsonb := json.RawMessage(`{"a": 1, "b": [true, null]}`)
			want.Doc = &jsonb
		}
		if want.Raw.V != nil {
			want.Raw.V = json.RawMessage(`{"a": 1, "b": [true, null]}`)
		}
	}
	sameInstant := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	if diff := cmp.Diff(want, out, sameInstant); diff != "" {
		t.Errorf("read back (-written +read):\n%s", diff)
	}
}

// columnsOfEvery lists the db tags of Every's fields, in order.
func columnsOfEvery() []string {
	var names []string
	typ := reflect.TypeFor[everytype.Every]()
	for i := range typ.NumField() {
		names = append(names, typ.Field(i).Tag.Get("db"))
	}
	return names
}

// insertEvery returns the INSERT of every column of Every, its values
// named as param spells them.
func insertEvery(param func(string) string) string {
	names := columnsOfEvery()
	values := make([]string, len(names))
	for i, n := range names {
		values[i] = param(n)
	}
	return "INSERT INTO every (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(values, ", ") + ")"
}

// colonName spells the value of column n as sqlx's NamedExec takes it.
func colonName(n string) string { return ":" + n }

// atNames spells the value of column n as pgx's NamedArgs take it.
func atNames(n string) string { return "@" + n }

// namedArgs returns the fields of the struct v by their db tags, as pgx's
// NamedArgs take them.
func namedArgs(v any) pgx.NamedArgs {
	args := pgx.NamedArgs{}
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		args[rv.Type().Field(i).Tag.Get("db")] = rv.Field(i).Interface()
	}
	return args
}
