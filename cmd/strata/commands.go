package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/generator/scaffold"
)

func usageError(_ *cli.Context, err error, _ bool) error {
	return cli.Exit(err.Error(), exitUsage)
}

func initCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "scaffold migrations/generate.go and cmd/migrate/main.go in this module",
		Description: "Run once, at the root of the module (where go.mod is). init writes\n" +
			"  MIGRATIONS/generate.go   the package doc, the //go:generate line and the Migrator variable\n" +
			"  CMD/main.go              the command that applies migrations (up, down, status, sql)\n" +
			"and prints the Makefile targets to add. It refuses to replace existing files unless --force.",
		ArgsUsage:    " ",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "migrations", Value: "migrations", Usage: "the migrations directory, relative to the module root"},
			&cli.StringFlag{Name: "models", Value: "models", Usage: "the directory of the model structs, relative to the module root"},
			&cli.StringFlag{Name: "cmd", Value: "cmd/migrate", Usage: "the directory of the migrate command, relative to the module root"},
			&cli.StringFlag{Name: "generate", Value: scaffold.DefaultGenerate, Usage: "the command the //go:generate line runs"},
			&cli.BoolFlag{Name: "force", Usage: "replace files that exist already"},
			&cli.StringFlag{Name: "dialects", Usage: "the engines the project targets, comma-separated, among mysql, postgres and sqlite, written into the //go:generate line (default postgres,sqlite)"},
			&cli.StringFlag{Name: "set", Usage: "make the migrations package a set of this name (runtime.NewSet), for a package of models that apps include: its ledger rows read NAME/ID"},
		},
		Action: runInit,
	}
}

func runInit(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit("init takes no arguments", exitUsage)
	}
	names, err := dialects(c)
	if err != nil {
		return err
	}
	res, err := scaffold.Init(scaffold.Config{
		Dialects:   names,
		Root:       ".",
		Migrations: c.String("migrations"),
		Models:     c.String("models"),
		Command:    c.String("cmd"),
		Generate:   c.String("generate"),
		Force:      c.Bool("force"),
		Set:        c.String("set"),
	})
	if err != nil {
		return err
	}
	w := c.App.Writer
	for _, f := range res.Files {
		fmt.Fprintf(w, "wrote %s\n", f)
	}
	fmt.Fprintf(w, "\nNext:\n"+
		"  go get -tool github.com/strata-go/strata/cmd/strata   (once, so that go generate finds strata)\n"+
		"  mark model structs with //strata:table NAME, then run go generate ./%s\n"+
		"  go mod tidy   (once, so that cmd/migrate finds the database drivers it imports)\n"+
		"\nMakefile targets to add:\n\n%s", filepath.ToSlash(filepath.Clean(c.String("migrations"))), res.Makefile)
	return nil
}

func makeMigrationsCommand() *cli.Command {
	return &cli.Command{
		Name:  "makemigrations",
		Usage: "write a migration for the difference between the models and the snapshot",
		Description: "makemigrations loads the model structs, compares them with DIR/schema_snapshot.go,\n" +
			"and writes DIR/NNNN_NAME.go with the operations that take the database from the\n" +
			"snapshot to the models (and back, in Down), together with the updated snapshot.\n" +
			"It writes nothing when they match (\"No changes.\"), and nothing at all when any step fails.\n" +
			"Changes that can lose data (dropping a table or column, ...) are refused unless --force.\n" +
			"go generate runs it in the migrations directory; see migrations/generate.go. go generate\n" +
			"cannot pass flags, so --force and --name also come from the environment:\n" +
			"  STRATA_FORCE=1 go generate ./...      STRATA_NAME=backfill_slugs go generate ./...\n" +
			"Each change prints as a line: + adds, - drops, ~ alters or renames. Colours show on a\n" +
			"terminal unless NO_COLOR is set.",
		ArgsUsage:    " ",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			modelsFlag(),
			includeFlag(),
			replaceFlag(),
			dirFlag(),
			&cli.StringFlag{Name: "name", EnvVars: []string{"STRATA_NAME"}, Usage: "the new migration's `NAME` (default: derived from its operations)"},
			&cli.BoolFlag{Name: "force", EnvVars: []string{"STRATA_FORCE"}, Usage: "let destructive changes through; the migration marks them"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the migration and its SQL for each dialect, destructive changes included; write nothing"},
			&cli.BoolFlag{Name: "check", Usage: fmt.Sprintf("write nothing; exit %d if the models differ from the snapshot, destructive changes included", exitPending)},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also print the SQL the new migration runs on each dialect"},
			&cli.BoolFlag{Name: "empty", Usage: "write a migration for steps written by hand (RunSQL, RunGo) and move the snapshot's head to it; --models is not needed"},
			&cli.BoolFlag{Name: "undo", Usage: "remove the latest migration, if makemigrations wrote it, and rebuild the snapshot without it (revert it first in any database that applied it)"},
			dialectsFlag(),
		},
		Action: runMakeMigrations,
	}
}

