package mysql

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// tableOptions ends every CREATE TABLE: InnoDB, the engine with
// transactions and foreign keys, whatever the server's default, and
// utf8mb4 with its binary collation, so that text holds any Unicode and
// compares as on PostgreSQL: case matters, 'a' and 'A' are two values of a
// unique column or an enum. Trailing spaces still do not count in
// comparisons (a PAD SPACE collation), which PostgreSQL does count.
const tableOptions = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"

// indexPrefix is how many characters of a TEXT, BLOB or JSON column a
// non-unique index holds: MySQL indexes such columns only by a prefix, and
// three prefixes of 255 utf8mb4 characters fit InnoDB's 3,072-byte key.
const indexPrefix = 255

// Render turns the operations of one migration into MySQL statements, one
// statement per [dialect.Step], in order; a [schema.RunGo] becomes a step
// that runs its function. Every DDL statement is marked Outside (see the
// package documentation): MySQL commits it on its own.
//
// Render does not change before. It replays the operations on a copy of it,
// so each one is checked against the schema it meets: an operation that does
// not fit (see [schema.ErrNotFit]) or that MySQL would refuse or cannot
// build, such as a partial index, fails with an error naming the
// operation. A nil before is the empty schema.
//
// Changes to what exists keep its rows: a rename is a RENAME, and a
// [schema.AlterColumn] is one MODIFY COLUMN with the column's whole new
// definition, after the backfill of its NULLs when it becomes NOT NULL.
func (d Dialect) Render(before *schema.Schema, ops []schema.Operation) ([]dialect.Step, error) {
	if before == nil {
		before = &schema.Schema{}
	}
	return d.RenderInPlace(before.Fork(), ops)
}

// RenderInPlace renders ops as [Dialect.Render] does, against s itself,
// which it leaves as the operations leave it: the schema
// [schema.Schema.ApplyAll] makes of it. On error s is in no defined state.
func (Dialect) RenderInPlace(state *schema.Schema, ops []schema.Operation) ([]dialect.Step, error) {
	var steps []dialect.Step
	for i, op := range ops {
		rendered, err := renderOp(state, op)
		if err != nil {
			return nil, fmt.Errorf("mysql: operation %d (%s): %w", i+1, describe(op), err)
		}
		for _, s := range rendered {
			s.Op = i
			steps = append(steps, s)
		}
	}
	return steps, nil
}

func describe(op schema.Operation) string {
	if op == nil {
		return "nil"
	}
	return op.String()
}

