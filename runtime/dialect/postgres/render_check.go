package postgres

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// maxIdentifier is the length, in bytes, past which PostgreSQL silently cuts
// identifiers (NAMEDATALEN - 1). strata refuses such names instead: a cut
// name would no longer match the schema, nor could it be dropped by name.
const maxIdentifier = 63

// The checks below catch, at render time, what PostgreSQL would refuse or
// silently change when the migration runs. Each takes the schema as the
// operation leaves it.

func checkName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s has no name", what)
	case len(name) > maxIdentifier:
		return fmt.Errorf("%s name %q is %d bytes long, over PostgreSQL's limit of %d", what, name, len(name), maxIdentifier)
	}
	return nil
}

// checkRelationName reports an error when name is used by more than one
// table or index of s: PostgreSQL keeps tables, indexes and the indexes
// behind primary-key and unique constraints in one namespace.
func checkRelationName(s *schema.Schema, name string) error {
	uses := 0
	for i := range s.Tables {
		uses += relationNameUses(&s.Tables[i], name)
	}
	if uses > 1 {
		return fmt.Errorf("name %s is taken by another table or index", name)
	}
	return nil
}

// relationNameUses counts how many of the names t takes in PostgreSQL's
// namespace of relations, its own and those of its indexes, are name. It
// allocates nothing: rendering a migration checks every table.
func relationNameUses(t *schema.Table, name string) int {
	uses := 0
	if t.Name == name {
		uses++
	}
	switch {
	case len(t.PrimaryKey) == 0:
	case len(t.Name)+len(primaryKeySuffix) > schema.MaxNameLen:
		if name == primaryKeyName(t.Name) { // shortened: rare, and it allocates
			uses++
		}
	default:
		if pk, ok := strings.CutSuffix(name, primaryKeySuffix); ok && pk == t.Name {
			uses++
		}
	}
	for _, ix := range t.Indexes {
		if ix.Name == name {
			uses++
		}
	}
	for _, u := range t.Uniques {
		if u.Name == name {
			uses++
		}
	}
	return uses
}

func checkTable(s *schema.Schema, t *schema.Table) error {
	if err := checkName("table", t.Name); err != nil {
		return err
	}
	if err := checkRelationName(s, t.Name); err != nil {
		return err
	}
	for i, c := range t.Columns {
		if slices.ContainsFunc(t.Columns[:i], func(o schema.Column) bool { return o.Name == c.Name }) {
			return fmt.Errorf("column %s.%s is declared twice", t.Name, c.Name)
		}
		if err := checkColumn(s, t.Name, c); err != nil {
			return err
		}
	}
	if err := checkPrimaryKey(t); err != nil {
		return err
	}
	var errs []error
	for _, ix := range t.Indexes {
		errs = append(errs, checkIndex(s, t, ix))
	}
	for _, u := range t.Uniques {
		errs = append(errs, checkUnique(s, t, u))
	}
	for _, c := range t.Checks {
		errs = append(errs, checkName("check", c.Name))
		if c.Expr == "" {
			errs = append(errs, fmt.Errorf("check %s has no expression", c.Name))
		}
	}
	for _, fk := range t.ForeignKeys {
		errs = append(errs, checkForeignKey(s, t, fk))
	}
	return errors.Join(errs...)
}

func checkPrimaryKey(t *schema.Table) error {
	if len(t.PrimaryKey) == 0 {
		return nil
	}
	if err := hasColumns(t, t.PrimaryKey); err != nil {
		return fmt.Errorf("primary key: %w", err)
	}
	for _, name := range t.PrimaryKey {
		if t.Column(name).Nullable {
			return fmt.Errorf("primary key column %s.%s is nullable, and PostgreSQL makes every primary key column NOT NULL", t.Name, name)
		}
	}
	return nil
}

// checkColumn checks what the column's declaration alone does not: its
// enum type exists, and an identity fits it. [columnDefinition] checks its
// type.
func checkColumn(s *schema.Schema, table string, c schema.Column) error {
	if err := checkName("column of "+table, c.Name); err != nil {
		return err
	}
	if _, custom := c.Type.CustomFor(name); !custom && c.Type.Kind == schema.EnumKind && s.Enum(c.Type.Enum) == nil {
		return fmt.Errorf("column %s.%s: no enum type %s", table, c.Name, c.Type.Enum)
	}
	if !c.Identity {
		return nil
	}
	switch {
	case !isInteger(c.Type.Kind):
		return fmt.Errorf("column %s.%s: an identity column must be an integer, not %s", table, c.Name, c.Type.Kind)
	case c.Nullable:
		return fmt.Errorf("column %s.%s: an identity column cannot be nullable", table, c.Name)
	case c.Default != "":
		return fmt.Errorf("column %s.%s: an identity column cannot have a default", table, c.Name)
	}
	return nil
}

