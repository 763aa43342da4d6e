package migratecli

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// fakeCommand is `migrate fake ID`.
func fakeCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "fake",
		Usage:     "record one migration as applied without running it",
		UsageText: name + " fake ID [--lock-timeout DURATION] [--lease DURATION] [--db URL]",
		ArgsUsage: "ID",
		Description: `fake records migration ID as applied without running it, for a database
where its changes were made by other means: by hand, by another tool, or
by a run of it that cannot be resumed (its progress, if a run left it part
way, goes too). It prints "faked ID". ID may be cut to any prefix that
names one migration. It fails when the migration is applied already. It
takes the migration lock but, being a way out of drift, does not refuse
on it.`,
		Flags:           flags(s, true),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			id, err := s.oneID(c, args)
			if err != nil {
				return err
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			// The faked line prints as the migration is recorded.
			_, err = s.m.Fake(c.Context, db, id, opts...)
			return failure(err)
		}),
	}
}

// baselineCommand is `migrate baseline ID`.
func baselineCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "baseline",
		Usage:     "record the pending migrations up to one as applied, running none",
		UsageText: name + " baseline ID [--lock-timeout DURATION] [--lease DURATION] [--db URL]",
		ArgsUsage: "ID",
		Description: `baseline records every pending migration up to ID, included, as applied
without running any, in one transaction, for adopting a database whose
schema already matches them. It prints one "faked ID" line per migration
it records, or "nothing to record" when every migration up to ID is
applied. ID may be cut to any prefix that names one migration. Like fake,
it does not refuse on drift.`,
		Flags:           flags(s, true),
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			id, err := s.oneID(c, args)
			if err != nil {
				return err
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			results, err := s.m.Baseline(c.Context, db, id, opts...)
			if err != nil {
				return failure(err)
			}
			if len(results) == 0 {
				_, _ = fmt.Fprintln(output(c), "nothing to record")
			}
			return nil
		}),
	}
}
