package history

import (
	"bytes"
	"fmt"
	"strings"
)

// conflictMarkers returns an error for each unfinished git merge conflict
// in src, the file at path: one at the line that opens the conflict, or at
// the first marker left of a conflict whose opening line is gone.
func conflictMarkers(path string, src []byte) []error {
	var errs []error
	inConflict := false
	report := func(n int, line string) {
		marker, _, _ := strings.Cut(line, " ")
		errs = append(errs, fmt.Errorf("%s:%d: the file holds the git conflict marker %s: finish the merge (for schema_snapshot.go, either side will do), then run strata rebase", path, n, marker))
	}
	n := 0
	for line := range bytes.Lines(src) {
		n++
		s := strings.TrimRight(string(line), "\r\n")
		switch {
		case strings.HasPrefix(s, "<<<<<<< "):
			report(n, s)
			inConflict = true
		case s == "=======" || strings.HasPrefix(s, "||||||| "):
			// The middle of a conflict, or the base of one in git's
			// diff3 style.
			if !inConflict {
				report(n, s)
				inConflict = true
			}
		case strings.HasPrefix(s, ">>>>>>> "):
			if !inConflict {
				report(n, s)
			}
			inConflict = false
		}
	}
	return errs
}