// renderOp applies op to s and renders it. The checks run against the
// schema the operation leaves, but for the operations whose SQL needs what
// was before them, which apply op themselves.
func renderOp(s *schema.Schema, op schema.Operation) ([]dialect.Step, error) {
	switch op := op.(type) {
	case nil:
		return nil, errors.New("no operation")
	case schema.AlterColumn:
		return alterColumn(s, op)
	case schema.AlterEnum:
		return alterEnum(s, op)
	case schema.RenameEnumValue:
		return renameEnumValue(s, op)
	case schema.RenameConstraint:
		return renameConstraint(s, op)
	}
	if err := op.Apply(s); err != nil {
		return nil, err
	}
	switch op := op.(type) {
	case schema.CreateTable:
		return createTable(s, s.Table(op.Table.Name))
	case schema.DropTable:
		return ddl(checkReferences(s, op.Name), "DROP TABLE "+quote(op.Name))
	case schema.AddColumn:
		return addColumn(s, op)
	case schema.DropColumn:
		return ddl(checkDropColumn(s, op), alterTable(op.Table, "DROP COLUMN "+quote(op.Column)))
	case schema.CreateIndex:
		t := s.Table(op.Table)
		if err := checkIndex(s, t, op.Index); err != nil {
			return nil, err
		}
		return ddl(nil, alterTable(op.Table, "ADD "+indexDefinition(s, t, op.Index)))
	case schema.DropIndex:
		return dropIndex(s, op.Table, op.Name)
	case schema.AddUnique:
		t := s.Table(op.Table)
		return ddl(checkUnique(s, t, op.Unique), alterTable(op.Table, "ADD "+uniqueConstraint(t, op.Unique)))
	case schema.DropUnique:
		return dropIndex(s, op.Table, op.Name)
	case schema.AddForeignKey:
		return ddl(checkForeignKey(s, s.Table(op.Table), op.ForeignKey),
			alterTable(op.Table, "ADD "+foreignKeyConstraint(op.ForeignKey)))
	case schema.DropForeignKey:
		return ddl(nil, alterTable(op.Table, dropForeignKey(op.Name)))
	case schema.CreateEnum:
		return nil, checkEnum(op.Enum) // declared by each column of it
	case schema.DropEnum:
		return nil, nil
	case schema.RenameTable:
		return ddl(checkRenameTable(s, op.To), "RENAME TABLE "+quote(op.From)+" TO "+quote(op.To))
	case schema.RenameColumn:
		return renameColumn(s, op)
	case schema.RenameIndex:
		return ddl(checkIndexName(s.Table(op.Table), op.To), alterTable(op.Table, "RENAME INDEX "+quote(op.From)+" TO "+quote(op.To)))
	case schema.AddCheck:
		t := s.Table(op.Table)
		errs := []error{checkConstraintName(t, op.Check.Name)}
		for _, fk := range t.ForeignKeys {
			errs = append(errs, checkOnActionColumn(t, op.Check, fk))
		}
		return ddl(errors.Join(errs...), alterTable(op.Table, "ADD "+checkConstraint(op.Check)))
	case schema.DropCheck:
		return ddl(nil, alterTable(op.Table, "DROP CONSTRAINT "+quote(op.Name)))
	case schema.AlterPrimaryKey:
		return alterPrimaryKey(s, op)
	case schema.RunSQL:
		sql := op.For(name)
		if strings.TrimSpace(sql) == "" {
			return nil, nil
		}
		return []dialect.Step{{SQL: sql, Outside: commitsImplicitly(sql)}}, nil
	case schema.RunGo:
		if op.Func == nil {
			return nil, errors.New("no function to run")
		}
		return []dialect.Step{{Go: op.Func}}, nil
	}
	return nil, fmt.Errorf("unsupported operation type %T", op)
}

// alterPrimaryKey renders op in s, the schema after it: one ALTER TABLE
// that drops the old key and adds the new, so that the table has no moment
// without one. A row that shares the new key with another makes it fail,
// changing nothing. MySQL keeps an AUTO_INCREMENT column first in a key,
// so the key of a table with an identity column must start with it.
func alterPrimaryKey(s *schema.Schema, op schema.AlterPrimaryKey) ([]dialect.Step, error) {
	t := s.Table(op.Table)
	if err := checkPrimaryKey(s, t); err != nil {
		return nil, err
	}
	for _, c := range t.Columns {
		if c.Identity && (len(op.New) == 0 || op.New[0] != c.Name) {
			return nil, fmt.Errorf("cannot move the primary key of %s off its identity column %s: MySQL needs an AUTO_INCREMENT column first in a key", t.Name, c.Name)
		}
	}
	var change []string
	if len(op.Old) > 0 {
		change = append(change, "DROP PRIMARY KEY")
	}
	if len(op.New) > 0 {
		change = append(change, "ADD PRIMARY KEY "+quoteList(op.New))
	}
	if len(change) == 0 {
		return nil, nil
	}
	return ddl(nil, alterTable(op.Table, strings.Join(change, ", ")))
}

// ddl returns err when it is set, and otherwise one step per statement,
// each marked Outside: MySQL commits a DDL statement on its own.
func ddl(err error, sql ...string) ([]dialect.Step, error) {
	if err != nil {
		return nil, err
	}
	steps := make([]dialect.Step, len(sql))
	for i, s := range sql {
		steps[i] = dialect.Step{SQL: s, Outside: true}
	}
	return steps, nil
}

