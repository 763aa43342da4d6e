package diff

import "strings"

// UnsupportedError lists changes this version of strata cannot generate yet.
//
// Each entry names what changes and how, such as
// "users: primary key changes from (id) to (id, email)". [Compare] returns
// one error listing every such change between the two schemas: the primary
// keys of tables, in name order.
type UnsupportedError struct{ Changes []string }

// Error lists the changes, one per line after the first.
func (e *UnsupportedError) Error() string {
	var b strings.Builder
	b.WriteString("diff: this version of strata cannot generate these changes yet:")
	for _, c := range e.Changes {
		b.WriteString("\n  ")
		b.WriteString(c)
	}
	return b.String()
}
