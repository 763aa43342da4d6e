package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// ErrSchemaDrift is wrapped by the error of [Migrator.Up] run with
// [WithVerify] when the database's live schema differs from the one its
// applied migrations declare; the error is a [*SchemaDriftError].
var ErrSchemaDrift = errors.New("the live schema differs from the migrations")

// Difference is one way in which the live schema of a database differs
// from the schema its applied migrations declare.
type Difference struct {
	// Object is what differs: "table", "column", "primary key", "index",
	// "unique", "foreign key", "check" or "enum".
	Object string `json:"object"`
	// Table is the table the object belongs to, or the table itself; ""
	// for an enum.
	Table string `json:"table,omitempty"`
	// Name is the object's name: a column's, an index's or a constraint's,
	// an enum's; "" for a table or a primary key.
	Name string `json:"name,omitempty"`
	// Change is "missing" (the migrations declare it, the database lacks
	// it), "extra" (the database holds it, no migration declares it) or
	// "differs".
	Change string `json:"change"`
	// Want and Got describe the object as the migrations declare it and
	// as the database holds it; Want is empty for an extra object, Got
	// for a missing one.
	Want string `json:"want,omitempty"`
	Got  string `json:"got,omitempty"`
}

// The changes a [Difference] reports.
const (
	ChangeMissing = "missing"
	ChangeExtra   = "extra"
	ChangeDiffers = "differs"
)

// String returns the difference as one line, such as
// `column users.nickname: missing (want text NOT NULL)`.
func (d Difference) String() string {
	var b strings.Builder
	b.WriteString(d.Object)
	switch {
	case d.Object == "enum":
		b.WriteString(" " + d.Name)
	case d.Name != "" && d.Object == "column":
		b.WriteString(" " + d.Table + "." + d.Name)
	case d.Name != "":
		b.WriteString(" " + d.Name + " on " + d.Table)
	case d.Object == "primary key":
		b.WriteString(" of " + d.Table)
	default:
		b.WriteString(" " + d.Table)
	}
	b.WriteString(": " + d.Change)
	switch d.Change {
	case ChangeMissing:
		fmt.Fprintf(&b, " (want %s)", d.Want)
	case ChangeExtra:
		fmt.Fprintf(&b, " (got %s)", d.Got)
	default:
		fmt.Fprintf(&b, ": want %s, got %s", d.Want, d.Got)
	}
	return b.String()
}

// Verification is what [Migrator.Verify] found.
type Verification struct {
	// Applied is how many migrations the database has applied, and Last
	// the ID of the last of them ("" for none): the live schema is
	// compared with the schema they leave.
	Applied int    `json:"applied"`
	Last    string `json:"last,omitempty"`
	// Differences lists every difference, sorted by table and object;
	// empty when the database holds exactly the schema.
	Differences []Difference `json:"differences"`
}

// Drifted reports whether the live schema differs from the migrations'.
func (v *Verification) Drifted() bool { return len(v.Differences) > 0 }

// SchemaDriftError is the error of [Migrator.Up] run with [WithVerify]
// when the live schema differs from the migrations'. It wraps
// [ErrSchemaDrift].
type SchemaDriftError struct {
	Verification *Verification
}

func (e *SchemaDriftError) Error() string {
	lines := make([]string, len(e.Verification.Differences))
	for i, d := range e.Verification.Differences {
		lines[i] = "  " + d.String()
	}
	return fmt.Sprintf("runtime: %v after %d applied migration(s):\n%s",
		ErrSchemaDrift, e.Verification.Applied, strings.Join(lines, "\n"))
}

func (e *SchemaDriftError) Unwrap() error { return ErrSchemaDrift }

// Verify compares the live schema of db with the schema the migrations it
// has applied declare: the tables, their columns (type, NULL-ability,
// default, identity, auto_now), primary keys, indexes, unique constraints,
// foreign keys and checks, and enum types, each as well as the engine can
// tell it back. It reports every difference, a column dropped by hand, an
// index added by another tool, a default changed in a console, without
// changing anything; an error is for what kept it from comparing.
//
// The expected schema is that of the applied migrations this binary
// registers, so a database behind the binary is compared with the schema
// of the migrations it has. Verify refuses, with an error, a database
// that has applied a migration the binary does not register (one of a
// later build, or one removed from the middle of the history), or that a
// run left part way through a non-transactional migration: its schema is
// not one the binary knows.
//
// Tables whose names start with strata_ are the runtime's own and are not
// compared; [WithIgnore] leaves out more by name. Verify takes no lock:
// run while another process migrates, it may see that run half done.
func (m *Migrator) Verify(ctx context.Context, db *sql.DB, opts ...Option) (*Verification, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	return r.verify(ctx, db)
}

