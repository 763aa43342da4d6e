package emit

import (
	"testing"

	"github.com/strata-go/strata/internal/squawktest"
	"github.com/strata-go/strata/runtime"
)

// TestSquawkFindsNothingToFixInGeneratedPostgreSQL runs squawk over the
// PostgreSQL SQL of the golden cases that change what exists (see
// squawktest.Check).
func TestSquawkFindsNothingToFixInGeneratedPostgreSQL(t *testing.T) {
	m := runtime.NewMigrator()
	for _, tc := range cases {
		m.Register(runtime.Migration{ID: tc.file.ID, Up: tc.file.Up, Down: tc.file.Down, Replaces: tc.file.Replaces})
	}
	if n := squawktest.Check(t, m, "emit"); n == 0 {
		t.Fatal("no golden migration changes what exists")
	}
}
