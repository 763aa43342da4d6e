package emit

import (
	"bytes"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func usersTable() schema.Table {
	return schema.Table{
		Name: "users",
		Columns: []schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true},
			{Name: "org_id", Type: schema.Type{Kind: schema.Int64}},
			{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}},
			{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "user_status"}, Default: "'active'"},
			{Name: "price", Type: schema.Type{Kind: schema.Text, Custom: []schema.CustomType{{Dialect: "postgres", SQL: "numeric(10,2)"}}}, Nullable: true},
			{Name: "updated_at", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: true},
		},
		PrimaryKey: []string{"id"},
		Indexes:    []schema.Index{{Name: "users_org_id_idx", Columns: []string{"org_id"}}},
		Uniques:    []schema.Unique{{Name: "users_email_key", Columns: []string{"email"}}},
		Checks:     []schema.Check{{Name: "users_email_check", Expr: `"email" <> ''`}},
	}
}

func orgsTable() schema.Table {
	return schema.Table{
		Name:       "orgs",
		Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}, Identity: true}},
		PrimaryKey: []string{"id"},
	}
}

// cases are the migrations the golden and compile tests render; their
// goldens are testdata/ID.go.golden. They follow one another: together they
// are the migrations package of the compile test.
var cases = []struct {
	name string
	file File
}{
	{
		name: "the first migration creates enums and tables",
		file: File{
			Package: "migrations",
			ID:      "0001_initial",
			Up: []schema.Operation{
				schema.CreateEnum{Enum: schema.Enum{Name: "user_status", Values: []string{"active", "banned"}}},
				schema.CreateTable{Table: orgsTable()},
				schema.CreateTable{Table: usersTable()},
			},
			Down: []schema.Operation{
				schema.DropTable{Name: "users"},
				schema.DropTable{Name: "orgs"},
				schema.DropEnum{Name: "user_status"},
			},
		},
	},
	{
		name: "every other operation kind, and its inverse",
		file: File{
			Package: "migrations",
			ID:      "0002_every_operation",
			Up: []schema.Operation{
				schema.AddColumn{Table: "users", Column: schema.Column{Name: "bio", Type: schema.Type{Kind: schema.Text}, Nullable: true}},
				schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_active_email", Columns: []string{"email"}, Unique: true, Where: `"status" = 'active'`}},
				schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_org_id_email_key", Columns: []string{"org_id", "email"}}},
				schema.AddForeignKey{Table: "users", ForeignKey: schema.ForeignKey{Name: "users_org_id_fkey", Columns: []string{"org_id"}, RefTable: "orgs", RefColumns: []string{"id"}, OnDelete: schema.Cascade, OnUpdate: schema.Restrict}},
				schema.DropIndex{Table: "users", Name: "users_org_id_idx"},
				schema.DropUnique{Table: "users", Name: "users_email_key"},
			},
			Down: []schema.Operation{
				schema.AddUnique{Table: "users", Unique: schema.Unique{Name: "users_email_key", Columns: []string{"email"}}},
				schema.CreateIndex{Table: "users", Index: schema.Index{Name: "users_org_id_idx", Columns: []string{"org_id"}}},
				schema.DropForeignKey{Table: "users", Name: "users_org_id_fkey"},
				schema.DropUnique{Table: "users", Name: "users_org_id_email_key"},
				schema.DropIndex{Table: "users", Name: "users_active_email"},
				schema.DropColumn{Table: "users", Column: "bio"},
			},
		},
	},
	{
		name: "notes become line comments above their operations",
		file: File{
			Package: "migrations",
			ID:      "0003_drop_bio",
			Up: []schema.Operation{
				schema.AddColumn{Table: "orgs", Column: schema.Column{Name: "name", Type: schema.Type{Kind: schema.Text}, Default: "''"}},
				schema.DropColumn{Table: "users", Column: "bio"},
				schema.DropColumn{Table: "users", Column: "price"},
			},
			Notes: map[int]string{
				1: "Destructive: drops users.bio and the data it holds.\n\nIt was allowed with --force. /* not a block */  \n",
				2: "  drops users.price too  ",
				0: "",
			},
		},
	},
	{
		name: "an empty migration leaves room for hand-written steps",
		file: File{Package: "migrations", ID: "0004_backfill"},
	},
	{
		name: "renames, alterations with their hints, and checks",
		file: File{
			Package: "migrations",
			ID:      "0005_rename_orgs_to_teams_and_more",
			Up: []schema.Operation{
				schema.RenameTable{From: "orgs", To: "teams"},
				schema.RenameColumn{Table: "users", From: "org_id", To: "team_id"},
				schema.RenameIndex{Table: "users", From: "users_active_email", To: "users_active_email_idx"},
				schema.RenameConstraint{Table: "users", From: "users_org_id_email_key", To: "users_team_id_email_key"},
				schema.RenameConstraint{Table: "users", From: "users_org_id_fkey", To: "users_team_id_fkey"},
				schema.DropCheck{Table: "users", Name: "users_email_check"},
				schema.AlterColumn{Table: "teams", Column: schema.Column{Name: "name", Type: schema.Type{Kind: schema.Text, Size: 200}}, Using: `left("name", 200)`},
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "status", Type: schema.Type{Kind: schema.Text}, Default: "'active'"}},
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}, Nullable: true}},
				schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_email_check", Expr: `"email" LIKE '%@%'`}},
			},
			Notes: map[int]string{
				6: "Destructive: column teams.name changes type from text to varchar(200), converting its values with using=left(\"name\", 200), which may fail on some rows or lose data.",
			},
			Down: []schema.Operation{
				schema.DropCheck{Table: "users", Name: "users_email_check"},
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}}},
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "user_status"}, Default: "'active'"}},
				schema.AlterColumn{Table: "teams", Column: schema.Column{Name: "name", Type: schema.Type{Kind: schema.Text}, Default: "''"}},
				schema.AddCheck{Table: "users", Check: schema.Check{Name: "users_email_check", Expr: `"email" <> ''`}},
				schema.RenameConstraint{Table: "users", From: "users_team_id_fkey", To: "users_org_id_fkey"},
				schema.RenameConstraint{Table: "users", From: "users_team_id_email_key", To: "users_org_id_email_key"},
				schema.RenameIndex{Table: "users", From: "users_active_email_idx", To: "users_active_email"},
				schema.RenameColumn{Table: "users", From: "team_id", To: "org_id"},
				schema.RenameTable{From: "teams", To: "orgs"},
			},
		},
	},
	{
		name: "a column that becomes NOT NULL carries its backfill",
		file: File{
			Package: "migrations",
			ID:      "0006_alter_users_email",
			Up: []schema.Operation{
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}}, Backfill: "'unknown@example.com'"},
			},
			Down: []schema.Operation{
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}, Nullable: true}},
			},
		},
	},
	{
		name: "an enum value renamed and one added, and back",
		file: File{
			Package: "migrations",
			ID:      "0007_alter_user_status",
			Up: []schema.Operation{
				schema.RenameEnumValue{Enum: "user_status", From: "banned", To: "blocked"},
				schema.AlterEnum{Name: "user_status", Values: []string{"pending", "active", "blocked"}},
			},
			Down: []schema.Operation{
				schema.AlterEnum{Name: "user_status", Values: []string{"active", "blocked"}},
				schema.RenameEnumValue{Enum: "user_status", From: "blocked", To: "banned"},
			},
		},
	},
	{
		name: "a squash lists the migrations it replaces",
		file: File{
			Package:  "migrations",
			ID:       "0008_create_notes_squashed",
			Replaces: []string{"0008_create_notes", "0008_add_notes_body"},
			Up: []schema.Operation{
				schema.CreateTable{Table: schema.Table{Name: "notes", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}, PrimaryKey: []string{"id"}}},
			},
			Down: []schema.Operation{schema.DropTable{Name: "notes"}},
		},
	},
	{
		name: "a column widened in place, and narrowed back",
		file: File{
			Package: "migrations",
			ID:      "0009_alter_users_email",
			Up: []schema.Operation{
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text}}},
			},
			Down: []schema.Operation{
				schema.AlterColumn{Table: "users", Column: schema.Column{Name: "email", Type: schema.Type{Kind: schema.Text, Size: 320}}},
			},
		},
	},
	{
		name: "a primary key moved, with the guard's note, and moved back",
		file: File{
			Package: "migrations",
			ID:      "0010_alter_users_pkey",
			Up: []schema.Operation{
				schema.AlterPrimaryKey{Table: "users", Old: []string{"id"}, New: []string{"team_id", "email"}},
			},
			Notes: map[int]string{
				0: "Destructive: the primary key of users changes from (id) to (team_id, email), and two rows that share a value of (team_id, email) fail the migration.",
			},
			Down: []schema.Operation{
				schema.AlterPrimaryKey{Table: "users", Old: []string{"team_id", "email"}, New: []string{"id"}},
			},
		},
	},
}