// implicitCommit matches the first word of a statement that MySQL commits
// on its own, committing the transaction around it first.
var implicitCommit = regexp.MustCompile(`(?i)^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(ALTER|CREATE|DROP|RENAME|TRUNCATE|GRANT|REVOKE|LOCK|UNLOCK|ANALYZE|OPTIMIZE|REPAIR|INSTALL|UNINSTALL|FLUSH)\b`)

// commitsImplicitly reports whether sql starts with a statement MySQL
// commits on its own, which cannot share a transaction with the progress
// row.
func commitsImplicitly(sql string) bool { return implicitCommit.MatchString(sql) }

// QuoteIdent quotes name as a MySQL identifier: in backticks, with any
// backtick inside it doubled. Names are always quoted, so they may be
// reserved words.
func (Dialect) QuoteIdent(name string) string { return quote(name) }

func quote(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

// quoteLiteral quotes s as an SQL string literal, as MySQL reads it under
// NO_BACKSLASH_ESCAPES, which [Dialect.Lock] sets.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteList quotes names and joins them, in parentheses.
func quoteList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quote(n)
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}

func alterTable(table, change string) string {
	return "ALTER TABLE " + quote(table) + " " + change
}

// createTable declares t with its columns, primary key, unique constraints,
// indexes, checks and foreign keys, all in one statement.
func createTable(s *schema.Schema, t *schema.Table) ([]dialect.Step, error) {
	if err := checkTable(s, t); err != nil {
		return nil, err
	}
	var lines []string
	for _, c := range t.Columns {
		def, err := columnDefinition(s, c)
		if err != nil {
			return nil, err
		}
		lines = append(lines, def)
	}
	if len(t.PrimaryKey) > 0 {
		lines = append(lines, "PRIMARY KEY "+quoteList(t.PrimaryKey))
	}
	for _, u := range t.Uniques {
		lines = append(lines, uniqueConstraint(t, u))
	}
	for _, ix := range t.Indexes {
		lines = append(lines, indexDefinition(s, t, ix))
	}
	for _, c := range t.Checks {
		lines = append(lines, checkConstraint(c))
	}
	for _, fk := range t.ForeignKeys {
		lines = append(lines, foreignKeyConstraint(fk))
	}
	if len(lines) == 0 {
		// MySQL refuses a table without columns.
		return nil, fmt.Errorf("table %s has no columns, and MySQL refuses a table without any", t.Name)
	}
	return ddl(nil, "CREATE TABLE "+quote(t.Name)+" (\n  "+strings.Join(lines, ",\n  ")+"\n)"+tableOptions)
}

// columnDefinition declares c as CREATE TABLE, ADD COLUMN and MODIFY
// COLUMN spell it: name, type, NULL or NOT NULL, default, AUTO_INCREMENT,
// ON UPDATE for an auto_now column. s holds c's enum, if it has one.
func columnDefinition(s *schema.Schema, c schema.Column) (string, error) {
	typ, err := columnType(s, c.Type)
	if err != nil {
		return "", fmt.Errorf("column %s: %w", c.Name, err)
	}
	def := quote(c.Name) + " " + typ
	if c.Nullable {
		def += " NULL"
	} else {
		def += " NOT NULL"
	}
	if c.Default != "" {
		def += " DEFAULT " + defaultExpr(typ, c.Default)
	}
	if c.Identity {
		def += " AUTO_INCREMENT"
	}
	if c.AutoNow {
		now, err := currentTimestamp(typ)
		if err != nil {
			return "", fmt.Errorf("column %s: auto_now: %w", c.Name, err)
		}
		def += " ON UPDATE " + now
	}
	return def, nil
}