func checkIndex(s *schema.Schema, t *schema.Table, ix schema.Index) error {
	if err := checkName("index", ix.Name); err != nil {
		return err
	}
	if err := hasColumns(t, ix.Columns); err != nil {
		return fmt.Errorf("index %s: %w", ix.Name, err)
	}
	return checkRelationName(s, ix.Name)
}

func checkUnique(s *schema.Schema, t *schema.Table, u schema.Unique) error {
	if err := checkName("unique constraint", u.Name); err != nil {
		return err
	}
	if err := hasColumns(t, u.Columns); err != nil {
		return fmt.Errorf("unique constraint %s: %w", u.Name, err)
	}
	return checkRelationName(s, u.Name)
}

// checkForeignKey checks that fk, declared on t, has a target: the
// referenced table exists (already, or it is t), and its referenced columns
// are those of its primary key or of a unique constraint or index, as
// PostgreSQL requires.
func checkForeignKey(s *schema.Schema, t *schema.Table, fk schema.ForeignKey) error {
	if err := checkName("foreign key", fk.Name); err != nil {
		return err
	}
	for _, a := range []schema.Action{fk.OnDelete, fk.OnUpdate} {
		switch a {
		case schema.NoAction, schema.Cascade, schema.Restrict, schema.SetNull, schema.SetDefault:
		default:
			return fmt.Errorf("foreign key %s: unknown action %q", fk.Name, a)
		}
	}
	if err := hasColumns(t, fk.Columns); err != nil {
		return fmt.Errorf("foreign key %s: %w", fk.Name, err)
	}
	if len(fk.Columns) != len(fk.RefColumns) {
		return fmt.Errorf("foreign key %s: %d columns reference %d", fk.Name, len(fk.Columns), len(fk.RefColumns))
	}
	return checkTarget(s, fk)
}

func checkTarget(s *schema.Schema, fk schema.ForeignKey) error {
	ref := s.Table(fk.RefTable)
	if ref == nil {
		return fmt.Errorf("foreign key %s references table %s, which does not exist", fk.Name, fk.RefTable)
	}
	if err := hasColumns(ref, fk.RefColumns); err != nil {
		return fmt.Errorf("foreign key %s: %w", fk.Name, err)
	}
	if !ref.IsKey(fk.RefColumns) {
		return fmt.Errorf("foreign key %s references %s%s, which is neither its primary key nor unique",
			fk.Name, fk.RefTable, quoteList(fk.RefColumns))
	}
	return nil
}

// checkReferences checks, after something of table was dropped, that every
// foreign key referencing table still has its target.
func checkReferences(s *schema.Schema, table string) error {
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable != table {
				continue
			}
			if err := checkTarget(s, fk); err != nil {
				return fmt.Errorf("foreign key %s of table %s would lose its target (drop it first): %w", fk.Name, t.Name, err)
			}
		}
	}
	return nil
}

// checkDropColumn checks that no check constraint or index predicate left
// on the table names the dropped column: PostgreSQL would silently drop
// them with it.
func checkDropColumn(s *schema.Schema, op schema.DropColumn) error {
	if user := textUser(s.Table(op.Table), op.Column); user != "" {
		return fmt.Errorf("column %s.%s is still used by %s", op.Table, op.Column, user)
	}
	return checkReferences(s, op.Table)
}

// textUser names a check constraint or index predicate of t whose SQL
// names column, or returns "".
func textUser(t *schema.Table, column string) string {
	for _, c := range t.Checks {
		if mentions(c.Expr, column) {
			return "check " + c.Name
		}
	}
	for _, ix := range t.Indexes {
		if mentions(ix.Where, column) {
			return "the predicate of index " + ix.Name
		}
	}
	return ""
}