func TestMigrationGolden(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Migration(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.file.ID+".go.golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Migration() (-%s +got):\n%s", golden, diff)
			}
		})
	}
}

func TestMigrationIsTheUsersFile(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Migration(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(token.NewFileSet(), tc.file.ID+".go", src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if ast.IsGenerated(f) {
				t.Error("the migration is marked as generated; it is the user's file")
			}
			if f.Doc != nil {
				t.Errorf("the migration's comment is package documentation: %q", f.Doc.Text())
			}
			for _, cg := range f.Comments {
				for _, c := range cg.List {
					if strings.HasPrefix(c.Text, "/*") {
						t.Errorf("block comment %q; want // line comments", c.Text)
					}
				}
			}
			if n := bytes.Count(src, []byte("\n\n\n")); n > 0 {
				t.Errorf("the file has %d runs of blank lines", n)
			}
		})
	}
}

func TestNotesSitAboveTheirOperations(t *testing.T) {
	src, err := Migration(cases[2].file)
	if err != nil {
		t.Fatal(err)
	}
	want := "\t\t\t// Destructive: drops users.bio and the data it holds.\n" +
		"\t\t\t//\n" +
		"\t\t\t// It was allowed with --force. /* not a block */\n" +
		"\t\t\tschema.DropColumn{\n" +
		"\t\t\t\tTable:  \"users\",\n" +
		"\t\t\t\tColumn: \"bio\",\n" +
		"\t\t\t},\n" +
		"\t\t\t// drops users.price too\n" +
		"\t\t\tschema.DropColumn{\n"
	if !bytes.Contains(src, []byte(want)) {
		t.Errorf("the notes are not above their operations; want\n%s\nin\n%s", want, src)
	}
}

