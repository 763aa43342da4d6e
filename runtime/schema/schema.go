// Package schema is strata's model of a database schema and of the operations
// that change one.
//
// It is shared by both halves of strata. The generator builds a [Schema] from
// the app's model structs, compares it with the snapshot of the previous one,
// and writes the difference as a list of [Operation] values in a migration
// file. The runtime, linked into the app, replays those operations in memory
// (to know each table's state before a step) and hands them to a dialect that
// renders them as SQL. The package depends on the standard library only.
//
// A Schema is engine-neutral: column types are [Kind] values, not SQL text,
// and each dialect maps them to its own types when it renders.
package schema

import (
	"slices"
	"strings"
)

// Schema is the set of tables and enum types a database holds.
//
// In its canonical form (see [Schema.Normalize]) tables and enums are sorted by
// name, and so are the indexes, unique constraints, foreign keys and checks of
// each table; columns keep their order.
type Schema struct {
	Enums  []Enum
	Tables []Table
}

// Table is one table: its columns in order, its primary key and the indexes
// and constraints defined on it.
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  []string // column names; empty for a table without one
	Indexes     []Index
	Uniques     []Unique
	ForeignKeys []ForeignKey
	Checks      []Check
}

// Column is one column of a [Table].
type Column struct {
	Name     string
	Type     Type
	Nullable bool
	// Default is the column's default as an SQL expression, such as 'active',
	// 0, true or CURRENT_TIMESTAMP; empty when the column has none.
	Default string
	// Identity marks a column whose value the database generates: an identity
	// column on PostgreSQL, the rowid alias on SQLite.
	Identity bool
	// AutoNow marks a timestamp column that is set to the current time on
	// every update.
	AutoNow bool
}

// Kind is the engine-neutral type of a column.
type Kind string

// The kinds of column a model can declare.
const (
	Bool      Kind = "bool"
	Int16     Kind = "int16"
	Int32     Kind = "int32"
	Int64     Kind = "int64"
	Float32   Kind = "float32"
	Float64   Kind = "float64"
	Text      Kind = "text" // VARCHAR(Size) when Size > 0
	Bytes     Kind = "bytes"
	Timestamp Kind = "timestamp"
	JSON      Kind = "json"
	UUID      Kind = "uuid"
	EnumKind  Kind = "enum" // the values of the enum type named by Type.Enum
)

// Type is a column's type: a [Kind] with its parameters, and any SQL types
// the model spells out itself for some or all dialects.
type Type struct {
	Kind Kind
	// Size is the maximum length of a Text column; 0 means unbounded.
	Size int
	// Enum names the enum type of an EnumKind column.
	Enum string
	// Custom holds SQL types given with the type= option, sorted by
	// dialect. An entry with an empty Dialect applies to every dialect that
	// has no entry of its own.
	Custom []CustomType
}

// CustomType is an SQL type written by the model for one dialect (or, with
// an empty Dialect, for all).
type CustomType struct {
	Dialect string // "postgres", "sqlite" or "" for every dialect
	SQL     string
}

// CustomFor returns the SQL type the model spelt out for dialect, and whether
// it spelt one.
func (t Type) CustomFor(dialect string) (string, bool) {
	fallback, found := "", false
	for _, c := range t.Custom {
		switch c.Dialect {
		case dialect:
			return c.SQL, true
		case "":
			fallback, found = c.SQL, true
		}
	}
	return fallback, found
}

// Enum is a named type whose values are a fixed list of strings, in order.
type Enum struct {
	Name   string
	Values []string
}

// Index is an index on one or more columns of a table.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
	// Where is the predicate of a partial index, as SQL; empty for a full one.
	Where string
}

// Unique is a unique constraint over one or more columns.
type Unique struct {
	Name    string
	Columns []string
}

// Action is what a foreign key does when the row it references is deleted or
// its key updated. The empty Action is NO ACTION, the SQL default.
type Action string

// The foreign-key actions.
const (
	NoAction   Action = ""
	Cascade    Action = "cascade"
	Restrict   Action = "restrict"
	SetNull    Action = "set_null"
	SetDefault Action = "set_default"
)

// SQL returns the action as SQL words, such as "SET NULL".
func (a Action) SQL() string {
	if a == NoAction {
		return "NO ACTION"
	}
	return strings.ToUpper(strings.ReplaceAll(string(a), "_", " "))
}

// ForeignKey is a foreign-key constraint from Columns of its table to
// RefColumns of RefTable.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   Action
	OnUpdate   Action
}

// Check is a CHECK constraint.
type Check struct {
	Name string
	Expr string
}

// Table returns the table named name, or nil.
func (s *Schema) Table(name string) *Table {
	for i := range s.Tables {
		if s.Tables[i].Name == name {
			return &s.Tables[i]
		}
	}
	return nil
}

// TablesNamed returns the tables of s named in names, in that order,
// leaving out the names no table has, or all the tables of s, in its
// order, when names is nil. The pointers are into s.Tables.
func (s *Schema) TablesNamed(names []string) []*Table {
	var tables []*Table
	if names == nil {
		for i := range s.Tables {
			tables = append(tables, &s.Tables[i])
		}
		return tables
	}
	for _, name := range names {
		if t := s.Table(name); t != nil {
			tables = append(tables, t)
		}
	}
	return tables
}

