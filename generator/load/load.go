// Package load is the first stage of strata's generator: it loads the app's
// Go packages with go/packages and turns the model structs they declare into
// a [schema.Schema].
//
//	load      model structs (go/packages, tags) -> schema.Schema   <- this package
//	snapshot  migrations/schema_snapshot.go <-> schema.Schema
//	diff      snapshot schema x model schema -> operations
//	emit      operations -> migration file
//
// A model is a struct whose doc comment has a //strata:table directive:
//
//	//strata:table users [renamed_from=OLD]
//	//strata:index users_org_status (org_id, status) [unique] [where "deleted_at IS NULL"]
//	//strata:unique users_org_email (org_id, email)
//	//strata:check users_age "age >= 0"
//	//strata:pk (org_id, id)
//	type User struct {
//		ID    int64  `db:"id"    strata:"pk,identity"`
//		Email string `db:"email" strata:"unique,size=320"`
//	}
//
// Each exported field is a column named by its db tag (db:"-" skips it;
// unexported fields are ignored); embedded structs without a db tag, by
// value or by pointer, add their columns in place, each as its own field
// declares it (a struct embedded by pointer does not make them nullable). The strata tag holds the column's options, comma
// separated (commas inside parentheses or quotes do not separate): pk,
// identity, unique, index, size=N, default=EXPR, fk=table.column,
// on_delete=ACTION, on_update=ACTION, type=SQL, type.postgres=SQL,
// type.sqlite=SQL, type.mysql=SQL, json, auto_now, check=EXPR and renamed_from=OLD, and
// two hints for the migration that changes the column: backfill=EXPR, the
// value that fills existing NULLs when the column becomes NOT NULL (checked
// like a default), and using=EXPR, the SQL that converts existing values
// when its type changes (naming the column by its new name: a rename runs
// first). [Result] holds the hints beside the schema.
//
// A default is SQL text: default=now is CURRENT_TIMESTAMP (time columns
// only), a string or enum column takes a quoted 'literal' (an enum's must be
// one of its values), a numeric column a number, a bool column true or
// false, and any column an SQL expression in parentheses, passed through as
// written. auto_now marks a time.Time column set on every update, with the
// default CURRENT_TIMESTAMP unless it has another.
//
// The loader names what the options declare by one convention (see
// [ConstraintName]): a column's unique constraint is {table}_{col}_key, its
// index {table}_{col}_idx, its foreign key {table}_{col}_fkey and its check
// {table}_{col}_check. //strata:index and //strata:unique use the NAME they
// give; //strata:check NAME is {table}_{NAME}_check.
//
// Column types come from the fields' Go types through go/types: see
// [Models] for the mapping. A named string type whose doc comment has
// //strata:enum [NAME] is an enum; its values are its constants in source
// order. A value renamed since the last migration says so with
// //strata:renamed_from OLD in its constant's doc or line comment, a hint
// that [Result] holds as an [EnumRename]. An enum type is one only when its package is among the loaded
// ones: a field whose type is declared in a package the patterns do not
// match takes the type's underlying type (a plain string column).
//
// [Result] also names the model struct behind each table, which the
// snapshot records: a struct that keeps its name while its //strata:table
// name changes renames its table without a renamed_from hint. A struct
// renamed, or moved to another package, in the same edit as its table is
// not followed: its table is dropped and created unless the directive says
// renamed_from=OLD.
//
// Problems are collected, not returned one by one: [Models] reports every
// problem of a run together, each at its position, as [Errors].
package load

import (
	"context"
	"fmt"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/strata-go/strata/runtime/schema"
)

// Result is what the loaded packages declare.
type Result struct {
	Schema  *schema.Schema // canonical (Normalize'd); columns in field order
	Renames []Rename       // renamed_from hints, sorted by table then column
	// Backfill and Using hold the migration hints of the backfill= and
	// using= options, by "table.column": the SQL that fills the existing
	// NULLs of a column that becomes NOT NULL, and the SQL that converts
	// its existing values when its type changes. They are not part of the
	// schema; each map is nil when no field has such an option.
	Backfill map[string]string
	Using    map[string]string
	// Extends names the tables of other sets that structs marked
	// //strata:extend add columns to: in Schema, each such table holds
	// those columns only, and the indexes and constraints over them.
	Extends []string
	// EnumRenames are the //strata:renamed_from hints of enum values (see
	// [EnumRename]), sorted by enum then value; only those of enums that
	// the schema holds.
	EnumRenames []EnumRename
	// Models names, by table name, the model struct that declares each
	// table: its package path, a dot and its type name, such as
	// "example.com/app/models.User".
	Models map[string]string
	// Offline names, sorted, the tables whose models carry
	// //strata:offline: their changes keep the plain form, with no online
	// form on PostgreSQL.
	Offline []string
}