func runMakeMigrations(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit("makemigrations takes no arguments; give the models with --models", exitUsage)
	}
	if n := countSet(c, "dry-run", "check", "empty", "undo"); n > 1 {
		return cli.Exit("--dry-run, --check, --empty and --undo do not go together", exitUsage)
	}
	switch {
	case c.Bool("empty"):
		return runChange(c, "Added a migration for steps written by hand; fill it in:", func() (*generator.Change, error) {
			return generator.Empty(migrationsDir(c), c.String("name"))
		})
	case c.Bool("undo"):
		return runChange(c, "Undid the latest migration:", func() (*generator.Change, error) {
			return generator.UndoIncluding(c.Context, generator.Config{Dir: migrationsDir(c), Includes: c.StringSlice("include"), Replaces: c.StringSlice("replace")})
		})
	}
	if len(c.StringSlice("models")) == 0 {
		return cli.Exit("makemigrations needs --models PATTERN: the package of the model structs, such as ../models", exitUsage)
	}
	names, err := dialects(c)
	if err != nil {
		return err
	}
	preview := c.Bool("check") || c.Bool("dry-run")
	res, err := generator.Make(c.Context, generator.Config{
		Dir:      migrationsDir(c),
		Models:   c.StringSlice("models"),
		Includes: c.StringSlice("include"),
		Replaces: c.StringSlice("replace"),
		Name:     c.String("name"),
		Force:    c.Bool("force"),
		Preview:  preview,
		Dialects: names,
	})
	if err != nil {
		return err
	}
	w := c.App.Writer
	if res.Refused == nil { // a refusal below says them first
		for _, warning := range res.Plan.Warnings {
			fmt.Fprintln(c.App.ErrWriter, "strata: warning:", warning)
		}
	}
	style := newStyle(w)
	switch {
	case res.NoChanges():
		fmt.Fprintln(w, "No changes.")
		return nil
	case c.Bool("check"):
		fmt.Fprintf(w, "The models differ from the snapshot; run makemigrations to write migration %s:\n", res.ID)
		printSummary(w, style, res)
		printRefusal(w, res)
		return cli.Exit("", exitPending)
	case c.Bool("dry-run"):
		fmt.Fprintf(w, "Migration %s (dry run: nothing written):\n", res.ID)
		printSummary(w, style, res)
		printRefusal(w, res)
		fmt.Fprintf(w, "\n-- %s\n", res.Files[0].Path)
		if _, err := w.Write(res.Files[0].Content); err != nil {
			return err
		}
		printSQL(w, res)
		return nil
	}
	if err := res.Write(); err != nil {
		return err
	}
	fmt.Fprintf(w, "Wrote %s:\n", relPaths(res))
	printSummary(w, style, res)
	if c.Bool("verbose") {
		printSQL(w, res)
	}
	return nil
}