// verify is [Migrator.Verify] on a run.
func (r *run) verify(ctx context.Context, db *sql.DB) (*Verification, error) {
	inspector, ok := r.dialect.(dialect.Inspector)
	if !ok {
		return nil, fmt.Errorf("runtime: verify: the %s dialect cannot read a live schema", r.dialect.Name())
	}
	st, _, err := r.ledger.readIfExists(ctx, db, true)
	if err != nil {
		return nil, fmt.Errorf("runtime: verify: %w", err)
	}
	if len(st.progress) > 0 {
		return nil, fmt.Errorf("runtime: verify: migration %s was left part way by a run that stopped; finish it with up (or settle it with resolve) first", st.progress[0].ID)
	}
	v := &Verification{}
	want := &schema.Schema{}
	for _, s := range r.audit(st.rows) {
		switch {
		case s.State == StateFuture || s.State == StateMissing:
			return nil, fmt.Errorf("runtime: verify: the database has applied migration %s, which this binary does not register (%s): "+
				"its schema is not one this binary knows", s.ID, s.State)
		case !s.Applied:
			continue
		}
		mig := r.migration(s.ID)
		if mig == nil {
			return nil, fmt.Errorf("runtime: verify: no registered migration %s", s.ID)
		}
		if err := want.ApplyAll(mig.Up); err != nil {
			return nil, fmt.Errorf("runtime: verify: replay migration %s: %w", s.ID, err)
		}
		v.Applied++
		v.Last = s.ID
	}
	got, err := inspector.Inspect(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("runtime: verify: %w", err)
	}
	v.Differences = compareSchemas(ignored(inspector.Comparable(want), r.cfg.ignore), ignored(inspector.Comparable(got), r.cfg.ignore))
	return v, nil
}

// migration returns the registered migration id, or nil.
func (r *run) migration(id string) *Migration {
	i := r.index(id)
	if i < 0 {
		return nil
	}
	return &r.migrations[i]
}

// ignored returns s without the tables and enums whose names match one of
// patterns (see [WithIgnore]).
func ignored(s *schema.Schema, patterns []string) *schema.Schema {
	if len(patterns) == 0 {
		return s
	}
	keep := func(name string) bool {
		for _, p := range patterns {
			if ok, _ := path.Match(p, name); ok {
				return false
			}
		}
		return true
	}
	out := &schema.Schema{}
	for _, e := range s.Enums {
		if keep(e.Name) {
			out.Enums = append(out.Enums, e)
		}
	}
	for _, t := range s.Tables {
		if keep(t.Name) {
			out.Tables = append(out.Tables, t)
		}
	}
	return out
}

// compareSchemas returns the differences between want and got, both
// canonical (see [schema.Schema.Normalize]) and comparable in the same
// engine's terms.
func compareSchemas(want, got *schema.Schema) []Difference {
	var out []Difference
	out = appendNamed(out, want.Enums, got.Enums, func(e schema.Enum) string { return e.Name },
		func(e schema.Enum) string { return "(" + quoteAll(e.Values) + ")" },
		func(name string) Difference { return Difference{Object: "enum", Name: name} })
	for _, name := range tableNames(want, got) {
		w, g := want.Table(name), got.Table(name)
		switch {
		case g == nil:
			out = append(out, Difference{Object: "table", Table: name, Change: ChangeMissing, Want: describeTable(w)})
		case w == nil:
			out = append(out, Difference{Object: "table", Table: name, Change: ChangeExtra, Got: describeTable(g)})
		default:
			out = append(out, compareTables(w, g)...)
		}
	}
	return out
}

