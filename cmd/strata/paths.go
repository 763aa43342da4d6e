package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/generator/load"
)

// Paths in what strata prints are relative to the module root, where
// go generate ./... runs and where editors and terminals resolve
// migrations/0002_add_users_bio.go:12:3, even though go generate runs
// strata in the migrations directory. Outside a module they are relative
// to the working directory.

// dirFlag is the --dir flag of the commands that work on a migrations
// directory.
func dirFlag() cli.Flag {
	return &cli.StringFlag{Name: "dir", Value: ".", Usage: "the migrations `DIR`ectory"}
}

// modelsFlag is the --models flag of the commands that load the models.
func modelsFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "models", Usage: "package `PATTERN` of the model structs, relative to --dir (repeatable)"}
}

// includeFlag is the --include flag of the commands that load the models:
// the sets whose tables they may reference.
func includeFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "include", Usage: "package `PATTERN`, relative to --dir, of the migrations of a set the app's Migrator includes (runtime.NewSet): " +
		"the models may reference its tables, and each new migration depends on its latest migration (repeatable)"}
}

// replaceFlag is the --replace flag of the commands that load the models:
// a table of the app's own in the place of one of an included set's.
func replaceFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "replace", Usage: "`TABLE=BY`: the models' table BY takes the place of table TABLE of an included set, whose migrations then leave TABLE out " +
		"and reference BY (runtime's Migrator.Replacing; repeatable)"}
}

// dialectsFlag is the --dialects flag of the commands that make
// migrations.
func dialectsFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "dialects",
		Usage: "the engines the project targets, comma-separated, among mysql, postgres and sqlite; each new migration must build on each (default postgres,sqlite)",
	}
}

// dialects returns the --dialects flag as names, checked; nil when it is
// not given.
func dialects(c *cli.Context) ([]string, error) {
	if !c.IsSet("dialects") {
		return nil, nil
	}
	var names []string
	for _, n := range strings.Split(c.String("dialects"), ",") {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, cli.Exit("--dialects names no dialect: give some of mysql, postgres and sqlite, comma-separated", exitUsage)
	}
	if _, err := generator.DialectsNamed(names); err != nil {
		return nil, cli.Exit("--dialects: "+err.Error(), exitUsage)
	}
	return names, nil
}

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
	return load.ModuleRoot(wd)
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
