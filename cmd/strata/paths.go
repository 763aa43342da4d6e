package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
)

// Paths in what strata prints are relative to the module root, where
// go generate ./... runs and where editors and terminals resolve
// migrations/0002_add_users_bio.go:12:3, even though go generate runs
// strata in the migrations directory. Outside a module they are relative
// to the working directory.

// migrationsDir returns the --dir flag as an absolute path, so that every
// path the generator puts in a message can be made relative to the module
// root by [shown].
func migrationsDir(c *cli.Context) string {
	dir := c.String("dir")
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// base returns the directory printed paths are relative to: the root of
// the module that holds the working directory, or the working directory.
func base() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return wd
		}
		d = parent
	}
}

// relPath returns p relative to [base], with slashes.
func relPath(p string) string {
	if b := base(); b != "" {
		if abs, err := filepath.Abs(p); err == nil {
			if rel, err := filepath.Rel(b, abs); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	return filepath.ToSlash(p)
}

// shown returns msg with the absolute paths under [base] made relative.
func shown(msg string) string {
	b := base()
	if b == "" || b == string(filepath.Separator) {
		return msg
	}
	return strings.ReplaceAll(msg, b+string(filepath.Separator), "")
}
