package generator_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/internal/squawktest"
	"github.com/strata-go/strata/runtime"
)

var migrationFile = regexp.MustCompile(`^want/step[0-9]+/([0-9]{4}_[a-z0-9_]+\.go)$`)

// TestSquawkFindsNothingToFixInTheGoldenMigrations runs squawk over the
// PostgreSQL SQL of every migration that the golden cases' steps write and
// that changes what exists (see squawktest.Check).
func TestSquawkFindsNothingToFixInTheGoldenMigrations(t *testing.T) {
	squawktest.Binary(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		n := 0
		for _, f := range ar.Files {
			if m := migrationFile.FindStringSubmatch(f.Name); m != nil {
				writeFile(t, filepath.Join(dir, m[1]), f.Data)
				n++
			}
		}
		if n == 0 {
			continue
		}
		h, err := history.Read(dir)
		if err != nil {
			t.Fatalf("%s: the migrations its steps write do not read: %v", path, err)
		}
		m := runtime.NewMigrator()
		for _, mig := range h.Migrations {
			m.Register(runtime.Migration{
				ID: mig.ID, Up: mig.Up, Down: mig.Down, NonTransactional: mig.NonTransactional,
				Replaces: mig.Replaces, Offline: mig.Offline,
			})
		}
		checked += squawktest.Check(t, m, strings.TrimSuffix(filepath.Base(path), ".txtar"))
	}
	if checked == 0 {
		t.Fatal("no golden migration changes what exists")
	}
	t.Logf("squawk checked %d scripts", checked)
}
