package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/go-sql-driver/mysql" // registers the "mysql" driver, for inspect and adopt --db
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver, for inspect and adopt --db
	"github.com/urfave/cli/v2"
	_ "modernc.org/sqlite" // registers the "sqlite" driver, for inspect and adopt --db

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/internal/dburl"
)

// dbFlag is the --db flag of the commands that read a live database.
func dbFlag(usage string, env bool) cli.Flag {
	f := &cli.StringFlag{Name: "db", Usage: usage}
	if env {
		f.EnvVars = []string{"DATABASE_URL"}
	}
	return f
}

// tablesFlag is the --tables flag of the commands that read a live
// database.
func tablesFlag() cli.Flag {
	return &cli.StringFlag{Name: "tables", Usage: "read only these tables, comma separated (`a,b`)"}
}

// tableList splits the --tables flag.
func tableList(c *cli.Context) []string {
	var names []string
	for _, n := range strings.Split(c.String("tables"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:  "inspect",
		Usage: "write Go model structs for the schema of a live database",
		Description: "inspect reads the schema of the database --db names (" + dburl.Accepted + ",\n" +
			"default $DATABASE_URL) and writes model structs that strata reads back into that schema:\n" +
			"db tags, strata tags for keys, identity, sizes, defaults, indexes, uniques, foreign keys and\n" +
			"checks, directives for what spans columns, //strata:enum types. With --out DIR it writes\n" +
			"DIR/" + generator.ModelsFileName + ", in the package of DIR; otherwise it prints the file. What the model\n" +
			"language cannot say (a view, a function, a trigger not strata's, a partition, an index on an\n" +
			"expression, ...) is listed at the top of the file and on standard error: nothing is left out\n" +
			"without a word. It only reads the database.",
		ArgsUsage:    " ",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			dbFlag("the database `URL`", true),
			tablesFlag(),
			&cli.StringFlag{Name: "out", Usage: "write DIR/" + generator.ModelsFileName + " rather than print it (`DIR`)"},
			&cli.BoolFlag{Name: "force", Usage: "replace DIR/" + generator.ModelsFileName + " when it exists"},
		},
		Action: runInspect,
	}
}

func runInspect(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit("inspect takes no arguments; give the database with --db", exitUsage)
	}
	if c.String("db") == "" {
		return cli.Exit("inspect needs --db URL (or DATABASE_URL): "+dburl.Accepted, exitUsage)
	}
	out := c.String("out")
	pkg := ""
	if out != "" {
		pkg = generator.PackageName(out)
	}
	in, err := generator.Inspect(c.Context, generator.InspectConfig{URL: c.String("db"), Tables: tableList(c), Package: pkg})
	if err != nil {
		return err
	}
	if out == "" {
		if _, err := c.App.Writer.Write(in.Models.Source); err != nil {
			return err
		}
		printSkipped(c.App.ErrWriter, in.Models.Skipped)
		return nil
	}
	path := filepath.Join(out, generator.ModelsFileName)
	if _, err := os.Stat(path); err == nil && !c.Bool("force") {
		return fmt.Errorf("inspect: %s exists already: move it away, or use --force to replace it", relPath(path))
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, in.Models.Source, 0o644); err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "Wrote %s: %d table(s) of a %s database.\n", relPath(path), countTypes(in.Models.Source), in.Dialect)
	printSkipped(w, in.Models.Skipped)
	printImports(w, in.Models.Imports)
	return nil
}

// countTypes counts the structs of a models file.
func countTypes(src []byte) int { return strings.Count(string(src), "\n//strata:table ") }

// printSkipped lists what the models leave out or change.
func printSkipped(w io.Writer, skipped []string) {
	if len(skipped) == 0 {
		return
	}
	fmt.Fprintln(w, "Not in the models as in the database (strata's model language cannot say it):")
	for _, line := range skipped {
		fmt.Fprintln(w, "  - "+line)
	}
}

// printImports says which modules the models need beyond strata.
func printImports(w io.Writer, imports []string) {
	for _, p := range imports {
		if p == "github.com/google/uuid" {
			fmt.Fprintln(w, "The models use github.com/google/uuid: go get github.com/google/uuid")
		}
	}
}

// runAdoptDB is adopt --db: it starts the migration history of a database
// strata did not create.
func runAdoptDB(c *cli.Context) error {
	url := c.String("db")
	res, err := generator.AdoptDB(c.Context, generator.AdoptDBConfig{
		URL: url, Tables: tableList(c), Dir: migrationsDir(c), Models: c.String("models-dir"), Force: c.Bool("force"),
	})
	if err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "Adopted %d table(s) of a %s database:\n", len(res.Schema.Tables), res.Dialect)
	fmt.Fprintf(w, "  wrote %s\n", relPath(res.ModelsPath))
	for _, f := range res.Migration.Files {
		fmt.Fprintf(w, "  wrote %s\n", relPath(f.Path))
	}
	printSkipped(w, res.Models.Skipped)
	if len(res.Differences) > 0 {
		fmt.Fprintf(w, "So migration %s creates, from an empty database, a schema that differs from this one's by:\n", res.Migration.ID)
		for _, d := range res.Differences {
			fmt.Fprintln(w, "  ~ "+d)
		}
	}
	printImports(w, res.Models.Imports)
	fmt.Fprintf(w, "\nThe database has the schema of %s already. Record it as applied there, once:\n\n", res.Migration.ID)
	fmt.Fprintf(w, "  go run ./cmd/migrate fake %s --db '%s'\n\n", res.Migration.ID, dburl.Redact(url))
	fmt.Fprintln(w, "Then go generate ./... says \"No changes.\" until the models change.")
	return nil
}
