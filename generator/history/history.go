// Package history reads a migrations directory, the migration files that
// strata makemigrations wrote or a person wrote by hand, without compiling
// or running them.
//
// It sits beside the snapshot at the start of the generator's pipeline (see
// [github.com/strata-go/strata/generator]): where
// [github.com/strata-go/strata/generator/snapshot] reads the schema that
// the latest migration leaves, [Read] reads the migrations themselves, each
// file's operations decoded from its syntax tree with
// [github.com/strata-go/strata/generator/golit.ParseOperations], and
// [History.Replay] applies them in order to rebuild that schema. Read also
// finds what git leaves behind when two branches each add a migration: an
// unfinished merge, or two migrations with one number ([BranchError]).
// [Names] lists the migrations by their file names only, cheaply.
package history

import (
	"errors"
	"fmt"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/runtime/schema"
)

// Migration is one migration file as read from its source.
type Migration struct {
	// ID names the migration: its file's name without .go, such as
	// "0002_add_users_bio", which the ID of its Register call repeats.
	ID string
	// Number is the sequence number the ID begins with, 2 for
	// "0002_add_users_bio".
	Number int
	// Path is the file's path: the directory given to [Read] joined with
	// the file's name.
	Path string
	// Generated tells whether the file's leading comment says it was
	// written by strata makemigrations. The user may have changed it since.
	Generated bool
	// Up and Down are the operations of the migration, as written. The
	// Func of a [schema.RunGo] is always nil: it is code, which is not read.
	Up, Down []schema.Operation
	// NonTransactional is the migration's field of the same name.
	NonTransactional bool
	// DependsOn is the migration's field of the same name: the qualified
	// IDs of the migrations of other sets that run before it.
	DependsOn []string
	// Replaces is the migration's field of the same name: the IDs of the
	// migrations it folds into one, whose files are gone.
	Replaces []string
	// Offline is the migration's field of the same name: the tables whose
	// changes keep their plain form.
	Offline []string
	// Pos is the position of the file's Register call.
	Pos token.Position

	// upPos holds the position of each operation of Up, for the errors of
	// Replay.
	upPos []token.Position
}

// History is the migrations of a directory, in the order they apply.
type History struct {
	// Dir is the migrations directory, as given to [Read].
	Dir string
	// Migrations are sorted by ID, the order in which the runtime applies
	// them.
	Migrations []Migration
}

// fileName matches the name of a migration file: a sequence number of at
// least four digits, then a name. It is the pattern strata makemigrations
// names the files it writes by.
var fileName = regexp.MustCompile(`^([0-9]{4,})_([a-z0-9_]+)\.go$`)

// MigrationID returns the ID of the migration file called name, or false
// when name is not one: other Go files, such as schema_snapshot.go, and
// test files share the directory.
func MigrationID(name string) (string, bool) {
	if strings.HasSuffix(name, "_test.go") || !fileName.MatchString(name) {
		return "", false
	}
	return strings.TrimSuffix(name, ".go"), true
}

// Number returns the sequence number migration id begins with, 2 for
// "0002_add_users_bio", or an error when id is not the ID of a migration
// file or its number is too large.
func Number(id string) (int, error) {
	m := fileName.FindStringSubmatch(id + ".go")
	if m == nil {
		return 0, fmt.Errorf("history: %q is not the ID of a migration file", id)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, fmt.Errorf("history: the number of migration %s is too large", id)
	}
	return n, nil
}

// Names returns the IDs of the migrations in dir, sorted, from the names of
// their files alone: it reads no file. It is what strata makemigrations
// needs on every run to number the next migration.
func Names(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if id, ok := MigrationID(e.Name()); ok && !e.IsDir() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Read reads every migration file of dir and checks the directory:
//
//   - no Go file of dir, the snapshot included, holds a git conflict
//     marker;
//   - no two migrations have the same number (a [*BranchError]);
//   - each migration file makes exactly one Register call, whose
//     runtime.Migration literal has the file's ID;
//   - each operation is a literal that strata can read, which the file's
//     Go code does not build at run time.
//
// It reports every problem it finds, each on a line of its own that begins
// with the file and position of the trouble, joined with [errors.Join] so
// that [errors.As] finds a [*BranchError] among them. It returns no
// History then, unless the only problems are shared numbers: strata rebase
// reads such a directory to renumber it.
func Read(dir string) (*History, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	h := &History{Dir: dir}
	var problems []error
	byNumber := map[int][]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, fmt.Errorf("history: %w", err))
			continue
		}
		conflicts := conflictMarkers(path, src)
		problems = append(problems, conflicts...)
		id, ok := MigrationID(name)
		if !ok {
			continue
		}
		number, err := Number(id)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: the number of the migration is too large", path))
			continue
		}
		byNumber[number] = append(byNumber[number], path)
		if len(conflicts) > 0 {
			continue // not Go until the merge is finished
		}
		m, errs := readFile(path, src, id, number)
		problems = append(problems, errs...)
		if m != nil {
			h.Migrations = append(h.Migrations, *m)
		}
	}
	slices.SortFunc(h.Migrations, func(a, b Migration) int { return strings.Compare(a.ID, b.ID) })
	branches := branchErrors(byNumber)
	switch {
	case len(problems) > 0:
		return nil, errors.Join(append(branches, problems...)...)
	case len(branches) > 0:
		return h, errors.Join(branches...)
	}
	return h, nil
}

// branchErrors returns a [*BranchError] for each number that several
// migration files share, in order of number.
func branchErrors(byNumber map[int][]string) []error {
	var errs []error
	for _, number := range slices.Sorted(maps.Keys(byNumber)) {
		if paths := byNumber[number]; len(paths) > 1 {
			errs = append(errs, &BranchError{Number: number, Paths: slices.Sorted(slices.Values(paths))})
		}
	}
	return errs
}
