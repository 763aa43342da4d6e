package migratecli

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
)

// dbFlag is the --db flag every command takes after its name too, so that
// `migrate up --db URL` works as well as `migrate --db URL up`.
func dbFlag(s *settings) cli.Flag {
	return &cli.StringFlag{
		Name:        "db",
		Usage:       "the database `URL`; overrides the --db given before the command and DATABASE_URL",
		Destination: &s.localDB,
	}
}

// allowDriftFlag is the --allow-drift flag of up, down, redo, status and
// plan.
func allowDriftFlag(s *settings) cli.Flag {
	return &cli.BoolFlag{
		Name:        "allow-drift",
		Usage:       "run despite edited, missing or out-of-order migrations (see status)",
		Destination: &s.allowDrift,
	}
}

// lockTimeoutFlag is the --lock-timeout flag, which sets *d. The app takes
// it before the command, and the commands that take the migration lock
// after it.
func lockTimeoutFlag(d *time.Duration) cli.Flag {
	return &cli.DurationFlag{
		Name:        "lock-timeout",
		Usage:       "give up after waiting `DURATION` (such as 30s) for the migration lock; 0 waits until interrupted",
		Destination: d,
	}
}

// leaseFlag is the --lease flag, which sets *d, taken where
// [lockTimeoutFlag] is.
func leaseFlag(d *time.Duration) cli.Flag {
	return &cli.DurationFlag{
		Name:        "lease",
		Usage:       "serialise runs with a lease of `DURATION` (1s or more) instead of a session lock, for PgBouncer in transaction pooling; SQLite ignores it",
		Destination: d,
	}
}

// lockFlags are the flags that tune how a command takes the migration
// lock, after the command: --lock-timeout and --lease.
func lockFlags(s *settings) []cli.Flag {
	return []cli.Flag{lockTimeoutFlag(&s.localLockTimeout), leaseFlag(&s.localLease)}
}

// formFlags are the flags that choose the form of the statements a
// command runs or prints, and their timeouts.
func formFlags(s *settings) []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{
			Name:        "offline",
			Usage:       "run every change in its plain form, inside the migration's transaction, for a window of downtime (PostgreSQL builds indexes of existing tables CONCURRENTLY otherwise)",
			Destination: &s.offline,
		},
		&cli.DurationFlag{
			Name:        "step-lock-timeout",
			Usage:       "how long each statement waits for a lock before the migration is rolled back and tried again (PostgreSQL lock_timeout; 0: no limit)",
			Value:       runtime.DefaultStepLockTimeout,
			Destination: &s.stepLock,
		},
		&cli.DurationFlag{
			Name:        "step-statement-timeout",
			Usage:       "how long each statement that blocks writes may run (PostgreSQL statement_timeout; 0: no limit)",
			Value:       runtime.DefaultStepStatementTimeout,
			Destination: &s.stepStatement,
		},
	}
}

// formOptions returns the runtime options of the form flags that were
// given; a negative timeout is a usage error.
func (s *settings) formOptions(c *cli.Context) ([]runtime.Option, error) {
	var opts []runtime.Option
	if s.offline {
		opts = append(opts, runtime.WithOffline())
	}
	if c.IsSet("step-lock-timeout") || c.IsSet("step-statement-timeout") {
		if s.stepLock < 0 || s.stepStatement < 0 {
			return nil, usagef(c, "--step-lock-timeout and --step-statement-timeout must not be negative, got %s and %s", s.stepLock, s.stepStatement)
		}
		opts = append(opts, runtime.WithStepTimeouts(s.stepLock, s.stepStatement))
	}
	return opts, nil
}

// flags returns the flags of a command: own, then, when locks is true,
// [lockFlags], then --db.
func flags(s *settings, locks bool, own ...cli.Flag) []cli.Flag {
	if locks {
		own = append(own, lockFlags(s)...)
	}
	return append(own, dbFlag(s))
}

