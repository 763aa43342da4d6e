// Package migratecli is the command line an app mounts over its migrations:
// the last link of strata's pipeline, after the generator has written the
// migrations package and the runtime can apply it.
//
// strata init writes the app's cmd/migrate/main.go as
//
//	package main
//
//	import (
//		"example.com/app/migrations"
//
//		"github.com/strata-go/strata/runtime/migratecli"
//		_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL; remove if unused
//		_ "modernc.org/sqlite"             // SQLite; remove if unused
//	)
//
//	func main() { migratecli.Main(migrations.Migrator) }
//
// and the app runs it as
//
//	go run ./cmd/migrate [--db URL] [--lock-timeout D] [--lease D] <command> [flags]
//
// with the commands
//
//   - up [--to ID] [--fake-initial] [--single-transaction] [--verify]:
//     apply the pending migrations, all or up to ID, then verify;
//   - down [--steps N | --batch | --to ID] [--force]: revert the last N
//     migrations, the last batch, or those after ID;
//   - redo: revert the last migration and apply it again;
//   - status [--json]: list every migration, with drift and the progress of
//     a migration a run left part way;
//   - verify [--json] [--ignore PATTERNS]: compare the live schema with the
//     one the applied migrations declare, a line per difference;
//   - plan: print the SQL that up would run, changing nothing;
//   - sql ID [--dialect D] [--down]: print the SQL of one migration, without
//     a database;
//   - fake ID and baseline ID: record one migration, or every pending one up
//     to ID, as applied without running them;
//   - resolve ID (--done | --retry): say what became of the statement an
//     interrupted non-transactional migration was running;
//   - fresh --yes [--non-production]: drop everything and apply every
//     migration, on a database named as a test or development one.
//
// The database is --db or, by default, the DATABASE_URL environment
// variable: postgres:// or postgresql:// for PostgreSQL, sqlite:PATH or a
// file: URI for SQLite. --db, --lock-timeout and --lease may come before
// the command or after it. Exit codes are 0 on success, 1 when a command
// fails, 2 on a usage error and 4 when verify (or up --verify) finds the
// live schema differs from the migrations'.
//
// The commands that apply, revert or fake migrations print each one's line
// as soon as it is committed, and the warnings of the runtime, such as a
// wait for the migration lock, on the error output. A password typed
// anywhere on the command line or in DATABASE_URL, in a URL (with or
// without "//" after its scheme, escaped or not) or as a password=
// setting, is never printed: it shows as "xxxxx". SIGINT and SIGTERM stop
// the command in flight as [Main] says.
//
// The package imports no database driver: the app imports the ones it uses,
// and [Open] tells it which import is missing.
package migratecli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/runtime"
)

// Exit codes of [Main].
const (
	exitFailure = 1 // a command failed
	exitUsage   = 2 // the command line is wrong
)

// name is the program name used in help and error messages. It is fixed
// because `go run` gives the binary a temporary name.
const name = "migrate"

// settings holds what the flags of one run of the app set.
type settings struct {
	m *runtime.Migrator
	// secrets are the passwords the run must not print: those of its
	// arguments and of DATABASE_URL.
	secrets  scrubber
	globalDB string // --db before the command, or DATABASE_URL
	localDB  string // --db after the command
	// The --lock-timeout and --lease given before the command, and after
	// it; zero when not given.
	globalLockTimeout, localLockTimeout time.Duration
	globalLease, localLease             time.Duration

	to      string // up --to, down --to
	steps   int    // down --steps
	batch   bool   // down --batch
	force   bool   // down --force, redo --force
	dialect string // sql --dialect
	down    bool   // sql --down
	// allowDrift is the --allow-drift of up, down, redo, status and plan.
	allowDrift  bool
	json        bool   // status --json, verify --json
	ignore      string // verify --ignore, up --ignore
	verify      bool   // up --verify
	fakeInitial bool   // up --fake-initial
	singleTx    bool   // up --single-transaction
	yes         bool   // fresh --yes
	nonProd     bool   // fresh --non-production
	done, retry bool   // resolve --done, resolve --retry
	// offline, stepLock and stepStatement are --offline,
	// --step-lock-timeout and --step-statement-timeout.
	offline                 bool
	stepLock, stepStatement time.Duration
}

