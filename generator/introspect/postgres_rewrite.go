package introspect

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/strata-go/strata/internal/sqltext"
	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

// otherMethodIndexes removes from s the indexes of an access method other
// than B-tree, which the models cannot hold (they would come back as a
// B-tree on the same columns, a different index, which a long value can
// overflow), and returns a line for each.
func otherMethodIndexes(ctx context.Context, db *sql.DB, s *schema.Schema) ([]string, error) {
	rows, err := db.QueryContext(ctx, otherMethodIndexesQuery)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var lines []string
	for rows.Next() {
		var table, index, def string
		if err := rows.Scan(&table, &index, &def); err != nil {
			return nil, err
		}
		if t := s.Table(table); t != nil {
			t.Indexes = slices.DeleteFunc(t.Indexes, func(ix schema.Index) bool { return ix.Name == index })
		}
		lines = append(lines, fmt.Sprintf("index %s on %s: %s; strata's indexes are B-trees, so it is left out; create it in a RunSQL step", index, table, def))
	}
	return lines, rows.Err()
}

// domains lists the domains of the current schema, a line each: a domain
// is not in the model language, and the columns of one take its base type,
// NOT NULL, default and checks instead (see [domainColumns]).
func domains(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, domainsQuery)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var lines []string
	for rows.Next() {
		var name, base, usedBy string
		if err := rows.Scan(&name, &base, &usedBy); err != nil {
			return nil, err
		}
		var columns []string
		if err := json.Unmarshal([]byte(usedBy), &columns); err != nil {
			return nil, err
		}
		if len(columns) == 0 {
			lines = append(lines, fmt.Sprintf("domain %s: domains are not in the model language, and no column uses it (%s); it is left out", name, base))
			continue
		}
		lines = append(lines, fmt.Sprintf("domain %s: domains are not in the model language; its columns (%s) take its base type %s, and its NOT NULL, default and checks",
			name, strings.Join(columns, ", "), base))
	}
	return lines, rows.Err()
}

// domainColumns gives each column of s whose type is a domain what the
// domain says of its values: the base type, NOT NULL when the domain is,
// the domain's default when the column has none, and a check
// {table}_{column}_check holding the domain's checks, with VALUE replaced
// by the column. The column then admits exactly the values it admitted.
func domainColumns(ctx context.Context, db *sql.DB, s *schema.Schema) error {
	rows, err := db.QueryContext(ctx, domainColumnsQuery)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var table, column, base, def, checks string
		var notNull bool
		if err := rows.Scan(&table, &column, &base, &notNull, &def, &checks); err != nil {
			return err
		}
		t := s.Table(table)
		if t == nil || t.Column(column) == nil {
			continue
		}
		var defs []string
		if err := json.Unmarshal([]byte(checks), &defs); err != nil {
			return err
		}
		c := t.Column(column)
		c.Type = schema.Type{Custom: []schema.CustomType{{Dialect: "postgres", SQL: base}}}
		c.Nullable = c.Nullable && !notNull
		if c.Default == "" {
			c.Default = def
		}
		var exprs []string
		for _, d := range defs {
			expr := strings.TrimSuffix(strings.TrimPrefix(d, "CHECK "), " NOT VALID")
			if strings.HasPrefix(expr, "(") && sqltext.ClosingParen(expr, 0) == len(expr)-1 {
				expr = expr[1 : len(expr)-1] // CHECK's own parentheses
			}
			// A domain built on another reads VALUE as the other's type,
			// which a column of the base type needs no cast to.
			expr = strings.ReplaceAll(expr, "(VALUE)::"+base, "VALUE")
			exprs = append(exprs, replaceValue(expr, column))
		}
		var check []schema.Check
		if len(exprs) > 0 {
			check = []schema.Check{{Name: schema.DerivedName(table, []string{column}, "check"), Expr: strings.Join(exprs, " AND ")}}
		}
		*c, check = asInspected(table, *c, check)
		t.Checks = append(t.Checks, check...)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.Normalize()
	return nil
}

// asInspected returns column c of table, and checks of that table, in the
// form postgres.Inspect reads them back: a type in PostgreSQL's spelling
// becomes the kind it is when strata has one, and the default and check
// expressions are normalised.
func asInspected(table string, c schema.Column, checks []schema.Check) (schema.Column, []schema.Check) {
	s := postgres.Comparable(&schema.Schema{Tables: []schema.Table{{Name: table, Columns: []schema.Column{c}, Checks: checks}}})
	return s.Tables[0].Columns[0], s.Tables[0].Checks
}

// plainIdent matches the names PostgreSQL prints without quotes.
var plainIdent = regexp.MustCompile(`^[a-z_][a-z0-9_$]*$`)

// replaceValue replaces the keyword VALUE of a domain's check expression
// by column, outside string literals and quoted names.
func replaceValue(expr, column string) string {
	if !plainIdent.MatchString(column) {
		column = `"` + strings.ReplaceAll(column, `"`, `""`) + `"`
	}
	var b strings.Builder
	for i := 0; i < len(expr); {
		switch ch := expr[i]; {
		case ch == '\'' || ch == '"':
			j := i + 1
			for j < len(expr) {
				if expr[j] == ch && j+1 < len(expr) && expr[j+1] == ch {
					j += 2
					continue
				}
				j++
				if expr[j-1] == ch {
					break
				}
			}
			b.WriteString(expr[i:j])
			i = j
		case isWordByte(ch):
			j := i
			for j < len(expr) && isWordByte(expr[j]) {
				j++
			}
			if word := expr[i:j]; strings.EqualFold(word, "VALUE") {
				b.WriteString(column)
			} else {
				b.WriteString(word)
			}
			i = j
		default:
			b.WriteByte(ch)
			i++
		}
	}
	return b.String()
}

// isWordByte reports whether b can be part of an SQL word: a name, a
// keyword or a number.
func isWordByte(b byte) bool {
	return b == '_' || b == '$' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}