// runOptions returns the runtime options of a command that works on a
// database of dialect d: the command prints each migration applied,
// reverted or faked as soon as it is committed, and the warnings of the
// runtime ([warningLogger]) to its error output. A --lock-timeout or
// --lease out of range is a usage error.
func (s *settings) runOptions(c *cli.Context, d dialect.Dialect) ([]runtime.Option, error) {
	opts := []runtime.Option{
		runtime.WithDialect(d),
		runtime.WithProgress(func(res runtime.Result) { printResult(output(c), res) }),
		runtime.WithLogger(warningLogger(c.App.ErrWriter)),
	}
	if s.allowDrift {
		opts = append(opts, runtime.WithAllowDrift())
	}
	form, err := s.formOptions(c)
	if err != nil {
		return nil, err
	}
	opts = append(opts, form...)
	switch timeout := s.lockTimeout(); {
	case timeout < 0:
		return nil, usagef(c, "--lock-timeout must not be negative, got %s", timeout)
	case timeout > 0:
		opts = append(opts, runtime.WithLockTimeout(timeout))
	}
	switch lease := s.lease(); {
	case lease < 0 || (lease > 0 && lease < time.Second):
		return nil, usagef(c, "--lease must be at least 1s, got %s", lease)
	case lease > 0:
		opts = append(opts, runtime.WithLease(lease))
	}
	return opts, nil
}

// connect opens the database the command works on and returns it with
// the command's runtime options. No database, or a URL that names none, is
// a usage error, as are lock flags out of range; a database that cannot be
// opened is a failure.
func (s *settings) connect(c *cli.Context) (*sql.DB, []runtime.Option, error) {
	url := s.databaseURL()
	t, err := parseURL(url)
	if err != nil {
		return nil, nil, usagef(c, "%w", err)
	}
	d, err := runtime.DialectByName(t.dialect)
	if err != nil {
		return nil, nil, failure(err)
	}
	// Flags first: a usage error should not wait for a connection.
	opts, err := s.runOptions(c, d)
	if err != nil {
		return nil, nil, err
	}
	db, _, err := open(c.Context, url)
	if err != nil {
		return nil, nil, failure(err)
	}
	return db, opts, nil
}

// noArguments returns a usage error when a command that takes no
// arguments was given some; hint, when not "", follows the message.
func noArguments(c *cli.Context, args []string, hint string) error {
	if len(args) == 0 {
		return nil
	}
	if hint != "" {
		hint = " (" + hint + ")"
	}
	return usagef(c, "%s takes no arguments, got %q%s", c.Command.Name, args[0], hint)
}

// oneID returns the migration ID that is the only argument of a command,
// completed from a prefix by resolveID. A wrong count of arguments is a
// usage error, and an ID that names no one migration a failure.
func (s *settings) oneID(c *cli.Context, args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef(c, "%s takes one migration ID, got %d arguments", c.Command.Name, len(args))
	}
	id, err := resolveID(s.m.Migrations(), args[0])
	if err != nil {
		return "", failure(err)
	}
	return id, nil
}

