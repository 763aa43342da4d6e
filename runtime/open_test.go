package runtime_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-go/strata/internal/testdb"
	"github.com/strata-go/strata/runtime"
)

func TestOpenTakesTheURLsTheMigrateCommandTakes(t *testing.T) {
	ctx := context.Background()
	sqliteURL := "sqlite:" + filepath.Join(t.TempDir(), "app.db")
	for _, url := range []string{sqliteURL, testdb.PostgresURL(t), testdb.MySQLSchemeURL(t)} {
		db, err := runtime.Open(ctx, url)
		if err != nil {
			t.Fatalf("Open(%s): %v", url, err)
		}
		if _, err := newMigrator(blog()...).Up(ctx, db); err != nil {
			t.Fatalf("Up on %s: %v", url, err)
		}
		if strings.HasPrefix(url, "sqlite:") {
			var on int
			if err := db.QueryRow("PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
				t.Errorf("foreign_keys = %d, %v; want them on", on, err)
			}
		}
		_ = db.Close()
	}
}

func TestOpenNeverShowsThePassword(t *testing.T) {
	ctx := context.Background()
	for _, url := range []string{
		"postgres://alice:s3cret@127.0.0.1:1/app?connect_timeout=1",
		"mysql://alice:s3cret@127.0.0.1:1/app?timeout=1s",
		"mariadb://alice:s3cret#1@db/app",
		"",
	} {
		_, err := runtime.Open(ctx, url)
		switch {
		case err == nil:
			t.Errorf("Open(%q) opened something", url)
		case strings.Contains(err.Error(), "s3cret"):
			t.Errorf("Open(%q) = %v, which shows the password", url, err)
		}
	}
}
