package generator

import (
	"slices"

	"github.com/strata-go/strata/runtime/schema"
)

// offlineTables returns, sorted, the tables of offline (those whose models
// carry //strata:offline) that up and down change, by the names they give
// them, but for those up creates, whose changes take the plain form in
// any case: the migration lists them in its Offline field, so that their
// changes keep their plain form.
func offlineTables(offline []string, up, down []schema.Operation) []string {
	if len(offline) == 0 {
		return nil
	}
	var created, tables []string
	for _, op := range up {
		if c, ok := op.(schema.CreateTable); ok {
			created = append(created, c.Table.Name)
		}
	}
	for _, list := range [][]schema.Operation{up, down} {
		for _, op := range list {
			for _, t := range changedTables(op) {
				if slices.Contains(offline, t) && !slices.Contains(created, t) && !slices.Contains(tables, t) {
					tables = append(tables, t)
				}
			}
		}
	}
	slices.Sort(tables)
	return tables
}

// changedTables names the tables op changes; none for an operation on
// enum types, or hand-written.
func changedTables(op schema.Operation) []string {
	switch op := op.(type) {
	case schema.CreateTable:
		return []string{op.Table.Name}
	case schema.DropTable:
		return []string{op.Name}
	case schema.RenameTable:
		return []string{op.From, op.To}
	case schema.AddColumn:
		return []string{op.Table}
	case schema.DropColumn:
		return []string{op.Table}
	case schema.AlterColumn:
		return []string{op.Table}
	case schema.RenameColumn:
		return []string{op.Table}
	case schema.CreateIndex:
		return []string{op.Table}
	case schema.DropIndex:
		return []string{op.Table}
	case schema.RenameIndex:
		return []string{op.Table}
	case schema.AddUnique:
		return []string{op.Table}
	case schema.DropUnique:
		return []string{op.Table}
	case schema.AddForeignKey:
		return []string{op.Table}
	case schema.DropForeignKey:
		return []string{op.Table}
	case schema.RenameConstraint:
		return []string{op.Table}
	case schema.AddCheck:
		return []string{op.Table}
	case schema.DropCheck:
		return []string{op.Table}
	case schema.AlterPrimaryKey:
		return []string{op.Table}
	}
	return nil
}
