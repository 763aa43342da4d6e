package main

import (
	"context"
	"strings"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
)

func TestTheBlogMigratesAndWritesAPostOnEveryEngine(t *testing.T) {
	for name, newURL := range map[string]func(testing.TB) string{"sqlite": testdb.SQLiteURL, "postgres": testdb.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			url := newURL(t)
			for start := range 2 { // the second start finds nothing to migrate
				var out strings.Builder
				if err := run(context.Background(), url, &out); err != nil {
					t.Fatalf("start %d: %v", start+1, err)
				}
				if got, want := out.String(), "post 1: \"Hello\" by Ada\n"; got != want {
					t.Errorf("start %d printed %q, want %q", start+1, got, want)
				}
			}
		})
	}
}
