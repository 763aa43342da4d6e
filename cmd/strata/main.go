// Command strata generates database migrations from Go model structs.
//
// Usage:
//
//	strata init [--migrations DIR] [--models DIR] [--force]
//	strata makemigrations --models PATTERN [--dir DIR] [--name NAME] [--force] [--dry-run | --check] [-v]
//	strata makemigrations --empty [--name NAME] [--dir DIR]
//	strata makemigrations --undo [--dir DIR]
//	strata check --models PATTERN [--dir DIR]
//	strata inspect [--db URL] [--tables a,b] [--out DIR [--force]]
//	strata adopt [--dir DIR]
//	strata adopt --db URL [--dir DIR] [--models-dir DIR] [--tables a,b] [--force]
//	strata rebase --models PATTERN [--dir DIR] [--onto REF]
//
// init scaffolds a module once: migrations/generate.go (the package doc, the
// //go:generate line and the Migrator variable) and cmd/migrate/main.go (the
// command that applies migrations), and prints the Makefile targets to add.
//
// makemigrations, usually run by go generate in the migrations directory,
// compares the model structs with migrations/schema_snapshot.go and writes
// the difference as a new migration file, plus the updated snapshot. With no
// difference it writes nothing and says "No changes.". --empty writes a
// migration for hand-written steps instead; --undo removes the latest
// migration it wrote. STRATA_FORCE=1 and STRATA_NAME=NAME stand for --force
// and --name, which go generate cannot pass.
//
// check verifies without a database that the models, the migrations and the
// snapshot agree, for CI. inspect writes model structs for the schema of a
// live database. adopt rebuilds the snapshot from the migrations, replayed
// from their source; adopt --db starts the history of a live database
// strata did not create: its models, 0001_initial and the snapshot. rebase, after merging another branch, puts
// this branch's migrations after the other's.
//
// Exit codes: 0 success; 1 failure; 2 usage error; 3 under makemigrations
// --check and check, when the models differ from the snapshot (a migration
// is missing), destructive changes included; 4 under check, when the
// migrations directory disagrees with itself.
//
// Run strata help COMMAND for every flag of a command.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// Exit codes, as the package doc lists them.
const (
	exitFailure      = 1
	exitUsage        = 2
	exitPending      = 3
	exitInconsistent = 4
)

func main() {
	app := newApp()
	if err := app.Run(os.Args); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(app.ErrWriter, "strata:", shown(msg))
		}
		os.Exit(exitCode(err))
	}
}

// exitCode maps an error from the app to the process's exit code.
func exitCode(err error) int {
	var coder cli.ExitCoder
	if errors.As(err, &coder) {
		return coder.ExitCode()
	}
	return exitFailure
}

func newApp() *cli.App {
	return &cli.App{
		Name:  "strata",
		Usage: "generate database migrations from Go model structs",
		Description: "strata reads model structs (marked //strata:table), compares them with the\n" +
			"snapshot of the last migration, and writes the difference as a Go migration file\n" +
			"that the app applies with its Migrator or with go run ./cmd/migrate.",
		Commands:       []*cli.Command{initCommand(), makeMigrationsCommand(), checkCommand(), inspectCommand(), adoptCommand(), rebaseCommand(), squashCommand()},
		ExitErrHandler: func(*cli.Context, error) {}, // main prints and exits
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit(err.Error(), exitUsage)
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return cli.Exit(fmt.Sprintf("unknown command %q; run strata --help", c.Args().First()), exitUsage)
			}
			return cli.ShowAppHelp(c)
		},
	}
}