// databaseURL returns the URL of the database the command works on, or "".
func (s *settings) databaseURL() string {
	if s.localDB != "" {
		return s.localDB
	}
	return s.globalDB
}

// lockTimeout returns the --lock-timeout the command works with: the one
// after it, or else the one before it; zero when neither was given.
func (s *settings) lockTimeout() time.Duration {
	if s.localLockTimeout != 0 {
		return s.localLockTimeout
	}
	return s.globalLockTimeout
}

// lease returns the --lease the command works with, as lockTimeout does.
func (s *settings) lease() time.Duration {
	if s.localLease != 0 {
		return s.localLease
	}
	return s.globalLease
}

// App returns the command-line app for m. It writes what commands print to
// app.Writer and errors and the runtime's warnings, as "migrate:
// <message>", to app.ErrWriter, hiding from both every password found in
// the run's arguments and in DATABASE_URL, even when app.Writer and
// app.ErrWriter are set after App returns; a failure is returned by
// app.RunContext as an error that implements [cli.ExitCoder], with exit
// code 2 for a usage error and 1 otherwise. App never exits the process;
// [Main] does.
//
// Each call returns a new app, which runs once.
func App(m *runtime.Migrator) *cli.App {
	s := &settings{m: m}
	return &cli.App{
		Name:      name,
		HelpName:  name,
		Usage:     "apply and inspect the app's database migrations",
		UsageText: name + " [--db URL] [--lock-timeout DURATION] [--lease DURATION] <command> [flags]",
		Description: `The database is --db URL, or DATABASE_URL when --db is not given:
postgres://user:password@host:5432/db or postgresql://... for PostgreSQL,
sqlite:PATH or a file: URI (file:app.db?mode=rwc) for SQLite. --db may come
before or after the command. Passwords in URLs are never printed.

--lock-timeout and --lease tune how the commands that change the database
(up, down, redo, fake, baseline, resolve and fresh) take the migration
lock; they too may come before or after the command, and after it they
override the ones before it.

Exit codes: 0 on success, 1 when a command fails, 2 on a usage error, 4
when verify (or up --verify) finds the live schema differs from the
migrations'.`,
		// With a help command of its own, the app gets no --help flag from
		// urfave/cli: it lists cli.HelpFlag itself.
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "db",
				Usage:       "the database `URL` (" + acceptedURLs + ")",
				EnvVars:     []string{"DATABASE_URL"},
				Destination: &s.globalDB,
			},
			lockTimeoutFlag(&s.globalLockTimeout),
			leaseFlag(&s.globalLease),
			cli.HelpFlag,
		},
		Commands: []*cli.Command{
			upCommand(s),
			downCommand(s),
			redoCommand(s),
			statusCommand(s),
			verifyCommand(s),
			planCommand(s),
			sqlCommand(s),
			fakeCommand(s),
			baselineCommand(s),
			resolveCommand(s),
			freshCommand(s),
			helpCommand(),
		},
		Before:         s.before,
		Action:         rootAction,
		OnUsageError:   onUsageError,
		ExitErrHandler: s.printError,
		Writer:         &scrubWriter{w: os.Stdout, sc: &s.secrets},
		ErrWriter:      &scrubWriter{w: os.Stderr, sc: &s.secrets},
	}
}

// Main runs [App](m) on os.Args and exits with its code: 0, 1 on failure,
// 2 on a usage error (unknown command or flag, missing --db).
//
// An interrupt (Ctrl-C, SIGINT) or a SIGTERM, which Kubernetes, systemd
// and docker stop send, cancels the context the running command works
// under: the runtime rolls back the migration in flight and releases the
// migration lock, and the command prints what it did and the error it
// stopped with, which names the signal, and exits 1. From the first
// signal on, the signals have their default behaviour again: a second one
// ends the process at once.
func Main(m *runtime.Migrator) {
	ctx, stop := withStopSignals(context.Background())
	err := App(m).RunContext(ctx, os.Args)
	stop()
	os.Exit(exitCode(err))
}

