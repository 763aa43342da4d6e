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

// allowDriftFlag is the --allow-drift flag of up, down and status.
func allowDriftFlag(s *settings) cli.Flag {
	return &cli.BoolFlag{
		Name:        "allow-drift",
		Usage:       "run despite edited, missing or out-of-order migrations (see status)",
		Destination: &s.allowDrift,
	}
}

// runOptions returns the runtime options of a command that works on a
// database of dialect d.
func (s *settings) runOptions(d dialect.Dialect) []runtime.Option {
	opts := []runtime.Option{runtime.WithDialect(d)}
	if s.allowDrift {
		opts = append(opts, runtime.WithAllowDrift())
	}
	return opts
}

// upCommand is `migrate up`.
func upCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "up",
		Usage:     "apply every pending migration",
		UsageText: name + " up [--allow-drift] [--db URL]",
		Description: `up applies the pending migrations in order of ID, each in its own
transaction, under a lock that keeps two runs from applying the same
migration; with nothing pending it takes no lock. It prints one line per
applied migration with the time it took, or "nothing to apply". It stops at
the first migration that fails, which is rolled back.

Before applying anything, up refuses when an applied migration was edited
or removed from the app, or a pending one sorts before an applied one
(see status), unless given --allow-drift.`,
		Flags:           []cli.Flag{allowDriftFlag(s), dbFlag(s)},
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if len(args) > 0 {
				return usagef(c, "up takes no arguments, got %q", args[0])
			}
			db, d, err := s.open(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			results, err := s.m.Up(c.Context, db, s.runOptions(d)...)
			printResults(output(c), "applied", results)
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

// downCommand is `migrate down [--steps N]`.
func downCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "down",
		Usage:     "revert the latest applied migrations",
		UsageText: name + " down [--steps N] [--allow-drift] [--db URL]",
		Description: `down reverts the migrations applied last, newest first, by running
their Down operations. It prints one line per reverted migration with the
time it took, or "nothing to revert" when no migration is applied. Like up,
it refuses to run on drift unless given --allow-drift.`,
		Flags: []cli.Flag{
			&cli.IntFlag{
				Name:        "steps",
				Usage:       "revert the last `N` applied migrations",
				Value:       1,
				Destination: &s.steps,
			},
			allowDriftFlag(s),
			dbFlag(s),
		},
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if len(args) > 0 {
				return usagef(c, "down takes no arguments, got %q (to revert N migrations, pass --steps N)", args[0])
			}
			if s.steps < 1 {
				return usagef(c, "--steps must be at least 1, got %d", s.steps)
			}
			db, d, err := s.open(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			results, err := s.m.Down(c.Context, db, s.steps, s.runOptions(d)...)
			printResults(output(c), "reverted", results)
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

// sqlCommand is `migrate sql ID [--dialect NAME] [--down]`.
func sqlCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "sql",
		Usage:     "print the SQL a migration runs",
		UsageText: name + " sql ID [--dialect postgres|sqlite] [--down] [--db URL]",
		ArgsUsage: "ID",
		Description: `sql prints the statements that migration ID runs on a dialect, each
ending with ';', and a '-- Go step' comment for each step written in Go. It
connects to no database. The dialect is --dialect or, without it, the one of
--db (or DATABASE_URL). ID may be cut to any prefix that names one
migration, such as 0002.`,
		Flags: []cli.Flag{
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
		},
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
			id, err := resolveID(s.m.Migrations(), args[0])
			if err != nil {
				return failure(err)
			}
			steps, err := s.m.SQL(id, d, s.down)
			if err != nil {
				return failure(err)
			}
			printSQL(output(c), id, d.Name(), s.down, steps)
			return nil
		}),
	}
}

// open opens the database the command works on. No database, or a URL
// that names none, is a usage error; a database that cannot be opened is a
// failure.
func (s *settings) open(c *cli.Context) (*sql.DB, dialect.Dialect, error) {
	url := s.databaseURL()
	if _, err := parseURL(url); err != nil {
		return nil, nil, usagef(c, "%w", err)
	}
	db, d, err := open(c.Context, url)
	if err != nil {
		return nil, nil, failure(err)
	}
	return db, d, nil
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

// resolveID returns the ID of the one migration whose ID is id or starts
// with it.
func resolveID(migrations []runtime.Migration, id string) (string, error) {
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

// printResults prints one line per applied or reverted migration.
func printResults(w io.Writer, verb string, results []runtime.Result) {
	for _, r := range results {
		_, _ = fmt.Fprintf(w, "%s %s (%s)\n", verb, r.ID, roundDuration(r.Duration))
	}
}

// roundDuration keeps the digits of d worth reading.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

// printSQL prints the steps of a migration as SQL, after a comment naming
// the migration.
func printSQL(w io.Writer, id, dialectName string, down bool, steps []dialect.Step) {
	direction := "up"
	if down {
		direction = "down"
	}
	_, _ = fmt.Fprintf(w, "-- %s (%s, %s)\n", id, direction, dialectName)
	if len(steps) == 0 {
		_, _ = fmt.Fprintln(w, "-- no statements")
	}
	for _, st := range steps {
		if st.Go != nil {
			_, _ = fmt.Fprintln(w, "-- Go step")
			continue
		}
		stmt := strings.TrimSuffix(strings.TrimSpace(st.SQL), ";")
		_, _ = fmt.Fprintf(w, "%s;\n", stmt)
	}
}