// Rename is a renamed_from hint: table Table (and column Column, when set)
// was called From.
type Rename struct {
	Table, Column, From string
	Pos                 token.Position
}

// loadMode is all [Models] asks of go/packages: the syntax and types of the
// matched packages, and export data (not source) for their dependencies.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
	packages.NeedTypes | packages.NeedTypesInfo

// Models loads the packages that patterns match, resolved in dir (a
// directory inside the user's module), and returns the models they declare.
// No pattern means ".".
//
// Column kinds follow the Go types: bool; int8, uint8 and int16 are Int16;
// uint16 and int32 are Int32; int, int64 and uint32 are Int64; float32,
// float64; string is Text (VARCHAR with size=N); []byte is Bytes; time.Time
// is Timestamp; json.RawMessage, strata's column.JSON[T], and a map, struct,
// slice or array with the json option, are JSON; a named type whose
// underlying type is [16]byte (google/uuid's UUID) is UUID; other named types
// take their underlying type's kind. A pointer or a database/sql Null type
// (NullString, NullTime, Null[T], ...) makes the column nullable, and so
// does a slice or map ([]byte and json.RawMessage included), whose nil value
// clients send as NULL, except in the primary key; every other column is
// NOT NULL.
// The type= options fill Type.Custom; a field whose Go type has no kind of
// its own (uint64, a []string without json) is still a column when it has a
// type= option, and then takes the neutral Kind Text.
//
// When any problem is found, Models returns a nil Result and [Errors]
// holding all of them, sorted by position, package load and type errors
// included. Positions name files relative to the root of the module that
// holds dir (where go.mod is) when they are inside it.
// When the patterns match no package, or the packages declare no model, the
// error wraps [ErrNoPackages] or [ErrNoModels].
func Models(ctx context.Context, dir string, patterns ...string) (*Result, error) {
	return ModelsWith(ctx, dir, nil, patterns...)
}

// ExternalTable is a table of another set of migrations, which the models
// may reference but not declare (see [ModelsWith]).
type ExternalTable struct {
	// Set names the set whose migrations make the table.
	Set   string
	Table schema.Table
}

// ModelsWith is [Models] for models whose foreign keys may also reference
// external, the tables of the sets the models' migrations include. A model
// that declares a table of external is an error.
func ModelsWith(ctx context.Context, dir string, external []ExternalTable, patterns ...string) (*Result, error) {
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	cfg := &packages.Config{Context: ctx, Dir: abs, Mode: loadMode, Fset: token.NewFileSet()}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("%w: %s (in %s)", ErrNoPackages, strings.Join(patterns, " "), dir)
	}
	slices.SortFunc(pkgs, func(a, b *packages.Package) int { return strings.Compare(a.PkgPath, b.PkgPath) })
	l := newLoader(abs, cfg.Fset, pkgs)
	for _, t := range external {
		if l.external == nil {
			l.external = map[string]ExternalTable{}
		}
		l.external[t.Table.Name] = t
	}
	return l.run(patterns)
}

// loader holds the state of one run of [Models].
type loader struct {
	fset  *token.FileSet
	dirs  []string // the module root, and the same with symlinks resolved
	pkgs  []*packages.Package
	errs  Errors
	enums map[string]*enumType // by "pkgpath.Name"

	constHints   []constHint  // //strata:renamed_from on constants
	valueRenames []EnumRename // the constHints that are right

	models []*model
	// external are the tables of other sets, by name (see [ModelsWith]).
	external map[string]ExternalTable
}

func newLoader(dir string, fset *token.FileSet, pkgs []*packages.Package) *loader {
	root := ModuleRoot(dir)
	l := &loader{fset: fset, dirs: []string{root}, pkgs: pkgs, enums: map[string]*enumType{}}
	if real, err := filepath.EvalSymlinks(root); err == nil && real != root {
		l.dirs = append(l.dirs, real)
	}
	return l
}

// ModuleRoot returns the directory of the go.mod that governs dir, an
// absolute path, or dir when there is none: the directory positions in
// strata's messages are relative to.
func ModuleRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// run turns the packages loaded for patterns into a Result, or the errors
// found.
func (l *loader) run(patterns []string) (*Result, error) {
	for _, pkg := range l.pkgs {
		l.packageErrors(pkg)
	}
	for _, pkg := range l.pkgs {
		l.collect(pkg)
	}
	for _, m := range l.models {
		l.buildModel(m)
	}
	l.checkTables()
	l.checkEnumRenames()
	if len(l.errs) > 0 {
		return nil, l.errs.sorted()
	}
	if len(l.models) == 0 {
		return nil, fmt.Errorf("%w in %s: a model is a struct whose doc comment has //strata:table NAME", ErrNoModels, strings.Join(patterns, " "))
	}
	return l.result(), nil
}

