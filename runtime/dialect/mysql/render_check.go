package mysql

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/strata-go/strata/runtime/schema"
)

// The checks below catch, at render time, what MySQL would refuse, or
// silently change, when the migration runs. Each takes the schema as the
// operation leaves it.

// maxEnumValue is the longest value of an ENUM, in characters.
const maxEnumValue = 255

func checkName(what, name string) error {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return fmt.Errorf("%s has no name", what)
	case n > maxIdentifier:
		return fmt.Errorf("%s name %q is %d characters long, over MySQL's limit of %d", what, name, n, maxIdentifier)
	case strings.HasSuffix(name, " "):
		return fmt.Errorf("%s name %q ends with a space, which MySQL refuses", what, name)
	}
	return nil
}

func checkTable(s *schema.Schema, t *schema.Table) error {
	if err := checkName("table", t.Name); err != nil {
		return err
	}
	for i, c := range t.Columns {
		if slices.ContainsFunc(t.Columns[:i], func(o schema.Column) bool { return strings.EqualFold(o.Name, c.Name) }) {
			return fmt.Errorf("column %s.%s is declared twice (MySQL's column names ignore case)", t.Name, c.Name)
		}
		if err := checkColumn(s, t, c); err != nil {
			return err
		}
	}
	if err := checkPrimaryKey(s, t); err != nil {
		return err
	}
	errs := []error{checkIdentity(t)}
	for _, ix := range t.Indexes {
		errs = append(errs, checkIndex(s, t, ix))
	}
	for _, u := range t.Uniques {
		errs = append(errs, checkUnique(s, t, u))
	}
	for _, c := range t.Checks {
		errs = append(errs, checkConstraintName(t, c.Name))
		if strings.TrimSpace(c.Expr) == "" {
			errs = append(errs, fmt.Errorf("check %s has no expression", c.Name))
		}
	}
	for _, fk := range t.ForeignKeys {
		errs = append(errs, checkForeignKey(s, t, fk))
	}
	return errors.Join(errs...)
}

// checkColumn checks what the column's declaration alone does not: its
// name, its enum type exists, and an identity fits it. [columnDefinition]
// checks its type and auto_now.
func checkColumn(s *schema.Schema, t *schema.Table, c schema.Column) error {
	if err := checkName("column of "+t.Name, c.Name); err != nil {
		return err
	}
	if _, custom := c.Type.CustomFor(name); !custom && c.Type.Kind == schema.EnumKind && s.Enum(c.Type.Enum) == nil {
		return fmt.Errorf("column %s.%s: no enum type %s", t.Name, c.Name, c.Type.Enum)
	}
	if _, err := columnDefinition(s, c); err != nil {
		return fmt.Errorf("table %s: %w", t.Name, err)
	}
	if !c.Identity {
		return nil
	}
	switch {
	case !isInteger(c.Type.Kind):
		return fmt.Errorf("column %s.%s: an identity column must be an integer, not %s", t.Name, c.Name, c.Type.Kind)
	case c.Nullable:
		return fmt.Errorf("column %s.%s: an identity column cannot be nullable", t.Name, c.Name)
	case c.Default != "":
		return fmt.Errorf("column %s.%s: an identity column cannot have a default", t.Name, c.Name)
	}
	return nil
}

// checkIdentity checks that t has at most one identity column, and that it
// is the first column of its primary key or of an index or unique
// constraint: MySQL's AUTO_INCREMENT needs both.
func checkIdentity(t *schema.Table) error {
	var identities []string
	for _, c := range t.Columns {
		if c.Identity {
			identities = append(identities, c.Name)
		}
	}
	if len(identities) > 1 {
		return fmt.Errorf("table %s has identity columns %s, and MySQL allows one AUTO_INCREMENT column per table", t.Name, strings.Join(identities, ", "))
	}
	if len(identities) == 0 || firstOfKey(t, identities[0]) {
		return nil
	}
	return fmt.Errorf("identity column %s.%s is not the first column of the primary key or of an index, as MySQL requires of an AUTO_INCREMENT column", t.Name, identities[0])
}

// firstOfKey reports whether column comes first in the primary key, a
// unique constraint or an index of t.
func firstOfKey(t *schema.Table, column string) bool {
	first := func(cols []string) bool { return len(cols) > 0 && strings.EqualFold(cols[0], column) }
	if first(t.PrimaryKey) {
		return true
	}
	for _, u := range t.Uniques {
		if first(u.Columns) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if first(ix.Columns) {
			return true
		}
	}
	return false
}

