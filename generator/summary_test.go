package generator_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/runtime/schema"
)

func TestTheSummarySaysWhatEachChangeDoes(t *testing.T) {
	text := func(size int) schema.Type { return schema.Type{Kind: schema.Text, Size: size} }
	before := &schema.Schema{
		Enums: []schema.Enum{{Name: "status", Values: []string{"active", "banned"}}},
		Tables: []schema.Table{{
			Name: "users",
			Columns: []schema.Column{
				{Name: "id", Type: schema.Type{Kind: schema.Int64}},
				{Name: "email", Type: text(255)},
				{Name: "note", Type: text(0), Nullable: true},
				{Name: "legacy", Type: text(0)},
				{Name: "score", Type: schema.Type{Kind: schema.Int32}},
			},
			PrimaryKey: []string{"id"},
		}},
	}
	email := schema.Column{Name: "email", Type: text(320)}
	note := schema.Column{Name: "note", Type: text(0), Default: "''"}
	res := &generator.Result{Before: before, Plan: &diff.Plan{Up: []diff.Change{
		{Op: schema.CreateTable{Table: schema.Table{Name: "posts", Columns: []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}}}}},
		{Op: schema.AlterColumn{Table: "users", Column: email}},
		{Op: schema.AlterColumn{Table: "users", Column: note, Backfill: "''"}},
		{Op: schema.DropColumn{Table: "users", Column: "legacy"}, Destructive: "drops column users.legacy and its data"},
		{Op: schema.AlterEnum{Name: "status", Values: []string{"active", "banned", "gone"}}},
		{Op: schema.RenameColumn{Table: "users", From: "email", To: "mail"}},
		{Op: schema.AlterColumn{Table: "users", Column: schema.Column{Name: "score", Type: schema.Type{Kind: schema.Int64}}}, Rewrites: "users"},
		{Op: schema.AlterPrimaryKey{Table: "users", Old: []string{"id"}, New: []string{"id", "mail"}}},
		{Op: schema.AlterPrimaryKey{Table: "users", Old: []string{"id", "mail"}}},
		{Op: schema.AlterPrimaryKey{Table: "users", New: []string{"mail"}}, Destructive: "two rows may share"},
	}}}
	var got []string
	for _, l := range res.Summary() {
		got = append(got, l.String())
	}
	want := []string{
		"+ create table posts",
		"~ alter column users.email: varchar(255) → varchar(320)",
		"~ alter column users.note: NULL → NOT NULL (backfill ''), default none → ''",
		"- drop column users.legacy (destructive: drops column users.legacy and its data)",
		"~ alter enum status: (active, banned) → (active, banned, gone)",
		"~ rename column users.email to mail",
		"~ alter column users.score: int32 → int64 (rewrites table users)",
		"~ alter primary key of users: (id) → (id, mail)",
		"~ alter primary key of users: (id, mail) → (none)",
		"~ alter primary key of users: (none) → (mail) (destructive: two rows may share)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}