// mentions reports whether the SQL expression expr names column, either
// quoted or, when column is in lower case, bare.
func mentions(expr, column string) bool {
	for i := 0; i < len(expr); {
		switch c := expr[i]; {
		case c == '\'' || c == '"':
			end := strings.IndexByte(expr[i+1:], c)
			if end < 0 {
				return false
			}
			if c == '"' && expr[i+1:i+1+end] == column {
				return true
			}
			i += end + 2
		case isIdentStart(c):
			j := i + 1
			for j < len(expr) && (isIdentStart(expr[j]) || expr[j] >= '0' && expr[j] <= '9' || expr[j] == '$') {
				j++
			}
			if strings.ToLower(expr[i:j]) == column {
				return true
			}
			i = j
		default:
			i++
		}
	}
	return false
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func checkEnum(e schema.Enum) error {
	if err := checkName("enum", e.Name); err != nil {
		return err
	}
	for i, v := range e.Values {
		if v == "" || len(v) > maxIdentifier {
			return fmt.Errorf("enum %s: value %q must be 1 to %d bytes long", e.Name, v, maxIdentifier)
		}
		if slices.Contains(e.Values[:i], v) {
			return fmt.Errorf("enum %s: value %q is listed twice", e.Name, v)
		}
	}
	return nil
}

// hasColumns reports an error naming the columns t does not have.
func hasColumns(t *schema.Table, names []string) error {
	if len(names) == 0 {
		return errors.New("no columns given")
	}
	for _, n := range names {
		if t.Column(n) == nil {
			return fmt.Errorf("table %s has no column %s", t.Name, n)
		}
	}
	return nil
}

// checkRenameTable checks the names t takes by its rename: PostgreSQL gives
// each table a row type of its name, so no enum may have it, and the table
// and its primary key take names in the namespace of relations.
func checkRenameTable(s *schema.Schema, t *schema.Table) error {
	if err := checkName("table", t.Name); err != nil {
		return err
	}
	if s.Enum(t.Name) != nil {
		return fmt.Errorf("name %s is taken by an enum type, and a table's row type takes its name", t.Name)
	}
	if err := checkRelationName(s, t.Name); err != nil {
		return err
	}
	if len(t.PrimaryKey) > 0 {
		return checkRelationName(s, primaryKeyName(t.Name))
	}
	return nil
}

// checkRenameColumn refuses a rename while a check or index predicate
// names the column: PostgreSQL would rewrite that SQL to the new name, and
// the schema, which holds it as text, would not.
func checkRenameColumn(s *schema.Schema, op schema.RenameColumn) error {
	if err := checkName("column of "+op.Table, op.To); err != nil {
		return err
	}
	if user := textUser(s.Table(op.Table), op.From); user != "" {
		return fmt.Errorf("column %s.%s is used by %s, whose SQL strata does not rewrite: drop it before the rename and add it back after, naming %s",
			op.Table, op.From, user, op.To)
	}
	return nil
}

func checkRenameIndex(s *schema.Schema, to string) error {
	if err := checkName("index", to); err != nil {
		return err
	}
	return checkRelationName(s, to)
}

// checkConstraintName checks the name of a constraint t has just taken:
// PostgreSQL keeps the names of a table's constraints in one namespace,
// and a unique constraint's name is also that of its index.
func checkConstraintName(s *schema.Schema, t *schema.Table, name string) error {
	if err := checkName("constraint", name); err != nil {
		return err
	}
	uses := 0
	if len(t.PrimaryKey) > 0 && primaryKeyName(t.Name) == name {
		uses++
	}
	for _, u := range t.Uniques {
		if u.Name == name {
			uses++
		}
	}
	for _, fk := range t.ForeignKeys {
		if fk.Name == name {
			uses++
		}
	}
	for _, c := range t.Checks {
		if c.Name == name {
			uses++
		}
	}
	if uses > 1 {
		return fmt.Errorf("name %s is taken by another constraint of table %s", name, t.Name)
	}
	if t.Unique(name) != nil {
		return checkRelationName(s, name)
	}
	return nil
}

// checkAlterColumn checks the column op leaves, and the primary key, which
// it must not make nullable.
func checkAlterColumn(s *schema.Schema, op schema.AlterColumn) error {
	if err := checkColumn(s, op.Table, op.Column); err != nil {
		return err
	}
	return checkPrimaryKey(s.Table(op.Table))
}