// exitCode is the process exit code for the error an app run returned.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var coder cli.ExitCoder
	if errors.As(err, &coder) {
		return coder.ExitCode()
	}
	return exitFailure
}

// usageError is a wrong command line. It exits with code 2, and its message
// is followed by where to read the usage.
type usageError struct {
	err  error
	help string // the command that shows the usage, such as "migrate up --help"
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }
func (e *usageError) ExitCode() int { return exitUsage }

// usagef returns a usage error for the command of c.
func usagef(c *cli.Context, format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), help: c.Command.HelpName + " --help"}
}

// failure makes err exit with code 1.
func failure(err error) error {
	if err == nil {
		return nil
	}
	return cli.Exit(err, exitFailure)
}

// before runs once the flags before the command are read, before the
// command runs or shows its help: it collects the passwords of the run's
// arguments and of DATABASE_URL, and makes the app print through
// [scrubWriter]s that hide them. (Only the app's own help, for a --help
// before the command, shows earlier; it holds nothing the user typed.)
func (s *settings) before(c *cli.Context) error {
	s.secrets.collect(c.Args().Slice()...)
	s.secrets.collect(s.globalDB, os.Getenv("DATABASE_URL"))
	s.scrubOutput(c.App)
	return nil
}

// scrubOutput makes app write through [scrubWriter]s with the secrets of
// s, unless it does already. The app starts with them, but whoever runs it
// may have set its writers since, as tests do.
func (s *settings) scrubOutput(app *cli.App) {
	for _, w := range []*io.Writer{&app.Writer, &app.ErrWriter} {
		if sw, ok := (*w).(*scrubWriter); !ok || sw.sc != &s.secrets {
			*w = &scrubWriter{w: *w, sc: &s.secrets}
		}
	}
}

// onUsageError turns a flag the app or a command cannot parse into a usage
// error, so that it is printed once, like every other error.
func onUsageError(c *cli.Context, err error, _ bool) error {
	return usagef(c, "%w", err)
}

// printError writes err to the app's error output, with no password in it,
// after the signal that stopped the command if one did. urfave/cli calls it
// once for the error a run ends with, and with nil after each command.
func (s *settings) printError(c *cli.Context, err error) {
	if err == nil {
		return
	}
	// A flag before the command that does not parse fails the run before
	// the arguments are collected.
	s.scrubOutput(c.App)
	msg := err.Error()
	var stopped *stoppedError
	if errors.As(context.Cause(c.Context), &stopped) {
		msg = stopped.Error() + ": " + msg
	}
	w := c.App.ErrWriter
	_, _ = fmt.Fprintf(w, "%s: %s\n", name, s.secrets.scrubMessage(msg))
	var usage *usageError
	if errors.As(err, &usage) {
		_, _ = fmt.Fprintf(w, "Run '%s' for usage.\n", usage.help)
	}
}

// rootAction runs when no command is named, or an unknown one.
func rootAction(c *cli.Context) error {
	if c.Args().Present() {
		return usagef(c, "unknown command %q: the commands are %s", c.Args().First(), commandNames(c.App))
	}
	_ = cli.ShowAppHelp(c)
	return usagef(c, "no command given: use one of %s", commandNames(c.App))
}

// commandNames lists the visible commands of app, in order.
func commandNames(app *cli.App) string {
	var names []string
	for _, cmd := range app.VisibleCommands() {
		names = append(names, cmd.Name)
	}
	return strings.Join(names, ", ")
}

// helpCommand replaces urfave/cli's help command, which exits with code 3
// for an unknown topic, by one that makes it a usage error.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     "show the commands, or the help of one command",
		ArgsUsage: "[command]",
		HideHelp:  true,
		Action: func(c *cli.Context) error {
			parent := c.Lineage()[1]
			if !c.Args().Present() {
				return cli.ShowAppHelp(parent)
			}
			topic := c.Args().First()
			if parent.App.Command(topic) == nil {
				return usagef(parent, "no help for %q: the commands are %s", topic, commandNames(parent.App))
			}
			return cli.ShowCommandHelp(parent, topic)
		},
	}
}

// output returns where the command of c prints its results.
func output(c *cli.Context) io.Writer { return c.App.Writer }