// upCommand is `migrate up`.
func upCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:  "up",
		Usage: "apply every pending migration, or those up to one",
		UsageText: name + " up [--to ID] [--fake-initial] [--single-transaction] [--verify [--ignore PATTERNS]]\n" +
			"   [--allow-drift] [--lock-timeout DURATION] [--lease DURATION] [--db URL]",
		Description: `up applies the pending migrations in order of ID, each in its own
transaction, under a lock that keeps two runs from applying the same
migration; with nothing pending it takes no lock. A run waiting for the
lock says so on stderr after a second, with who holds it, and stops
waiting, with nothing to do, once the run holding it has applied
everything. It prints one line per applied migration, with the time it
took, as each commits, or "nothing to apply". It stops at the first
migration that fails, which is rolled back. SIGINT and SIGTERM roll back
the migration in flight, release the lock and exit 1; a second signal
ends the process at once.

With --to ID it applies the pending migrations up to ID, included, and
stops there. ID may be cut to any prefix that names one migration.

On PostgreSQL a change to a table that exists already runs in its online
form, part by part, like a NonTransactional migration: indexes built
CONCURRENTLY, constraints added NOT VALID and validated apart, NOT NULL
backfilled in batches. Every transaction sets lock_timeout
(--step-lock-timeout, 2s) and statement_timeout (--step-statement-timeout,
1m); a statement that gives up waiting for a lock is rolled back and tried
again, 5 more times with growing pauses, then fails naming who holds the
lock. --offline keeps the plain form, each migration in one transaction.

With --single-transaction it applies them all in one transaction instead:
all of them or, on any failure, none, in the plain form. It refuses a
migration marked NonTransactional then. Given with --fake-initial, the
migrations faked come first, then the rest in one transaction.

With --fake-initial it adopts a database whose tables were made by other
means: each pending migration that creates tables, from the first, is
recorded as applied without being run when all its tables exist, and
printed as "faked ID". The first one whose tables are all missing, and
every one after it, is applied as usual; one whose tables exist in part
stops up before it changes anything.

A migration marked NonTransactional that a run left part way is resumed
from its first statement that did not take effect. A statement run
outside a transaction that was interrupted is settled when the database
tells whether it took effect (PostgreSQL's CREATE and DROP INDEX
CONCURRENTLY: an invalid index left behind is dropped and built again);
otherwise up stops and says how to check it and run resolve.

Before applying anything, up refuses when an applied migration was edited
or removed from the app, or a pending one sorts before an applied one
(see status), unless given --allow-drift. Migrations that a later build
of the app applied, all sorting after this build's last one, are not
drift: up warns about them and succeeds, as a replica of the previous
build must during a rolling deploy.

With --verify it then compares the live schema with the one the applied
migrations declare, as verify does (--ignore as there), and exits 4 with
the differences when they differ.`,
		Flags: append(flags(s, true,
			&cli.StringFlag{
				Name:        "to",
				Usage:       "apply the pending migrations up to `ID` (or a prefix of it), included",
				Destination: &s.to,
			},
			&cli.BoolFlag{
				Name:        "fake-initial",
				Usage:       "record as applied, without running them, the first migrations whose tables all exist already",
				Destination: &s.fakeInitial,
			},
			&cli.BoolFlag{
				Name:        "single-transaction",
				Usage:       "apply all the pending migrations in one transaction: all or none",
				Destination: &s.singleTx,
			},
			&cli.BoolFlag{
				Name:        "verify",
				Usage:       "then compare the live schema with the migrations', as verify does, and exit 4 when they differ",
				Destination: &s.verify,
			},
			ignoreFlag(s),
			allowDriftFlag(s),
		), formFlags(s)...),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if err := noArguments(c, args, ""); err != nil {
				return err
			}
			target := ""
			if c.IsSet("to") {
				id, err := resolveID(s.m.Migrations(), s.to)
				if err != nil {
					return failure(err)
				}
				target = id
			}
			ignore, err := s.ignoreOption(c)
			if err != nil {
				return err
			}
			if ignore != nil && !s.verify {
				return usagef(c, "--ignore is for --verify, which was not given")
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			if s.verify {
				opts = append(append(opts, runtime.WithVerify()), ignore...)
			}
			if s.fakeInitial {
				opts = append(opts, runtime.WithFakeInitial())
			}
			if s.singleTx {
				opts = append(opts, runtime.WithSingleTransaction())
			}
			var results []runtime.Result
			if target != "" {
				results, err = s.m.UpTo(c.Context, db, target, opts...)
			} else {
				results, err = s.m.Up(c.Context, db, opts...)
			}
			if errors.Is(err, runtime.ErrSchemaDrift) {
				return cli.Exit(err, exitDrift)
			}
			if err != nil {
				return failure(err)
			}
			if len(results) == 0 {
				_, _ = fmt.Fprintln(output(c), "nothing to apply")
			}
			return nil
		}),
	}
}

