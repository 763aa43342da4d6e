package migratecli

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
)

// planCommand is `migrate plan`.
func planCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "print the SQL that up would run, changing nothing",
		UsageText: name + " plan [--allow-drift] [--db URL]",
		Description: `plan prints, for each migration that up would apply now, in order, a
line "-- ID" ("-- ID (non-transactional)" for a migration that runs part
by part: marked NonTransactional, or holding an online change on
PostgreSQL), then its statements rendered for the database's dialect as
sql prints them: each transaction between BEGIN; and COMMIT; with the
SET LOCAL lines of its timeouts, each statement after a comment saying
what it locks, and a '-- Go step (operation N)' comment for each step
written in Go; "nothing to apply" when no migration is pending. On
MySQL, where each DDL statement commits on its own, two comment lines
first say that such a migration runs statement by statement and resumes
where it stopped. It changes nothing, creates nothing and takes no lock. A
migration that a run left part way is printed whole. Like up, it refuses
to run on drift unless given --allow-drift.`,
		Flags:           flags(s, false, append(formFlags(s), allowDriftFlag(s))...),
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
			plan, err := s.m.Plan(c.Context, db, opts...)
			if err != nil {
				return failure(err)
			}
			t, _ := parseURL(s.databaseURL()) // connect read it already
			d, _ := runtime.DialectByName(t.dialect)
			if _, ok := d.(dialect.AtomicDDL); ok && len(plan) > 0 {
				_, _ = fmt.Fprintf(output(c), "-- %s commits each DDL statement on its own: a migration holding one runs statement by statement,\n"+
					"-- its progress recorded as each commits, so that up resumes a failed or interrupted one at the statement it stopped at\n", d.Name())
			}
			printPlan(output(c), plan)
			return nil
		}),
	}
}

// printPlan prints each planned migration as a comment naming it, then
// its steps, or "nothing to apply".
func printPlan(w io.Writer, plan []runtime.Planned) {
	if len(plan) == 0 {
		_, _ = fmt.Fprintln(w, "nothing to apply")
	}
	for _, p := range plan {
		note := ""
		if p.NonTransactional {
			note = " (non-transactional)"
		}
		_, _ = fmt.Fprintf(w, "-- %s%s\n", p.ID, note)
		printParts(w, p.Parts)
	}
}