// result assembles the Result of a run that found no problem.
func (l *loader) result() *Result {
	s := &schema.Schema{}
	res := &Result{Schema: s, Models: map[string]string{}}
	var renames []Rename
	for _, m := range l.models {
		s.Tables = append(s.Tables, m.table)
		if m.extends {
			// Its table is a set's; the snapshot follows its columns only.
			res.Extends = append(res.Extends, m.table.Name)
		} else {
			res.Models[m.table.Name] = m.pkg.PkgPath + "." + m.goName
		}
		if m.offline {
			res.Offline = append(res.Offline, m.table.Name)
		}
		renames = append(renames, m.renames...)
		for _, col := range slices.Sorted(maps.Keys(m.hints)) {
			key, h := m.table.Name+"."+col, m.hints[col]
			if h.backfill != "" {
				res.Backfill = setHint(res.Backfill, key, h.backfill)
			}
			if h.using != "" {
				res.Using = setHint(res.Using, key, h.using)
			}
		}
	}
	used := l.usedEnums()
	for _, key := range slices.Sorted(maps.Keys(l.enums)) {
		if e := l.enums[key]; used[e.name] {
			s.Enums = append(s.Enums, schema.Enum{Name: e.name, Values: slices.Clone(e.values)})
		}
	}
	s.Normalize()
	slices.SortFunc(renames, func(a, b Rename) int {
		if c := strings.Compare(a.Table, b.Table); c != 0 {
			return c
		}
		return strings.Compare(a.Column, b.Column)
	})
	res.Renames = renames
	slices.Sort(res.Offline)
	res.EnumRenames = l.usedEnumRenames(used)
	return res
}

// setHint sets hints[key] to sql, making the map when it is nil.
func setHint(hints map[string]string, key, sql string) map[string]string {
	if hints == nil {
		hints = map[string]string{}
	}
	hints[key] = sql
	return hints
}

// packageErrors reports the load, syntax and type errors of pkg. It leaves
// out what only repeats them: the compiler's output that go list passes on
// ("# pkg" then its errors), and the syntax errors that follow the first one
// of a file, which a parser reports as it tries to recover.
func (l *loader) packageErrors(pkg *packages.Package) {
	checked := slices.ContainsFunc(pkg.Errors, func(e packages.Error) bool { return e.Kind != packages.ListError })
	parsed := map[string]bool{}
	for _, e := range pkg.Errors {
		pos := l.parsePos(e.Pos)
		switch {
		case e.Kind == packages.ListError && checked && strings.HasPrefix(e.Msg, "# "):
			continue
		case e.Kind == packages.ParseError && parsed[pos.Filename]:
			continue
		case e.Kind == packages.ParseError:
			parsed[pos.Filename] = true
		}
		l.errs = append(l.errs, &Error{Pos: pos, Msg: e.Msg})
	}
}

// position returns the position of p, its file named relative to the
// module root when it is inside the module.
func (l *loader) position(p token.Pos) token.Position {
	pos := l.fset.Position(p)
	pos.Filename = l.relative(pos.Filename)
	return pos
}

// relative returns filename relative to the module root, with slashes,
// when it is inside the module, and filename otherwise: go generate ./...
// runs at the root, and so do editors and terminals that make
// models/post.go:19:2 a link.
func (l *loader) relative(filename string) string {
	if filename == "" || !filepath.IsAbs(filename) {
		return filename
	}
	for _, dir := range l.dirs {
		rel, err := filepath.Rel(dir, filename)
		if err != nil {
			continue
		}
		if rel = filepath.ToSlash(rel); rel != ".." && !strings.HasPrefix(rel, "../") {
			return rel
		}
	}
	return filename
}

// parsePos parses a go/packages error position: "file:line:col",
// "file:line", "file", "" or "-".
func (l *loader) parsePos(s string) token.Position {
	if s == "" || s == "-" {
		return token.Position{}
	}
	var pos token.Position
	rest := s
	for _, field := range []*int{&pos.Column, &pos.Line} {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		*field, rest = n, rest[:i]
	}
	if pos.Line == 0 { // "file:line": the number read was the line
		pos.Line, pos.Column = pos.Column, 0
	}
	pos.Filename = l.relative(rest)
	return pos
}

// errorf records a problem at p.
func (l *loader) errorf(p token.Pos, structName, field, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: l.position(p), Struct: structName, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// errorAt records a problem at an already resolved position.
func (l *loader) errorAt(pos token.Position, structName, field, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: pos, Struct: structName, Field: field, Msg: fmt.Sprintf(format, args...)})
}