// printSummary prints a line per change of the new migration.
func printSummary(w io.Writer, style style, res *generator.Result) {
	for _, line := range res.Summary() {
		fmt.Fprintln(w, "  "+style.line(line))
	}
}

// printRefusal says, under --check and --dry-run, that writing the
// migration needs --force, and why.
func printRefusal(w io.Writer, res *generator.Result) {
	if res.Refused == nil {
		return
	}
	fmt.Fprintf(w, "Writing it needs --force (STRATA_FORCE=1 under go generate): %d change(s) above are destructive.\n", len(res.Refused.Changes))
	if len(res.Refused.Renames) > 0 {
		fmt.Fprintln(w, "If you renamed something, say so instead, and its data stays:")
		for _, r := range res.Refused.Renames {
			fmt.Fprintln(w, "  "+r)
		}
	}
}

// printSQL prints the statements the new migration runs on each dialect.
func printSQL(w io.Writer, res *generator.Result) {
	for _, d := range res.Dialects {
		fmt.Fprintf(w, "\n-- SQL on %s:\n", d)
		for _, st := range res.SQL[d] {
			if st.Go != nil {
				fmt.Fprintln(w, "-- Go step")
				continue
			}
			fmt.Fprintf(w, "%s;\n", st.SQL)
		}
	}
}

// relPaths lists the written files, relative to the module root.
func relPaths(res *generator.Result) string {
	var names []string
	for _, f := range res.Files {
		names = append(names, relPath(f.Path))
	}
	return strings.Join(names, " and ")
}

// countSet returns how many of the named boolean flags are set.
func countSet(c *cli.Context, names ...string) int {
	n := 0
	for _, name := range names {
		if c.Bool(name) {
			n++
		}
	}
	return n
}

// runChange computes a change to the migrations directory, writes it, and
// says what it wrote and removed.
func runChange(c *cli.Context, verb string, compute func() (*generator.Change, error)) error {
	change, err := compute()
	if err != nil {
		return err
	}
	if err := change.Write(); err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintln(w, verb)
	for _, f := range change.Files {
		if f.Remove {
			fmt.Fprintf(w, "  removed %s\n", relPath(f.Path))
		} else {
			fmt.Fprintf(w, "  wrote %s\n", relPath(f.Path))
		}
	}
	if change.Head == "" {
		fmt.Fprintf(w, "The snapshot now names no head: no migration is left.\n")
	} else {
		fmt.Fprintf(w, "The snapshot's head is %s.\n", change.Head)
	}
	return nil
}

func adoptCommand() *cli.Command {
	return &cli.Command{
		Name:  "adopt",
		Usage: "rebuild the snapshot from the migration files; with --db, start the history of a live database",
		Description: "adopt replays the operations of every migration in --dir, read from their source and never\n" +
			"run, and writes DIR/schema_snapshot.go with the schema they build and the last migration as\n" +
			"head. It is the fix makemigrations names when the snapshot and the files disagree: a migration\n" +
			"written by hand after the head (a RunSQL that changes the schema lists the operations it\n" +
			"stands for in Declares), a migration deleted, a merge that kept the other branch's snapshot.\n" +
			"\n" +
			"adopt --db URL starts the history of a database strata did not create, in a module where\n" +
			"strata init ran and --dir holds no migration yet: it inspects the database (see strata help\n" +
			"inspect), writes the models to MODELS-DIR/" + generator.ModelsFileName + ", and writes 0001_initial, which creates\n" +
			"that schema, with its snapshot. It prints what the models cannot say, and the one command that\n" +
			"records 0001_initial as applied on the database (migrate fake). It does not write to the database.",
		ArgsUsage:    " ",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			dirFlag(),
			dbFlag("adopt the live database at `URL`", false),
			tablesFlag(),
			&cli.StringFlag{Name: "models-dir", Value: "../models", Usage: "with --db, the `DIR`ectory of the models file, relative to --dir"},
			&cli.BoolFlag{Name: "force", Usage: "with --db, replace the models file when it exists"},
			includeFlag(),
			replaceFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return cli.Exit("adopt takes no arguments", exitUsage)
			}
			if c.String("db") != "" {
				return runAdoptDB(c)
			}
			if n := countSet(c, "force"); n > 0 || c.String("tables") != "" || c.IsSet("models-dir") {
				return cli.Exit("--tables, --models-dir and --force go with --db", exitUsage)
			}
			return runChange(c, "Rebuilt the snapshot from the migrations:", func() (*generator.Change, error) {
				return generator.AdoptIncluding(c.Context, generator.Config{Dir: migrationsDir(c), Includes: c.StringSlice("include"), Replaces: c.StringSlice("replace")})
			})
		},
	}
}

