package migratecli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/runtime"
)

// resolveCommand is `migrate resolve ID (--done | --retry)`.
func resolveCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "resolve",
		Usage:     "record whether an interrupted statement took effect",
		UsageText: name + " resolve ID (--done | --retry) [--lock-timeout DURATION] [--lease DURATION] [--db URL]",
		ArgsUsage: "ID",
		Description: `A migration marked NonTransactional runs its statements one by one, and
some, such as PostgreSQL's CREATE INDEX CONCURRENTLY, outside any
transaction. When a run is interrupted during such a statement (a crash,
a lost connection), the next run asks the database whether it took
effect; for PostgreSQL's CREATE and DROP INDEX CONCURRENTLY the catalogue
tells, and up settles the statement by itself. For any other statement
nobody can tell: up (or down) stops, and status marks the migration
"interrupted", until you check the database and tell strata what you
found:

  --done   the statement took effect: the next run goes on after it
  --retry  it did not: the next run runs it again

Give exactly one. resolve then prints what it recorded; run up (or down)
again to finish the migration. ID may be cut to any prefix that names one
migration. resolve fails when the migration has no interrupted statement.`,
		Flags: flags(s, true,
			&cli.BoolFlag{
				Name:        "done",
				Usage:       "the interrupted statement took effect",
				Destination: &s.done,
			},
			&cli.BoolFlag{
				Name:        "retry",
				Usage:       "the interrupted statement did not take effect: run it again",
				Destination: &s.retry,
			},
		),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if s.done == s.retry {
				return usagef(c, "resolve takes exactly one of --done (the interrupted statement took effect) and --retry (it did not)")
			}
			id, err := s.oneID(c, args)
			if err != nil {
				return err
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			how, what := runtime.StatementRetry, "the next run runs the interrupted statement again"
			if s.done {
				how, what = runtime.StatementDone, "the next run goes on after the interrupted statement"
			}
			if err := s.m.Resolve(c.Context, db, id, how, opts...); err != nil {
				return failure(err)
			}
			_, _ = fmt.Fprintf(output(c), "resolved %s: %s\n", id, what)
			return nil
		}),
	}
}
