package generator_test

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator"
)

// refusals are models that makemigrations must refuse: each a model (the
// body of package models after its package clause) and words its error
// must hold.
var refusals = []struct {
	name, models, says string
}{
	// SQL written into strata's statements.
	{"a where that ends the statement", "//strata:table t\n//strata:index t_a_idx (a) where \"a > 0; CREATE TABLE pwned (x int)\"\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tA int64 `db:\"a\"`\n}", "semicolon"},
	{"a where that hides the rest in a comment", "//strata:table t\n//strata:index t_a_idx (a) where \"a > 0 --\"\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tA int64 `db:\"a\"`\n}", "comment"},
	{"a check directive that closes its parenthesis", "//strata:table t\n//strata:check c \"a > 0) , CONSTRAINT x CHECK (1\"\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tA int64 `db:\"a\"`\n}", "closes a parenthesis"},
	{"a check directive with a dollar quote", "//strata:table t\n//strata:check c \"$$'$$\"\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "dollar-quoted"},
	{"a check option that ends the statement", field("A int64 `db:\"a\" strata:\"check=a > 0; DROP TABLE t\"`"), "semicolon"},
	{"a default with a comment", field("A int64 `db:\"a\" strata:\"default=0 /* x */\"`"), "comment"},
	{"a type with a quote hidden in a comment", field("A string `db:\"a\" strata:\"type=text /* ' */\"`"), "unclosed ' quote"},
	{"a type followed by a default", field("A string `db:\"a\" strata:\"type.postgres=text DEFAULT 'x'\"`"), "DEFAULT after the type"},
	{"a type that closes a parenthesis", field("A string `db:\"a\" strata:\"type.sqlite=TEXT) ; DROP TABLE t; --\"`"), "unbalanced )"},
	{"a using that ends the statement", field("A int64 `db:\"a\" strata:\"using=a::bigint; DROP TABLE t\"`"), "semicolon"},
	{"a default with a backslash", field("A string `db:\"a\" strata:\"default='a\\\\b'\"`"), "backslash"},
	{"a type with a word for a size", field("A string `db:\"a\" strata:\"type=numeric(a)\"`"), "parameters are numbers"},
	{"a type followed by NOT NULL", field("A string `db:\"a\" strata:\"type=int NOT NULL\"`"), "NOT after the type"},
	{"a default with a comma that starts a column", field("A int64 `db:\"a\" strata:\"default=(0), evil int\"`"), "unknown option \"evil int\""},
	{"a check with a backquote", "//strata:table t\n//strata:check c \"`a` > 0\"\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tA int64 `db:\"a\"`\n}", "backquote"},
	{"a check with an escape string", field("A string `db:\"a\" strata:\"check=a <> E'x'\"`"), "E'...'"},
	{"a where with a quote in brackets", "//strata:table t\n//strata:index t_a_idx (a) where \"a[1] = ['x']\"\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tA int64 `db:\"a\"`\n}", "inside [ ]"},
	// Enum values.
	{"an empty enum value", enumModel(`EA E = "a"; EB E = ""`), "empty"},
	{"an enum value longer than 63 bytes", enumModel(`EA E = "a"; EB E = "` + strings.Repeat("v", 64) + `"`), "longer than 63 bytes"},
	{"an enum value that is not UTF-8", enumModel(`EA E = "a"; EB E = "\xff"`), "not valid UTF-8"},
	{"an enum value holding NUL", enumModel(`EA E = "a"; EB E = "a\x00b"`), "NUL"},
	{"an enum named as a PostgreSQL type", "//strata:enum text\ntype E string\n\nconst EA E = \"a\"\n\n//strata:table t\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tK E `db:\"k\"`\n}", "PostgreSQL has a type text"},
	{"an enum named as another PostgreSQL type", "//strata:enum json\ntype E string\n\nconst EA E = \"a\"\n\n//strata:table t\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tK E `db:\"k\"`\n}", "PostgreSQL has a type json"},
	{"an enum default that is not a value", enumModel(`EA E = "a"`) + "\n\n//strata:table u\ntype U struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tK E `db:\"k\" strata:\"default='b'\"`\n}", "not a value of enum"},
	{"an enum with no values", "//strata:enum\ntype E string\n\n//strata:table t\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tK E `db:\"k\"`\n}", "has no values"},
	// Names an engine keeps.
	{"a column xmin", field("Xmin int64 `db:\"xmin\"`"), "PostgreSQL has a column xmin"},
	{"a column ctid", field("Ctid int64 `db:\"ctid\"`"), "PostgreSQL has a column ctid"},
	{"a column tableoid", field("X int64 `db:\"tableoid\"`"), "PostgreSQL has a column tableoid"},
	{"a column rowid", field("X int64 `db:\"rowid\"`"), "SQLite has a column rowid"},
	{"a column oid", field("X int64 `db:\"oid\"`"), "has a column oid"},
	{"a table sqlite_", table("sqlite_stats"), "SQLite reserves"},
	{"a table pg_", table("pg_stats"), "pg_"},
	{"a table strata_", table("strata_things"), "reserved for strata"},
	{"an index named as an identity sequence", "//strata:table t\n//strata:index t_id_seq (a)\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk,identity\"`\n\tA int64 `db:\"a\"`\n}", "identity sequence"},
	{"a table named as an identity sequence", table("t") + "\n\n//strata:table u\ntype U struct {\n\tID int64 `db:\"id\" strata:\"pk,identity\"`\n}\n\n//strata:table u_id_seq\ntype S struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "sequence of the identity column"},
	{"a table name in capitals", table("Things"), "lowercase"},
	{"a table name longer than 63 bytes", table(strings.Repeat("t", 64)), "longer than 63 bytes"},
	{"a column name in capitals", field("A int64 `db:\"A\"`"), "lowercase"},
	// Values against the Go type and the engines.
	{"a uint8 default of -1", field("A uint8 `db:\"a\" strata:\"default=-1\"`"), "Go type uint8"},
	{"an int8 default of 200", field("A int8 `db:\"a\" strata:\"default=200\"`"), "Go type int8"},
	{"a float64 default of 1e400", field("A float64 `db:\"a\" strata:\"default=1e400\"`"), "out of range"},
	{"a float32 default of 1e39", field("A float32 `db:\"a\" strata:\"default=1e39\"`"), "out of range"},
	{"a uint64 default past its range", field("A uint64 `db:\"a\" strata:\"type=numeric(20),default=18446744073709551616\"`"), "Go type uint64"},
	{"a backfill past the Go type", field("A uint8 `db:\"a\" strata:\"backfill=300\"`"), "Go type uint8"},
	{"a foreign key between different type= columns", "//strata:table t\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tCode string `db:\"code\" strata:\"unique,type=varchar(10)\"`\n}\n\n//strata:table u\ntype U struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tCode string `db:\"code\" strata:\"type=varchar(20),fk=t.code\"`\n}", "column types differ"},
	{"a uint64 without a type", field("A uint64 `db:\"a\"`"), "does not fit"},
	{"a size past VARCHAR's", field("A string `db:\"a\" strata:\"size=10485761\"`"), "size"},
	{"a string default without quotes", field("A string `db:\"a\" strata:\"default=x\"`"), "not an SQL string"},
	{"a time default that is not now", "//strata:table t\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tAt time.Time `db:\"at\" strata:\"default='today'\"`\n}", "default=now"},
	{"auto_now on a string", field("A string `db:\"a\" strata:\"auto_now\"`"), "auto_now is for time.Time"},
	{"identity on a string", "//strata:table t\ntype T struct {\n\tID string `db:\"id\" strata:\"pk,identity\"`\n}", "identity"},
	{"a backfill on a nullable column", field("A *int64 `db:\"a\" strata:\"backfill=0\"`"), "nullable"},
	// Tags and directives.
	{"an unknown option", field("A int64 `db:\"a\" strata:\"uniq\"`"), "unknown option"},
	{"an option given twice", field("A int64 `db:\"a\" strata:\"index,index\"`"), "twice"},
	{"a flag option with a value", field("A int64 `db:\"a\" strata:\"unique=1\"`"), "takes no value"},
	{"an option without its value", field("A int64 `db:\"a\" strata:\"default=\"`"), "needs a value"},
	{"an unknown directive", "//strata:table t\n//strata:tabel x\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "unknown directive"},
	{"an offline directive with an argument", "//strata:table t\n//strata:offline now\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "takes no arguments"},
	{"a second offline directive", "//strata:table t\n//strata:offline\n//strata:offline\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "second //strata:offline"},
	{"a table directive without a name", "//strata:table\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "needs the table's name"},
	{"a pk directive beside a pk option", "//strata:table t\n//strata:pk (id, a)\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tA int64 `db:\"a\"`\n}", "pk"},
	{"a foreign key to no table", field("A int64 `db:\"a\" strata:\"fk=nowhere.id\"`"), "no model has table"},
	{"a foreign key to no column", field("A int64 `db:\"a\" strata:\"fk=t.nothing\"`"), "has no column"},
	{"a foreign key to a column that is no key", field("A int64 `db:\"a\"`\n\tB int64 `db:\"b\" strata:\"fk=t.a\"`"), "neither the primary key"},
	{"an index on no column", "//strata:table t\n//strata:index t_x_idx (x)\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "no column"},
	{"a unique directive on no column", "//strata:table t\n//strata:unique t_x_key (x)\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "no column"},
	{"a check directive without its expression", "//strata:table t\n//strata:check c\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}", "takes a name and an SQL expression"},
	{"a renamed_from naming the column itself", field("A int64 `db:\"a\" strata:\"renamed_from=a\"`"), "current name"},
	{"a model without columns", "//strata:table t\ntype T struct {\n\tid int64\n}", "no columns"},
	{"a field without a db tag", field("Nick string"), "no db tag"},
	// Bytes no engine takes as text, in a tag written as an interpreted string.
	{"a string default holding NUL", field(`A string "db:\"a\" strata:\"default='a\x00b'\""`), "NUL byte"},
	{"a string default that is not UTF-8", field(`A string "db:\"a\" strata:\"default='a\xffb'\""`), "not valid UTF-8"},
	{"a type that is not UTF-8", field(`A string "db:\"a\" strata:\"type=text\xff\""`), "not valid UTF-8"},
	{"a column name that is not UTF-8", field(`A string "db:\"a\xffb\""`), "not valid UTF-8"},
}

// field returns a model of table t with an id key and the field f.
func field(f string) string {
	return "//strata:table t\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\t" + f + "\n}"
}

// table returns a model of table name with an id key.
func table(name string) string {
	return "//strata:table " + name + "\ntype T" + strings.ReplaceAll(strings.ToUpper(name[:1])+name[1:], "_", "") + " struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n}"
}

// enumModel returns an enum E of the constants consts, separated by
// semicolons, and a table t with a column of it.
func enumModel(consts string) string {
	return "//strata:enum\ntype E string\n\nconst (\n\t" + strings.ReplaceAll(consts, "; ", "\n\t") + "\n)\n\n//strata:table t\ntype T struct {\n\tID int64 `db:\"id\" strata:\"pk\"`\n\tK E `db:\"k\"`\n}"
}

var positioned = regexp.MustCompile(`(?m)^(strata: |makemigrations: )?models/models\.go:[0-9]+:[0-9]+: `)

func TestEveryBadModelIsRefusedAtItsPositionAndWritesNothing(t *testing.T) {
	if len(refusals) < 60 {
		t.Fatalf("%d bad models, want at least 60", len(refusals))
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.22\n"))
			writeFile(t, filepath.Join(dir, "migrations", "generate.go"), []byte("package migrations\n\nimport \"github.com/strata-go/strata/runtime\"\n\nvar Migrator = runtime.NewMigrator()\n"))
			src := "package models\n\n"
			if strings.Contains(tc.models, "time.Time") {
				src += "import \"time\"\n\n"
			}
			writeFile(t, filepath.Join(dir, "models", "models.go"), []byte(src+tc.models+"\n"))
			migrations := filepath.Join(dir, "migrations")
			before := listDir(t, migrations)
			_, err := generator.Make(context.Background(), generator.Config{Dir: migrations, Models: []string{"../models"}})
			switch {
			case err == nil:
				t.Fatalf("makemigrations took the model:\n%s", tc.models)
			case !positioned.MatchString(err.Error()):
				t.Errorf("error without a position in models.go: %v", err)
			case !strings.Contains(err.Error(), tc.says):
				t.Errorf("error = %v, want it to say %q", err, tc.says)
			}
			if after := listDir(t, migrations); !slices.Equal(before, after) {
				t.Errorf("the refused run changed the migrations directory")
			}
		})
	}
}