func squashCommand() *cli.Command {
	return &cli.Command{
		Name:  "squash",
		Usage: "fold the migrations up to one into a single migration that replaces them",
		Description: "squash replays the migrations of --dir from the first up to and including --to, read from\n" +
			"their source and never run, and writes one migration, TO_squashed, that creates the schema they\n" +
			"build at once and lists them in its Replaces; their files are removed. A database that applied\n" +
			"all of them has the new migration applied, a new one applies it, and one that applied only some\n" +
			"of them needs a build of the app that still has them first (migrate up says so). An earlier\n" +
			"squash in the range is folded too. Migrations with steps written by hand (RunSQL, RunGo) or\n" +
			"marked NonTransactional are refused: squash up to one before them.",
		ArgsUsage:    " ",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			dirFlag(),
			&cli.StringFlag{Name: "to", Usage: "the ID of the last migration to fold (its file's name without .go)", Required: true},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return cli.Exit("squash takes no arguments", exitUsage)
			}
			to := strings.TrimSuffix(c.String("to"), ".go")
			return runChange(c, "Squashed the migrations up to "+to+":", func() (*generator.Change, error) {
				return generator.Squash(migrationsDir(c), to)
			})
		},
	}
}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "verify, without a database, that the models, the migrations and the snapshot agree (for CI)",
		Description: "check reads every migration of --dir from its source, replays them, and compares the\n" +
			"result with the snapshot, and the snapshot with the models. It writes nothing. Exit codes:\n" +
			fmt.Sprintf("  0 all agree; %d the models differ from the snapshot (a migration is missing, destructive\n", exitPending) +
			fmt.Sprintf("  or not); %d the directory disagrees with itself (two migrations with one number, an\n", exitInconsistent) +
			"  unfinished merge, a snapshot that names another head or that the migrations do not build);\n" +
			"  2 usage error; 1 anything else, such as a model that does not load.",
		ArgsUsage:    " ",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			modelsFlag(),
			includeFlag(),
			replaceFlag(),
			dirFlag(),
			dialectsFlag(),
		},
		Action: runCheck,
	}
}

func runCheck(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit("check takes no arguments; give the models with --models", exitUsage)
	}
	if len(c.StringSlice("models")) == 0 {
		return cli.Exit("check needs --models PATTERN: the package of the model structs, such as ../models", exitUsage)
	}
	names, err := dialects(c)
	if err != nil {
		return err
	}
	res, err := generator.Check(c.Context, generator.Config{Dir: migrationsDir(c), Models: c.StringSlice("models"), Includes: c.StringSlice("include"), Replaces: c.StringSlice("replace"), Dialects: names})
	var inconsistent *generator.InconsistentError
	switch {
	case errors.As(err, &inconsistent):
		return cli.Exit(inconsistent.Error(), exitInconsistent)
	case err != nil:
		return err
	}
	w := c.App.Writer
	if res.NoChanges() {
		fmt.Fprintln(w, "The models, the migrations and the snapshot agree.")
		return nil
	}
	fmt.Fprintf(w, "The models differ from the snapshot; makemigrations would write migration %s:\n", res.ID)
	printSummary(w, newStyle(w), res)
	printRefusal(w, res)
	return cli.Exit("", exitPending)
}
