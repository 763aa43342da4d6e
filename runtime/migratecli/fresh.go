package migratecli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/runtime"
)

// freshCommand is `migrate fresh --yes [--non-production]`.
func freshCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:  "fresh",
		Usage: "drop everything in a test database and apply every migration",
		UsageText: name + " fresh --yes [--non-production] [--lock-timeout DURATION] [--lease DURATION]\n" +
			"   [--db URL]",
		Description: `fresh drops everything in the database (PostgreSQL's current schema,
SQLite's main database): its tables with their data, the ledger included,
and its views, sequences, types and functions; then it applies every
migration, as up does, printing one line per migration. It is for test and
development databases, and asks for --yes.

It refuses, changing nothing, a database whose URL does not mark it as
non-production, unless given --non-production. A URL marks it when the
database is an in-memory SQLite one, or when the SQLite file's name
(without directory or extension) or the PostgreSQL database's name holds,
as a word bounded by _, -, . or its ends, in any case, one of: test,
tests, dev, development, local, ci, scratch, tmp, temp. So app_test,
dev.db, test and myapp-dev are marked; app, latest.db and /tmp/app.db
are not.`,
		Flags: flags(s, true,
			&cli.BoolFlag{
				Name:        "yes",
				Usage:       "confirm that everything in the database may be dropped",
				Destination: &s.yes,
			},
			&cli.BoolFlag{
				Name:        "non-production",
				Usage:       "state that the database is not a production one, whatever its name",
				Destination: &s.nonProd,
			},
		),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if err := noArguments(c, args, ""); err != nil {
				return err
			}
			if !s.yes {
				return usagef(c, "fresh drops every table, with its data, and everything else in the database, then applies every migration: pass --yes to confirm")
			}
			url := s.databaseURL()
			if _, err := parseURL(url); err != nil {
				return usagef(c, "%w", err)
			}
			if !s.nonProd && !nonProduction(url) {
				return failure(fmt.Errorf("%w: the name of %s does not mark it as a test or development database "+
					"(such as app_test, dev.db or myapp-dev; see migrate fresh --help); "+
					"if it is not a production database, pass --non-production", runtime.ErrProduction, Redact(url)))
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			results, err := s.m.Fresh(c.Context, db, append(opts, runtime.WithNonProduction())...)
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