// fractionalSeconds matches a DATETIME or TIMESTAMP type and its number of
// digits of fractional seconds.
var fractionalSeconds = regexp.MustCompile(`^(?:datetime|timestamp)(?:\(([0-6])\))?$`)

// currentTimestamp returns CURRENT_TIMESTAMP with the precision of the
// time type typ, which MySQL requires of a default or ON UPDATE, such as
// CURRENT_TIMESTAMP(6) for DATETIME(6).
func currentTimestamp(typ string) (string, error) {
	m := fractionalSeconds.FindStringSubmatch(canonicalType(typ))
	switch {
	case m == nil:
		return "", fmt.Errorf("type %s is not DATETIME or TIMESTAMP", typ)
	case m[1] == "" || m[1] == "0":
		return "CURRENT_TIMESTAMP", nil
	}
	return "CURRENT_TIMESTAMP(" + m[1] + ")", nil
}

// literalDefault matches the defaults MySQL takes as they are: a string
// or number literal, TRUE, FALSE, NULL, or CURRENT_TIMESTAMP with its
// precision. MySQL 8 takes any other expression only in parentheses.
var literalDefault = regexp.MustCompile(`(?is)^(?:'(?:[^']|'')*'|[-+]?[0-9]+(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?|true|false|null|current_timestamp(?:\([0-6]?\))?)$`)

// nowDefault matches the spellings of the current time a model may give as
// a default.
var nowDefault = regexp.MustCompile(`(?i)^(?:current_timestamp|now|localtimestamp|localtime)(?:\(\s*\))?$`)

// defaultExpr returns the default expr of a column of SQL type typ as
// MySQL takes it: the current time with the column's precision, a time
// literal with a UTC offset as the UTC time it names, a literal as it is,
// and any other expression in parentheses.
func defaultExpr(typ, expr string) string {
	expr = strings.TrimSpace(expr)
	if nowDefault.MatchString(expr) {
		if now, err := currentTimestamp(typ); err == nil {
			return now
		}
	}
	if fractionalSeconds.MatchString(canonicalType(typ)) {
		if utc, ok := utcLiteral(expr); ok {
			return utc
		}
	}
	if literalDefault.MatchString(expr) || strings.HasPrefix(expr, "(") && strings.HasSuffix(expr, ")") {
		return expr
	}
	return "(" + expr + ")"
}

// zonedTimes are the layouts of a time literal with a UTC offset, as
// PostgreSQL reads them: MySQL's DATETIME and TIMESTAMP refuse the offset.
var zonedTimes = []string{
	"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07",
	"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07",
}

// utcLiteral returns the quoted time literal expr, which carries a UTC
// offset ('1970-01-01 00:00:00+00'), as the UTC time it names, without
// the offset ('1970-01-01 00:00:00'): a migration's session runs in UTC,
// and a DATETIME column holds UTC times. ok is false for anything else.
func utcLiteral(expr string) (string, bool) {
	if len(expr) < 2 || expr[0] != '\'' || expr[len(expr)-1] != '\'' {
		return "", false
	}
	for _, layout := range zonedTimes {
		if t, err := time.Parse(layout, expr[1:len(expr)-1]); err == nil {
			return "'" + t.UTC().Format("2006-01-02 15:04:05.999999") + "'", true
		}
	}
	return "", false
}

func addColumn(s *schema.Schema, op schema.AddColumn) ([]dialect.Step, error) {
	if err := checkColumn(s, s.Table(op.Table), op.Column); err != nil {
		return nil, err
	}
	if op.Column.Identity {
		return nil, fmt.Errorf("column %s.%s: MySQL adds an AUTO_INCREMENT column only together with a key on it, which adding a column does not make", op.Table, op.Column.Name)
	}
	def, err := columnDefinition(s, op.Column)
	if err != nil {
		return nil, err
	}
	return ddl(nil, alterTable(op.Table, "ADD COLUMN "+def))
}