func TestMigrationErrors(t *testing.T) {
	tests := []struct {
		name string
		file File
		want string
	}{
		{
			name: "a package name that is not an identifier",
			file: File{Package: "my-migrations", ID: "0001_x"},
			want: `emit: package name "my-migrations" is not a Go identifier`,
		},
		{
			name: "an empty ID",
			file: File{Package: "migrations"},
			want: `emit: migration ID "" cannot name a file: want letters, digits and underscores, such as 0002_add_users_bio`,
		},
		{
			name: "an ID with a path in it",
			file: File{Package: "migrations", ID: "../0001_x"},
			want: `emit: migration ID "../0001_x" cannot name a file: want letters, digits and underscores, such as 0002_add_users_bio`,
		},
		{
			name: "an ID with a newline in it",
			file: File{Package: "migrations", ID: "0001_x\npackage y"},
			want: `emit: migration ID "0001_x\npackage y" cannot name a file: want letters, digits and underscores, such as 0002_add_users_bio`,
		},
		{
			name: "a note for an operation that is not there",
			file: File{Package: "migrations", ID: "0001_x", Up: []schema.Operation{schema.DropTable{Name: "t"}}, Notes: map[int]string{1: "why"}},
			want: "emit: migration 0001_x: a note is for Up[1], but Up has 1 operations",
		},
		{
			name: "a hand-written step in Up",
			file: File{Package: "migrations", ID: "0001_x", Up: []schema.Operation{schema.DropTable{Name: "t"}, schema.RunSQL{SQL: "SELECT 1"}}},
			want: "emit: migration 0001_x: Up[1]: golit: schema.RunSQL is a hand-written step, which strata does not generate",
		},
		{
			name: "a nil operation in Down",
			file: File{Package: "migrations", ID: "0001_x", Down: []schema.Operation{nil}},
			want: "emit: migration 0001_x: Down[0]: golit: nil operation",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Migration(tt.file)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Migration() error = %v\nwant %s", err, tt.want)
			}
			if src != nil {
				t.Errorf("Migration() returned source with its error:\n%s", src)
			}
		})
	}
}