// compareTables returns the differences between two versions of a table.
func compareTables(w, g *schema.Table) []Difference {
	t := w.Name
	at := func(object string) func(string) Difference {
		return func(name string) Difference { return Difference{Object: object, Table: t, Name: name} }
	}
	out := appendNamed(nil, w.Columns, g.Columns, func(c schema.Column) string { return c.Name }, describeColumn, at("column"))
	if !slices.Equal(w.PrimaryKey, g.PrimaryKey) {
		d := Difference{Object: "primary key", Table: t, Change: ChangeDiffers, Want: columnList(w.PrimaryKey), Got: columnList(g.PrimaryKey)}
		switch {
		case len(w.PrimaryKey) == 0:
			d.Change, d.Want = ChangeExtra, ""
		case len(g.PrimaryKey) == 0:
			d.Change, d.Got = ChangeMissing, ""
		}
		out = append(out, d)
	}
	out = appendNamed(out, w.Indexes, g.Indexes, func(ix schema.Index) string { return ix.Name }, describeIndex, at("index"))
	out = appendNamed(out, w.Uniques, g.Uniques, func(u schema.Unique) string { return u.Name },
		func(u schema.Unique) string { return "UNIQUE " + columnList(u.Columns) }, at("unique"))
	out = appendNamed(out, w.ForeignKeys, g.ForeignKeys, func(fk schema.ForeignKey) string { return fk.Name }, describeForeignKey, at("foreign key"))
	out = appendNamed(out, w.Checks, g.Checks, func(c schema.Check) string { return c.Name },
		func(c schema.Check) string { return "CHECK (" + c.Expr + ")" }, at("check"))
	return out
}

// appendNamed appends to out the differences between two lists of named
// objects: those only in want (missing), those only in got (extra), in
// want's order then got's, and those whose descriptions differ.
func appendNamed[T any](out []Difference, want, got []T, name, describe func(T) string, diff func(string) Difference) []Difference {
	byName := func(list []T) map[string]T {
		m := make(map[string]T, len(list))
		for _, x := range list {
			m[name(x)] = x
		}
		return m
	}
	w, g := byName(want), byName(got)
	for _, x := range want {
		d := diff(name(x))
		d.Want = describe(x)
		other, ok := g[name(x)]
		switch {
		case !ok:
			d.Change = ChangeMissing
		case describe(other) != d.Want:
			d.Change, d.Got = ChangeDiffers, describe(other)
		default:
			continue
		}
		out = append(out, d)
	}
	for _, x := range got {
		if _, ok := w[name(x)]; !ok {
			d := diff(name(x))
			d.Change, d.Got = ChangeExtra, describe(x)
			out = append(out, d)
		}
	}
	return out
}

// tableNames returns the names of the tables of a and b, sorted.
func tableNames(a, b *schema.Schema) []string {
	var names []string
	for _, s := range []*schema.Schema{a, b} {
		for _, t := range s.Tables {
			names = append(names, t.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// describeTable describes a table by its columns.
func describeTable(t *schema.Table) string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return "a table of columns " + columnList(names)
}

// describeColumn describes a column as a line of a CREATE TABLE would,
// in neutral words: its type, NOT NULL, its default, identity, auto_now.
func describeColumn(c schema.Column) string {
	parts := []string{describeType(c.Type)}
	if !c.Nullable {
		parts = append(parts, "NOT NULL")
	}
	if c.Default != "" {
		parts = append(parts, "DEFAULT "+c.Default)
	}
	if c.Identity {
		parts = append(parts, "identity")
	}
	if c.AutoNow {
		parts = append(parts, "auto_now")
	}
	return strings.Join(parts, " ")
}

// describeType names a column type: its SQL where the model spelt one,
// else its kind.
func describeType(t schema.Type) string {
	if len(t.Custom) > 0 {
		return t.Custom[0].SQL
	}
	switch {
	case t.Kind == schema.Text && t.Size > 0:
		return "varchar(" + strconv.Itoa(t.Size) + ")"
	case t.Kind == schema.EnumKind:
		return "enum " + t.Enum
	}
	return string(t.Kind)
}

// describeIndex describes an index.
func describeIndex(ix schema.Index) string {
	s := "INDEX " + columnList(ix.Columns)
	if ix.Unique {
		s = "UNIQUE " + s
	}
	if ix.Where != "" {
		s += " WHERE " + ix.Where
	}
	return s
}

// describeForeignKey describes a foreign key.
func describeForeignKey(fk schema.ForeignKey) string {
	s := "FOREIGN KEY " + columnList(fk.Columns) + " REFERENCES " + fk.RefTable + " " + columnList(fk.RefColumns)
	if fk.OnDelete != schema.NoAction {
		s += " ON DELETE " + fk.OnDelete.SQL()
	}
	if fk.OnUpdate != schema.NoAction {
		s += " ON UPDATE " + fk.OnUpdate.SQL()
	}
	return s
}

// columnList returns names as "(a, b)".
func columnList(names []string) string { return "(" + strings.Join(names, ", ") + ")" }

// quoteAll returns values as SQL strings, separated by commas.
func quoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return strings.Join(quoted, ", ")
}