// downCommand is `migrate down [--steps N | --batch | --to ID] [--force]`.
func downCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:  "down",
		Usage: "revert the latest applied migrations",
		UsageText: name + " down [--steps N | --batch | --to ID] [--force] [--allow-drift]\n" +
			"   [--lock-timeout DURATION] [--lease DURATION] [--db URL]",
		Description: `down reverts the migrations applied last, newest first, by running
their Down operations, each in its own transaction: the last one, the
last N with --steps N, those the last run of up applied with --batch, or
every one applied after ID, which stays applied, with --to ID (a prefix
of it will do). --steps, --batch and --to cannot be combined. It prints one
line per reverted migration with the time it took, or "nothing to revert"
when no migration is applied.

down refuses, before it reverts anything, a migration whose Down is marked
irreversible (schema.Irreversible), saying why, unless given --force: then
the rest of its Down runs and its ledger row goes, while what the marker
stands for stays undone. Like up, it refuses to run on drift unless given
--allow-drift.`,
		Flags: append(flags(s, true,
			&cli.IntFlag{
				Name:        "steps",
				Usage:       "revert the last `N` applied migrations",
				Value:       1,
				Destination: &s.steps,
			},
			&cli.BoolFlag{
				Name:        "batch",
				Usage:       "revert the migrations that the last run of up applied",
				Destination: &s.batch,
			},
			&cli.StringFlag{
				Name:        "to",
				Usage:       "revert every migration applied after `ID` (or a prefix of it), which stays applied",
				Destination: &s.to,
			},
			forceFlag(s),
			allowDriftFlag(s),
		), formFlags(s)...),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if err := noArguments(c, args, "to revert N migrations, pass --steps N"); err != nil {
				return err
			}
			given := 0
			for _, f := range []string{"steps", "batch", "to"} {
				if c.IsSet(f) {
					given++
				}
			}
			if given > 1 {
				return usagef(c, "--steps, --batch and --to cannot be combined: pass one of them")
			}
			if s.steps < 1 {
				return usagef(c, "--steps must be at least 1, got %d", s.steps)
			}
			target := ""
			if c.IsSet("to") {
				id, err := resolveID(s.m.Migrations(), s.to)
				if err != nil {
					return failure(err)
				}
				target = id
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			if s.force {
				opts = append(opts, runtime.WithForce())
			}
			var results []runtime.Result
			switch {
			case s.batch:
				results, err = s.m.DownBatch(c.Context, db, opts...)
			case target != "":
				results, err = s.m.DownTo(c.Context, db, target, opts...)
			default:
				results, err = s.m.Down(c.Context, db, s.steps, opts...)
			}
			if err != nil && !errors.Is(err, runtime.ErrNothingToRevert) {
				return failure(err)
			}
			if len(results) == 0 {
				_, _ = fmt.Fprintln(output(c), "nothing to revert")
			}
			return nil
		}),
	}
}

// forceFlag is the --force flag of down and redo.
func forceFlag(s *settings) cli.Flag {
	return &cli.BoolFlag{
		Name:        "force",
		Usage:       "revert a migration whose Down is marked irreversible, skipping the marker",
		Destination: &s.force,
	}
}

// redoCommand is `migrate redo`.
func redoCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:  "redo",
		Usage: "revert the last applied migration and apply it again",
		UsageText: name + " redo [--force] [--allow-drift] [--lock-timeout DURATION] [--lease DURATION]\n" +
			"   [--db URL]",
		Description: `redo reverts the last applied migration and applies it again, under one
hold of the migration lock: the round trip to try while writing a
migration's Down. It prints the reverted line, then the applied one, or
"nothing to redo" when no migration is applied. Like down, it refuses an
irreversible migration unless given --force, and drift unless given
--allow-drift.`,
		Flags:           append(flags(s, true, forceFlag(s), allowDriftFlag(s)), formFlags(s)...),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if err := noArguments(c, args, ""); err != nil {
				return err
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			if s.force {
				opts = append(opts, runtime.WithForce())
			}
			results, err := s.m.Redo(c.Context, db, opts...)
			if errors.Is(err, runtime.ErrNothingToRevert) && len(results) == 0 {
				_, _ = fmt.Fprintln(output(c), "nothing to redo")
				return nil
			}
			return failure(err)
		}),
	}
}