// Enum returns the enum type named name, or nil.
func (s *Schema) Enum(name string) *Enum {
	for i := range s.Enums {
		if s.Enums[i].Name == name {
			return &s.Enums[i]
		}
	}
	return nil
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Index returns the index named name, or nil.
func (t *Table) Index(name string) *Index {
	for i := range t.Indexes {
		if t.Indexes[i].Name == name {
			return &t.Indexes[i]
		}
	}
	return nil
}

// Unique returns the unique constraint named name, or nil.
func (t *Table) Unique(name string) *Unique {
	for i := range t.Uniques {
		if t.Uniques[i].Name == name {
			return &t.Uniques[i]
		}
	}
	return nil
}

// ForeignKey returns the foreign key named name, or nil.
func (t *Table) ForeignKey(name string) *ForeignKey {
	for i := range t.ForeignKeys {
		if t.ForeignKeys[i].Name == name {
			return &t.ForeignKeys[i]
		}
	}
	return nil
}

// Check returns the check constraint named name, or nil.
func (t *Table) Check(name string) *Check {
	for i := range t.Checks {
		if t.Checks[i].Name == name {
			return &t.Checks[i]
		}
	}
	return nil
}

// Normalize puts s in canonical form: tables and enums sorted by name, and
// within each table its indexes and constraints sorted by name. Columns keep
// their order, which is the order the database holds them in.
func (s *Schema) Normalize() {
	slices.SortFunc(s.Enums, func(a, b Enum) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(s.Tables, func(a, b Table) int { return strings.Compare(a.Name, b.Name) })
	for i := range s.Tables {
		s.Tables[i].normalize()
	}
}

func (t *Table) normalize() {
	slices.SortFunc(t.Indexes, func(a, b Index) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(t.Uniques, func(a, b Unique) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(t.ForeignKeys, func(a, b ForeignKey) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(t.Checks, func(a, b Check) int { return strings.Compare(a.Name, b.Name) })
	for i := range t.Columns {
		slices.SortFunc(t.Columns[i].Type.Custom, func(a, b CustomType) int { return strings.Compare(a.Dialect, b.Dialect) })
	}
}

// Clone returns a deep copy of s, which shares no memory with it. Nil and
// empty slices stay as they were.
func (s *Schema) Clone() *Schema {
	c := &Schema{Enums: slices.Clone(s.Enums), Tables: slices.Clone(s.Tables)}
	for i := range c.Enums {
		c.Enums[i].Values = slices.Clone(c.Enums[i].Values)
	}
	for i := range c.Tables {
		c.Tables[i] = c.Tables[i].Clone()
	}
	return c
}

// Fork returns a copy of s that operations may change without changing s,
// at the cost of copying its lists of tables and enum types only: the copy
// shares what each table and enum holds with s. Every [Operation.Apply]
// replaces the table or enum it changes by a copy of its own before
// changing it, so a fork and s, and the forks of either, never see each
// other's changes made through Apply. Code that changes a fork's tables in
// any other way, [Schema.Normalize] included, must [Schema.Clone] it
// instead.
//
// Forks are what dialects render against: a migration replays one
// operation after another, and copying the whole schema for each would
// cost as much as the schema is large.
func (s *Schema) Fork() *Schema {
	return &Schema{Enums: slices.Clone(s.Enums), Tables: slices.Clone(s.Tables)}
}

// Clone returns a deep copy of t.
func (t *Table) Clone() Table {
	c := *t
	c.Columns = slices.Clone(t.Columns)
	for i := range c.Columns {
		c.Columns[i].Type.Custom = slices.Clone(c.Columns[i].Type.Custom)
	}
	c.PrimaryKey = slices.Clone(t.PrimaryKey)
	c.Indexes = slices.Clone(t.Indexes)
	for i := range c.Indexes {
		c.Indexes[i].Columns = slices.Clone(c.Indexes[i].Columns)
	}
	c.Uniques = slices.Clone(t.Uniques)
	for i := range c.Uniques {
		c.Uniques[i].Columns = slices.Clone(c.Uniques[i].Columns)
	}
	c.ForeignKeys = slices.Clone(t.ForeignKeys)
	for i := range c.ForeignKeys {
		c.ForeignKeys[i].Columns = slices.Clone(c.ForeignKeys[i].Columns)
		c.ForeignKeys[i].RefColumns = slices.Clone(c.ForeignKeys[i].RefColumns)
	}
	c.Checks = slices.Clone(t.Checks)
	return c
}

// IsKey reports whether columns, in any order, are the primary key of t or
// the columns of one of its unique constraints or full unique indexes: a
// key a foreign key may reference. No columns are no key.
func (t *Table) IsKey(columns []string) bool {
	same := func(a []string) bool {
		return len(a) == len(columns) && len(a) > 0 && !slices.ContainsFunc(a, func(c string) bool { return !slices.Contains(columns, c) })
	}
	if same(t.PrimaryKey) {
		return true
	}
	for _, u := range t.Uniques {
		if same(u.Columns) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if ix.Unique && ix.Where == "" && same(ix.Columns) {
			return true
		}
	}
	return false
}
