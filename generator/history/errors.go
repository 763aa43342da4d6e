package history

import (
	"fmt"
	"path/filepath"
	"strings"
)

// BranchError reports migration files that share a number. strata numbers
// each new migration after the last one, so two branches that each added
// a migration give both the same number; once the branches are merged, the
// directory holds both.
type BranchError struct {
	// Number is the number the migrations share.
	Number int
	// Paths are the files of the migrations, sorted; there are at least
	// two.
	Paths []string
}

func (e *BranchError) Error() string {
	ids := make([]string, len(e.Paths))
	for i, p := range e.Paths {
		ids[i] = strings.TrimSuffix(filepath.Base(p), ".go")
	}
	return fmt.Sprintf("%s: migrations %s have the same number, %d: two branches each added a migration; "+
		"run strata rebase to put this branch's migrations after the other branch's "+
		"(or give one of them the next free number, in its file name and its ID, then run strata adopt)",
		strings.Join(e.Paths, ", "), strings.Join(ids, " and "), e.Number)
}