// sqlCommand is `migrate sql ID [--dialect NAME] [--down]`.
func sqlCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "sql",
		Usage:     "print the SQL a migration runs",
		UsageText: name + " sql ID [--dialect postgres|sqlite] [--down] [--db URL]",
		ArgsUsage: "ID",
		Description: `sql prints the statements that migration ID runs on a dialect, each
ending with ';', and a '-- Go step (operation N)' comment for each step
written in Go, N counting the migration's operations from 1: each
transaction between BEGIN; and COMMIT;, with the SET LOCAL lines of its
timeouts (--step-lock-timeout, --step-statement-timeout), a statement run
outside any transaction after a comment saying so, and above each
statement a comment saying what it locks. --offline prints the plain
form. It connects to no database. The dialect is --dialect or, without it, the one of
--db (or DATABASE_URL). ID may be cut to any prefix that names one
migration, such as 0002.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{
				Name:        "dialect",
				Usage:       "the `NAME` of the dialect to render for: postgres or sqlite",
				Destination: &s.dialect,
			},
			&cli.BoolFlag{
				Name:        "down",
				Usage:       "print the statements that revert the migration instead",
				Destination: &s.down,
			},
			dbFlag(s),
		}, formFlags(s)...),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if len(args) != 1 {
				return usagef(c, "sql takes one migration ID, got %d arguments", len(args))
			}
			d, err := s.sqlDialect(c)
			if err != nil {
				return err
			}
			id, err := s.oneID(c, args)
			if err != nil {
				return err
			}
			form, err := s.formOptions(c)
			if err != nil {
				return err
			}
			if o, ok := d.(dialect.Offliner); ok && s.offline {
				d = o.Offline()
			}
			steps, err := s.m.SQL(id, d, s.down)
			if err != nil {
				return failure(err)
			}
			parts, err := runtime.Parts(d, steps, s.nonTransactional(id), form...)
			if err != nil {
				return failure(err)
			}
			printSQL(output(c), id, d.Name(), s.down, parts)
			return nil
		}),
	}
}

// sqlDialect returns the dialect the sql command renders for: --dialect, or
// the one --db names.
func (s *settings) sqlDialect(c *cli.Context) (dialect.Dialect, error) {
	name := s.dialect
	if name == "" {
		url := s.databaseURL()
		if url == "" {
			return nil, usagef(c, "no dialect: pass --dialect postgres|sqlite, or --db URL to use its dialect")
		}
		t, err := parseURL(url)
		if err != nil {
			return nil, usagef(c, "%w", err)
		}
		name = t.dialect
	}
	d, err := runtime.DialectByName(name)
	if errors.Is(err, runtime.ErrNoDialect) {
		return nil, usagef(c, "unknown dialect %q: use postgres or sqlite", name)
	}
	if err != nil {
		return nil, usagef(c, "%w", err)
	}
	return d, nil
}

// nonTransactional reports whether migration id is marked
// NonTransactional.
func (s *settings) nonTransactional(id string) bool {
	for _, m := range s.m.Migrations() {
		if m.ID == id {
			return m.NonTransactional
		}
	}
	return false
}

// resolveID returns the ID of the one migration whose ID is id or starts
// with it.
func resolveID(migrations []runtime.Migration, id string) (string, error) {
	if id == "" {
		return "", errors.New("empty migration ID: name a migration, or a prefix of its ID such as 0002")
	}
	var matches, known []string
	for _, m := range migrations {
		if m.ID == id {
			return id, nil
		}
		if strings.HasPrefix(m.ID, id) {
			matches = append(matches, m.ID)
		}
		known = append(known, m.ID)
	}
	switch {
	case len(matches) == 1:
		return matches[0], nil
	case len(matches) > 1:
		return "", fmt.Errorf("migration ID %q is ambiguous: it starts %s", id, strings.Join(matches, ", "))
	case len(known) == 0:
		return "", fmt.Errorf("unknown migration %q: there are no migrations", id)
	default:
		return "", fmt.Errorf("unknown migration %q: the migrations are %s", id, strings.Join(known, ", "))
	}
}

// printResult prints the line of a migration applied, reverted, or faked
// (recorded as applied without being run): "applied ID (DURATION)",
// "reverted ID (DURATION)" or "faked ID". The commands print it through
// [runtime.WithProgress], as soon as the migration is committed.
func printResult(w io.Writer, r runtime.Result) {
	switch {
	case r.Faked:
		_, _ = fmt.Fprintf(w, "faked %s\n", r.ID)
	case r.Down:
		_, _ = fmt.Fprintf(w, "reverted %s (%s)\n", r.ID, roundDuration(r.Duration))
	default:
		_, _ = fmt.Fprintf(w, "applied %s (%s)\n", r.ID, roundDuration(r.Duration))
	}
}

// roundDuration keeps the digits of d worth reading.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

// printSQL prints the parts of a migration as SQL, after a comment naming
// the migration.
func printSQL(w io.Writer, id, dialectName string, down bool, parts []runtime.Part) {
	direction := "up"
	if down {
		direction = "down"
	}
	_, _ = fmt.Fprintf(w, "-- %s (%s, %s)\n", id, direction, dialectName)
	printParts(w, parts)
}

// printParts prints the parts of a migration as [runtime.Script] writes
// them.
func printParts(w io.Writer, parts []runtime.Part) {
	_, _ = io.WriteString(w, runtime.Script(parts))
}
