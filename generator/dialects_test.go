package generator_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator"
)

// dialectsModule writes a module whose models hold a partial index, which
// PostgreSQL and SQLite build and MySQL has no form of.
func dialectsModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.22\n"))
	writeFile(t, filepath.Join(dir, "migrations", "generate.go"), []byte("package migrations\n\nvar Migrator = 0\n"))
	writeFile(t, filepath.Join(dir, "models", "models.go"), []byte("package models\n\n"+
		"//strata:table users\n//strata:index users_live_idx (email) where \"deleted = false\"\ntype User struct {\n"+
		"\tID      int64  `db:\"id\" strata:\"pk,identity\"`\n\tEmail   string `db:\"email\" strata:\"size=320\"`\n"+
		"\tDeleted bool   `db:\"deleted\"`\n}\n"))
	return filepath.Join(dir, "migrations")
}

func TestAMigrationMustBuildOnEveryDialectTheProjectNames(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		dialects []string
		want     []string // the dialects rendered, or nil for a refusal
	}{
		{nil, []string{"postgres", "sqlite"}},
		{[]string{"sqlite", "postgres"}, []string{"sqlite", "postgres"}},
		{[]string{"postgres"}, []string{"postgres"}},
		{[]string{"postgres", "sqlite", "mysql"}, nil},
	} {
		t.Run(strings.Join(tc.dialects, ","), func(t *testing.T) {
			dir := dialectsModule(t)
			res, err := generator.Make(ctx, generator.Config{Dir: dir, Models: []string{"../models"}, Dialects: tc.dialects})
			if tc.want != nil {
				if err != nil {
					t.Fatalf("Make: %v", err)
				}
				if !slices.Equal(res.Dialects, tc.want) || len(res.SQL) != len(tc.want) {
					t.Errorf("rendered on %v (SQL for %d), want %v", res.Dialects, len(res.SQL), tc.want)
				}
				return
			}
			for _, want := range []string{
				"migration 0001_initial cannot run on mysql",
				"index users_live_idx is partial",
				"leave it out of makemigrations --dialects in the //go:generate line",
			} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Make = %v, want an error saying %q", err, want)
				}
			}
			if entries := listDir(t, dir); len(entries) != 1 {
				t.Errorf("the refused migration wrote files: %v", entries)
			}
		})
	}
}

func TestUnknownDialectsAreRefused(t *testing.T) {
	for names, want := range map[string]string{
		"oracle":            `unknown dialect "oracle"`,
		"postgres,postgres": `dialect "postgres" is named twice`,
	} {
		_, err := generator.DialectsNamed(strings.Split(names, ","))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DialectsNamed(%s) = %v, want %q", names, err, want)
		}
	}
	ds, err := generator.DialectsNamed(nil)
	if err != nil || len(ds) != 2 || ds[0].Name() != "postgres" || ds[1].Name() != "sqlite" {
		t.Errorf("DialectsNamed(nil) = %v, %v; want postgres and sqlite", ds, err)
	}
}

// A project that names an engine later learns from check which of its
// migrations that engine cannot run.
func TestCheckRendersTheWholeHistoryOnEveryDialectNamed(t *testing.T) {
	ctx := context.Background()
	dir := dialectsModule(t)
	res, err := generator.Make(ctx, generator.Config{Dir: dir, Models: []string{"../models"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	if res, err := generator.Check(ctx, generator.Config{Dir: dir, Models: []string{"../models"}}); err != nil || !res.NoChanges() {
		t.Fatalf("Check on the default dialects = %v; want agreement", err)
	}
	_, err = generator.Check(ctx, generator.Config{Dir: dir, Models: []string{"../models"}, Dialects: []string{"postgres", "mysql"}})
	var inconsistent *generator.InconsistentError
	for _, want := range []string{"0001_initial.go: migration 0001_initial cannot run on mysql", "index users_live_idx is partial", "--dialects"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check naming mysql = %v, want an error saying %q", err, want)
		}
	}
	if errors.As(err, &inconsistent) {
		t.Errorf("Check reports the migrations an engine cannot run as a directory that disagrees with itself: %v", err)
	}
}