// indexColumns lists the columns of an index of t, a TEXT, BLOB or JSON
// column of a non-unique one by its first indexPrefix characters.
func indexColumns(s *schema.Schema, t *schema.Table, columns []string, unique bool) string {
	parts := make([]string, len(columns))
	for i, n := range columns {
		parts[i] = quote(n)
		if c := t.Column(n); c != nil && !unique {
			if typ, err := columnType(s, c.Type); err == nil && isLong(typ) {
				parts[i] += fmt.Sprintf("(%d)", indexPrefix)
			}
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// indexDefinition declares index ix of t as CREATE TABLE and ADD spell it.
func indexDefinition(s *schema.Schema, t *schema.Table, ix schema.Index) string {
	kind := "INDEX "
	if ix.Unique {
		kind = "UNIQUE INDEX "
	}
	return kind + quote(ix.Name) + " " + indexColumns(s, t, ix.Columns, ix.Unique)
}

func uniqueConstraint(t *schema.Table, u schema.Unique) string {
	return "CONSTRAINT " + quote(u.Name) + " UNIQUE " + indexColumns(nil, t, u.Columns, true)
}

func checkConstraint(c schema.Check) string {
	return "CONSTRAINT " + quote(c.Name) + " CHECK (" + c.Expr + ")"
}

func foreignKeyConstraint(fk schema.ForeignKey) string {
	sql := "CONSTRAINT " + quote(fk.Name) + " FOREIGN KEY " + quoteList(fk.Columns) +
		" REFERENCES " + quote(fk.RefTable) + " " + quoteList(fk.RefColumns)
	if fk.OnDelete != schema.NoAction {
		sql += " ON DELETE " + fk.OnDelete.SQL()
	}
	if fk.OnUpdate != schema.NoAction {
		sql += " ON UPDATE " + fk.OnUpdate.SQL()
	}
	return sql
}

// dropForeignKey drops foreign key name and the index InnoDB made for it,
// named as it is, when it made one: InnoDB needs an index whose first
// columns are the key's, makes one when the table has none, and leaves it
// behind when the key goes.
func dropForeignKey(name string) string {
	return "DROP FOREIGN KEY " + quote(name) + ", DROP INDEX IF EXISTS " + quote(name)
}

// dropIndex drops the index or unique constraint name of table, which s
// holds dropped already. When a foreign key of the table relied on it,
// the key gets an index of its own, named as the key, as InnoDB would
// have made it (InnoDB refuses to drop an index a foreign key needs).
func dropIndex(s *schema.Schema, table, name string) ([]dialect.Step, error) {
	if err := checkReferences(s, table); err != nil {
		return nil, err
	}
	t := s.Table(table)
	change := "DROP INDEX " + quote(name)
	for _, fk := range t.ForeignKeys {
		if !covered(s, t, fk.Columns) {
			change += ", ADD INDEX IF NOT EXISTS " + quote(fk.Name) + " " + quoteList(fk.Columns)
		}
	}
	return ddl(nil, alterTable(table, change))
}

// covered reports whether the primary key, a unique constraint or an index
// of t starts with columns, in their order, as InnoDB requires of the
// index behind a foreign key. A unique key over a TEXT, BLOB or JSON
// column does not count: MariaDB keeps it as a hash, which a foreign key
// cannot use (and when InnoDB dropped the key's own index for another, a
// copy of the table with that one dropped fails, errno 150).
func covered(s *schema.Schema, t *schema.Table, columns []string) bool {
	starts := func(key []string) bool {
		if len(key) < len(columns) {
			return false
		}
		for i, c := range columns {
			if !strings.EqualFold(key[i], c) {
				return false
			}
		}
		return true
	}
	if starts(t.PrimaryKey) {
		return true
	}
	for _, u := range t.Uniques {
		if starts(u.Columns) && !longColumns(s, t, u.Columns) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if starts(ix.Columns) && (!ix.Unique || !longColumns(s, t, ix.Columns)) {
			return true
		}
	}
	return false
}
