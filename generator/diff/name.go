package diff

import (
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// maxNameLen is the longest name [Plan.Name] returns, in bytes.
const maxNameLen = 40

// Name suggests a migration name from the plan: "initial" when old was empty,
// "create_users", "add_users_bio", "drop_posts", "alter_users_age",
// "rename_users_to_people", "add_users_bio_and_more", ...
// (lowercase, [a-z0-9_], at most 40 bytes, cut between words).
//
// The name stands for the plan's first change that does not follow from
// another one: the index or enum type of a new column, the foreign key
// dropped with the table it references, or the index renamed with its
// table, do not count. "_and_more" says
// that other such changes follow. An empty plan is "empty".
func (p *Plan) Name() string {
	if p.Empty() {
		return "empty"
	}
	if p.initial {
		return "initial"
	}
	names := p.names
	if len(names) == 0 {
		for _, c := range p.Up {
			names = append(names, fragment(c.Op))
		}
	}
	suffix := ""
	if len(names) > 1 {
		suffix = "_and_more"
	}
	return shorten(cleanName(names[0]), maxNameLen-len(suffix)) + suffix
}

// shorten cuts name, a clean name, to at most limit bytes, at the end of a
// word (words are separated by underscores), so that a name reads
// "rename_reviews_to_product", not "rename_reviews_to_product_revie"; when
// that would keep less than half of it, as with one very long word, it
// cuts inside the word.
func shorten(name string, limit int) string {
	if len(name) <= limit {
		return name
	}
	if i := strings.LastIndexByte(name[:limit+1], '_'); i >= limit/2 {
		// "rename_a_to_and_more" would promise what the cut took away.
		return strings.TrimSuffix(strings.TrimRight(name[:i], "_"), "_to")
	}
	return strings.TrimRight(name[:limit], "_")
}

// fragment names what op does, as a piece of a migration name.
func fragment(op schema.Operation) string {
	switch op := op.(type) {
	case schema.CreateTable:
		return "create_" + op.Table.Name
	case schema.DropTable:
		return "drop_" + op.Name
	case schema.AddColumn:
		return "add_" + op.Table + "_" + op.Column.Name
	case schema.DropColumn:
		return "drop_" + op.Table + "_" + op.Column
	case schema.CreateIndex:
		return "add_" + op.Index.Name
	case schema.DropIndex:
		return "drop_" + op.Name
	case schema.AddUnique:
		return "add_" + op.Unique.Name
	case schema.DropUnique:
		return "drop_" + op.Name
	case schema.AddForeignKey:
		return "add_" + op.ForeignKey.Name
	case schema.DropForeignKey:
		return "drop_" + op.Name
	case schema.CreateEnum:
		return "create_enum_" + op.Enum.Name
	case schema.DropEnum:
		return "drop_enum_" + op.Name
	case schema.AlterEnum:
		return "alter_enum_" + op.Name
	case schema.RenameEnumValue:
		return "rename_" + op.Enum + "_" + op.From + "_to_" + op.To
	case schema.RenameTable:
		return "rename_" + op.From + "_to_" + op.To
	case schema.RenameColumn:
		return "rename_" + op.Table + "_" + op.From + "_to_" + op.To
	case schema.AlterColumn:
		return "alter_" + op.Table + "_" + op.Column.Name
	case schema.RenameIndex:
		return "rename_" + op.From + "_to_" + op.To
	case schema.RenameConstraint:
		return "rename_" + op.From + "_to_" + op.To
	case schema.AddCheck:
		return "add_" + op.Check.Name
	case schema.DropCheck:
		return "drop_" + op.Name
	case schema.AlterPrimaryKey:
		return "alter_" + op.Table + "_pkey"
	case schema.RunSQL:
		return "run_sql"
	case schema.RunGo:
		return "run_go"
	}
	return "migration"
}

// cleanName lowercases s and turns each run of bytes outside [a-z0-9_]
// into one underscore, trimming underscores at both ends.
func cleanName(s string) string {
	var b strings.Builder
	under := false
	for _, c := range []byte(strings.ToLower(s)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			under = false
			continue
		}
		if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_")
}
