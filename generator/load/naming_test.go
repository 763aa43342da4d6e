package load

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConstraintName(t *testing.T) {
	long := strings.Repeat("t", 40)
	tests := []struct {
		name    string
		table   string
		columns []string
		suffix  string
		want    string
	}{
		{"a primary key is named after its table", "users", nil, "pkey", "users_pkey"},
		{"a column constraint joins table, column and suffix", "users", []string{"email"}, "key", "users_email_key"},
		{"the columns of a multi-column constraint are joined by underscores", "memberships", []string{"org_id", "user_id"}, "fkey", "memberships_org_id_user_id_fkey"},
		{"a name of exactly 63 bytes is kept", long, []string{strings.Repeat("c", 18)}, "idx", long + "_" + strings.Repeat("c", 18) + "_idx"},
		{"a longer name is cut and ends with a hash of the full name", long, []string{strings.Repeat("c", 19)}, "idx",
			long + "_" + strings.Repeat("c", 13) + "_" + "6cb846d2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ConstraintName(tt.table, tt.columns, tt.suffix)
			if got != tt.want {
				t.Errorf("ConstraintName(%q, %q, %q) = %q, want %q", tt.table, tt.columns, tt.suffix, got, tt.want)
			}
			if len(got) > MaxNameLen {
				t.Errorf("ConstraintName returned %d bytes, more than %d", len(got), MaxNameLen)
			}
		})
	}
}

func TestConstraintNameKeepsLongNamesApart(t *testing.T) {
	table := strings.Repeat("t", 60)
	a := ConstraintName(table, []string{"first_column"}, "idx")
	b := ConstraintName(table, []string{"second_column"}, "idx")
	if a == b {
		t.Errorf("two long names that differ after the cut both became %q", a)
	}
	if again := ConstraintName(table, []string{"first_column"}, "idx"); again != a {
		t.Errorf("ConstraintName is not stable: %q, then %q", a, again)
	}
}

func TestSnakeCase(t *testing.T) {
	tests := map[string]string{
		"Status":      "status",
		"OrderStatus": "order_status",
		"OrgID":       "org_id",
		"HTTPStatus":  "http_status",
		"ID":          "id",
		"Address2":    "address2",
		"already_ok":  "already_ok",
	}
	for in, want := range tests {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentProblem(t *testing.T) {
	valid := []string{"users", "_private", "a1", "org_id", strings.Repeat("a", 63)}
	for _, name := range valid {
		if p := identProblem(name); p != "" {
			t.Errorf("identProblem(%q) = %q, want none", name, p)
		}
	}
	invalid := []string{"", "Users", "1st", "with-dash", "with space", "ünïcode", strings.Repeat("a", 64)}
	for _, name := range invalid {
		if p := identProblem(name); p == "" {
			t.Errorf("identProblem(%q) found no problem", name)
		}
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		name       string
		word       string
		candidates []string
		want       string
	}{
		{"a dropped letter is found", "uniq", knownOptions, "unique"},
		{"a swapped pair is found", "idnex", knownOptions, "index"},
		{"case does not count", "PK", knownOptions, "pk"},
		{"a word far from every candidate has no suggestion", "colour", knownOptions, ""},
		{"a short word is not matched to an unrelated short one", "x", knownOptions, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := closest(tt.word, tt.candidates); got != tt.want {
				t.Errorf("closest(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestSplitOptions(t *testing.T) {
	tests := []struct {
		name    string
		tag     string
		want    []string
		problem bool
	}{
		{"commas separate options", "pk,identity", []string{"pk", "identity"}, false},
		{"a comma inside parentheses does not separate", "type=numeric(10,2),unique", []string{"type=numeric(10,2)", "unique"}, false},
		{"a comma inside single quotes does not separate", "default='a,b',index", []string{"default='a,b'", "index"}, false},
		{"a comma inside double quotes does not separate", `check=name <> "a,b"`, []string{`check=name <> "a,b"`}, false},
		{"a doubled quote stays inside the string", "default='it''s,',pk", []string{"default='it''s,'", "pk"}, false},
		{"nested parentheses are one option", "default=(coalesce(a, (b)))", []string{"default=(coalesce(a, (b)))"}, false},
		{"an unclosed parenthesis is a problem", "type=numeric(10,2", nil, true},
		{"a stray closing parenthesis is a problem", "type=numeric10,2)", nil, true},
		{"an unclosed quote is a problem", "default='a,b", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := splitOptions(tt.tag)
			if (problem != "") != tt.problem {
				t.Fatalf("splitOptions(%q) problem = %q, want a problem: %v", tt.tag, problem, tt.problem)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitOptions(%q) mismatch (-want +got):\n%s", tt.tag, diff)
			}
		})
	}
}

func TestSplitArgs(t *testing.T) {
	args, _, msg := splitArgs(` users_org (org_id, status) unique where "deleted_at IS NULL AND note <> '('"`)
	if msg != "" {
		t.Fatal(msg)
	}
	var got []string
	for _, a := range args {
		got = append(got, a.describe())
	}
	want := []string{"users_org", "(org_id, status)", "unique", "where", `"deleted_at IS NULL AND note <> '('"`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("splitArgs mismatch (-want +got):\n%s", diff)
	}
	if args[1].pos != 11 {
		t.Errorf("the list starts at offset %d, want 11", args[1].pos)
	}
}