func checkPrimaryKey(s *schema.Schema, t *schema.Table) error {
	if len(t.PrimaryKey) == 0 {
		return nil
	}
	if err := hasColumns(t, t.PrimaryKey); err != nil {
		return fmt.Errorf("primary key: %w", err)
	}
	for _, n := range t.PrimaryKey {
		c := t.Column(n)
		if c.Nullable {
			return fmt.Errorf("primary key column %s.%s is nullable, and MySQL makes every primary key column NOT NULL", t.Name, n)
		}
		if typ, err := columnType(s, c.Type); err == nil && isLong(typ) {
			return fmt.Errorf("primary key column %s.%s is %s, which MySQL keys only by a prefix: give the column a size", t.Name, n, typ)
		}
	}
	return nil
}

// checkIndexName checks the name of an index or unique constraint of t,
// which t holds already: MySQL keeps the names of a table's indexes in one
// namespace, ignoring case, where PRIMARY is the primary key's.
func checkIndexName(t *schema.Table, name string) error {
	if err := checkName("index", name); err != nil {
		return err
	}
	if strings.EqualFold(name, "PRIMARY") {
		return fmt.Errorf("index name %s is the name MySQL gives every primary key", name)
	}
	return checkConstraintName(t, name)
}

func checkIndex(s *schema.Schema, t *schema.Table, ix schema.Index) error {
	if ix.Where != "" {
		return fmt.Errorf("index %s is partial (WHERE %s), and MySQL and MariaDB have no partial indexes: drop its where, or leave mysql out of the project's dialects", ix.Name, ix.Where)
	}
	if err := checkIndexName(t, ix.Name); err != nil {
		return err
	}
	if err := hasColumns(t, ix.Columns); err != nil {
		return fmt.Errorf("index %s: %w", ix.Name, err)
	}
	return nil
}

func checkUnique(s *schema.Schema, t *schema.Table, u schema.Unique) error {
	if err := checkIndexName(t, u.Name); err != nil {
		return err
	}
	if err := hasColumns(t, u.Columns); err != nil {
		return fmt.Errorf("unique constraint %s: %w", u.Name, err)
	}
	return nil
}

// checkForeignKey checks that fk, declared on t, is one MySQL builds: its
// actions are ones InnoDB has, SET NULL on NULL-able columns only, its
// name is free in the database, and it has a target: the referenced table
// exists (already, or it is t), and its referenced columns are those of
// its primary key or of a unique constraint or index, and the first
// columns of an index in their order, as InnoDB requires.
func checkForeignKey(s *schema.Schema, t *schema.Table, fk schema.ForeignKey) error {
	if err := checkName("foreign key", fk.Name); err != nil {
		return err
	}
	for _, a := range []schema.Action{fk.OnDelete, fk.OnUpdate} {
		switch a {
		case schema.NoAction, schema.Cascade, schema.Restrict, schema.SetNull:
		case schema.SetDefault:
			return fmt.Errorf("foreign key %s: InnoDB has no SET DEFAULT action", fk.Name)
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
	for _, n := range fk.Columns {
		if c := t.Column(n); !c.Nullable && (fk.OnDelete == schema.SetNull || fk.OnUpdate == schema.SetNull) {
			return fmt.Errorf("foreign key %s sets column %s.%s to NULL, which is NOT NULL", fk.Name, t.Name, n)
		}
	}
	if err := checkConstraintName(t, fk.Name); err != nil {
		return err
	}
	for _, ck := range t.Checks {
		if err := checkOnActionColumn(t, ck, fk); err != nil {
			return err
		}
	}
	uses := 0
	for _, other := range s.Tables {
		for _, o := range other.ForeignKeys {
			if strings.EqualFold(o.Name, fk.Name) {
				uses++
			}
		}
	}
	if uses > 1 {
		return fmt.Errorf("name %s is taken by another foreign key, and MySQL keeps one namespace of foreign keys per database", fk.Name)
	}
	return checkTarget(s, fk)
}

// checkOnActionColumn refuses ck when it names a column that fk's action
// changes (ON DELETE SET NULL, ON UPDATE CASCADE or SET NULL): MySQL and
// MariaDB refuse a check on a column a referential action writes.
func checkOnActionColumn(t *schema.Table, ck schema.Check, fk schema.ForeignKey) error {
	var action string
	switch {
	case fk.OnDelete == schema.SetNull:
		action = "ON DELETE SET NULL"
	case fk.OnUpdate == schema.Cascade || fk.OnUpdate == schema.SetNull:
		action = "ON UPDATE " + fk.OnUpdate.SQL()
	default:
		return nil
	}
	for _, c := range fk.Columns {
		if mentions(ck.Expr, c) {
			return fmt.Errorf("check %s names column %s.%s, which foreign key %s changes (%s), and MySQL refuses a check on a column a foreign key's action writes",
				ck.Name, t.Name, c, fk.Name, action)
		}
	}
	return nil
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
	if !covered(s, ref, fk.RefColumns) {
		return fmt.Errorf("foreign key %s references %s%s, and InnoDB needs a key of %s whose first columns are those, in that order",
			fk.Name, fk.RefTable, quoteList(fk.RefColumns), fk.RefTable)
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

// checkDropColumn checks that no check constraint left on the table names
// the dropped column: MySQL would silently drop it with the column.
func checkDropColumn(s *schema.Schema, op schema.DropColumn) error {
	if user := textUser(s.Table(op.Table), op.Column); user != "" {
		return fmt.Errorf("column %s.%s is still used by %s", op.Table, op.Column, user)
	}
	return checkReferences(s, op.Table)
}

// textUser names a check constraint of t whose SQL names column, or
// returns "".
func textUser(t *schema.Table, column string) string {
	for _, c := range t.Checks {
		if mentions(c.Expr, column) {
			return "check " + c.Name
		}
	}
	return ""
}

// mentions reports whether the SQL expression expr names column, quoted
// in double quotes or backticks, or bare, ignoring case as MySQL does.
func mentions(expr, column string) bool {
	for i := 0; i < len(expr); {
		switch c := expr[i]; {
		case c == '\'' || c == '"' || c == '`':
			end := strings.IndexByte(expr[i+1:], c)
			if end < 0 {
				return false
			}
			if c != '\'' && strings.EqualFold(expr[i+1:i+1+end], column) {
				return true
			}
			i += end + 2
		case isIdentStart(c):
			j := i + 1
			for j < len(expr) && (isIdentStart(expr[j]) || expr[j] >= '0' && expr[j] <= '9' || expr[j] == '$') {
				j++
			}
			if strings.EqualFold(expr[i:j], column) {
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

// checkEnum checks the values of e as MySQL's ENUM takes them: at most
// 255 characters each, none empty, none ending with a space (MySQL strips
// it), none listed twice.
func checkEnum(e schema.Enum) error {
	for i, v := range e.Values {
		if v == "" || utf8.RuneCountInString(v) > maxEnumValue {
			return fmt.Errorf("enum %s: value %q must be 1 to %d characters long", e.Name, v, maxEnumValue)
		}
		if strings.HasSuffix(v, " ") {
			return fmt.Errorf("enum %s: value %q ends with a space, which MySQL strips from an ENUM's values", e.Name, v)
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

func checkRenameTable(s *schema.Schema, to string) error {
	return checkName("table", to)
}

// checkRenameColumn refuses a rename while a check names the column: the
// schema holds its SQL as text, which strata does not rewrite.
func checkRenameColumn(s *schema.Schema, op schema.RenameColumn) error {
	t := s.Table(op.Table)
	if err := checkName("column of "+op.Table, op.To); err != nil {
		return err
	}
	for _, c := range t.Columns {
		if c.Name != op.To && strings.EqualFold(c.Name, op.To) {
			return fmt.Errorf("table %s has a column %s already, and MySQL's column names ignore case", op.Table, c.Name)
		}
	}
	if user := textUser(t, op.From); user != "" {
		return fmt.Errorf("column %s.%s is used by %s, whose SQL strata does not rewrite: drop it before the rename and add it back after, naming %s",
			op.Table, op.From, user, op.To)
	}
	return nil
}

// checkConstraintName checks the name of an index or constraint t holds
// already: strata keeps the names of a table's indexes, unique
// constraints, foreign keys and checks apart, ignoring case, since MySQL
// names the index behind a foreign key after it and keeps a table's
// indexes in one namespace and its constraints in another.
func checkConstraintName(t *schema.Table, name string) error {
	if err := checkName("constraint", name); err != nil {
		return err
	}
	uses := 0
	count := func(n string) {
		if strings.EqualFold(n, name) {
			uses++
		}
	}
	for _, ix := range t.Indexes {
		count(ix.Name)
	}
	for _, u := range t.Uniques {
		count(u.Name)
	}
	for _, fk := range t.ForeignKeys {
		count(fk.Name)
	}
	for _, c := range t.Checks {
		count(c.Name)
	}
	if uses > 1 {
		return fmt.Errorf("name %s is taken by another index or constraint of table %s", name, t.Name)
	}
	return nil
}

// checkAlterColumn checks the column an alteration leaves in t, the
// primary key, which it must not make nullable, and its identity.
func checkAlterColumn(s *schema.Schema, t *schema.Table, c schema.Column) error {
	if err := checkColumn(s, t, c); err != nil {
		return err
	}
	if err := checkPrimaryKey(s, t); err != nil {
		return err
	}
	return checkIdentity(t)
}
