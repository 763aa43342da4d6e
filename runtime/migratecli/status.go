package migratecli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/runtime"
)

// statusCommand is `migrate status [--json] [--allow-drift]`.
func statusCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "list every migration, applied or pending",
		UsageText: name + " status [--json] [--allow-drift] [--db URL]",
		Description: `status prints a table of every migration in order, each with a marker:
  [X] applied, with when (UTC) and in which batch
  [ ] pending
  [!] applied, but missing from this app
  [?] pending, but sorting before an applied migration
  [~] applied, but edited since (its checksum differs)
  [>] applied by a later build of the app, which this one leaves alone
then the count of each. It changes nothing and takes no lock. It exits 0
whether or not migrations are pending, and 1 when a migration is marked
[!], [?] or [~] (drift, which up and down refuse), unless given
--allow-drift. [>] is not drift: a replica of the previous build meets
it during a rolling deploy, and its up succeeds with nothing to do.

With --json it prints instead one JSON object:
  {"migrations": [{"id": "0001_create_users", "state": "applied",
    "marker": "[X]", "applied_at": "2006-01-02T15:04:05Z", "batch": 1}, ...],
   "applied": 1, "pending": 0, "drift": false}
where state is applied, pending, missing, out_of_order, edited or future,
and applied_at and batch are left out for a migration not applied.

A migration marked NonTransactional that a run left part way has a note
after its line: (left part way: N statements took effect), or, when the
run was interrupted during a statement that ran outside a transaction,
(interrupted during statement N: ...). The next up settles it by itself
when the database tells whether the statement took effect (PostgreSQL's
CREATE and DROP INDEX CONCURRENTLY: an invalid index left behind is dropped
and built again); otherwise it says to run ` + "`migrate resolve ID --done|--retry`" + `
once you have checked. In the
JSON such a migration has "progress": {"down": false, "done": 2,
"interrupted": false}, where down is true for a migration being reverted
and done counts the statements that took effect.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{
				Name:        "json",
				Usage:       "print the status as one JSON object, for scripts",
				Destination: &s.json,
			},
			allowDriftFlag(s),
			dbFlag(s),
		},
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
			statuses, err := s.m.Status(c.Context, db, opts...)
			if err != nil {
				return failure(err)
			}
			if s.json {
				err = printStatusJSON(output(c), statuses)
			} else {
				err = printStatus(output(c), statuses)
			}
			if err != nil {
				return failure(err)
			}
			if n := countDrift(statuses); n > 0 && !s.allowDrift {
				return failure(fmt.Errorf("drift: %d migrations marked [!], [?] or [~]: up and down refuse to run until they are fixed, or are given --allow-drift", n))
			}
			return nil
		}),
	}
}

// appliedAtLayout is how status prints when a migration was applied, in UTC.
const appliedAtLayout = "2006-01-02 15:04:05Z07:00"

// notes says, after the batch, what the marker of a drifting migration,
// or of one a later build applied, means.
var notes = map[runtime.State]string{
	runtime.StateMissing:    "(missing from this app)",
	runtime.StateOutOfOrder: "(pending, before an applied migration)",
	runtime.StateEdited:     "(edited since applied)",
	runtime.StateFuture:     "(applied by a later build of the app)",
}

// printStatus prints the status table, then how many migrations are applied
// and pending, and how many drift.
func printStatus(w io.Writer, statuses []runtime.MigrationStatus) error {
	if len(statuses) == 0 {
		_, err := fmt.Fprintln(w, "no migrations")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "\tMIGRATION\tAPPLIED AT\tBATCH")
	applied := 0
	for _, st := range statuses {
		if st.Applied {
			applied++
			_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%d", st.State.Marker(), st.ID, st.AppliedAt.UTC().Format(appliedAtLayout), st.Batch)
		} else {
			_, _ = fmt.Fprintf(tw, "%s\t%s\t-\t-", st.State.Marker(), st.ID)
		}
		if note := notes[st.State]; note != "" {
			_, _ = fmt.Fprint(tw, "  "+note)
		}
		if note := progressNote(st); note != "" {
			_, _ = fmt.Fprint(tw, "  "+note)
		}
		_, _ = fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	future := ""
	if n := countState(statuses, runtime.StateFuture); n > 0 {
		future = fmt.Sprintf(" (%d by a later build)", n)
	}
	_, err := fmt.Fprintf(w, "%d applied%s, %d pending%s\n", applied, future, len(statuses)-applied, driftSummary(statuses))
	return err
}

// progressNote says, after the batch, how far a run got with a migration
// marked NonTransactional that it left part way, or "" for any other.
func progressNote(st runtime.MigrationStatus) string {
	p := st.Progress
	if p == nil {
		return ""
	}
	while := ""
	if p.Down {
		while = " while being reverted"
	}
	if p.Interrupted {
		return fmt.Sprintf("(interrupted%s during statement %d: the next run settles it when the database tells whether it took effect, or says to run `%s resolve %s --done|--retry`)",
			while, p.Done+1, name, st.ID)
	}
	return fmt.Sprintf("(left part way%s: %s took effect)", while, statements(p.Done))
}

// statements returns "1 statement" or "N statements".
func statements(n int) string {
	if n == 1 {
		return "1 statement"
	}
	return fmt.Sprintf("%d statements", n)
}

// driftSummary counts the drifting migrations of each kind, as
// ", drift: 1 edited, 1 missing", or "" when none drifts.
func driftSummary(statuses []runtime.MigrationStatus) string {
	var parts []string
	for _, k := range []struct {
		state runtime.State
		text  string
	}{
		{runtime.StateEdited, "edited"},
		{runtime.StateMissing, "missing"},
		{runtime.StateOutOfOrder, "out of order"},
	} {
		if n := countState(statuses, k.state); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k.text))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ", drift: " + strings.Join(parts, ", ")
}

// countState returns how many of statuses are in state.
func countState(statuses []runtime.MigrationStatus, state runtime.State) int {
	n := 0
	for _, st := range statuses {
		if st.State == state {
			n++
		}
	}
	return n
}

// countDrift returns how many of statuses drift.
func countDrift(statuses []runtime.MigrationStatus) int {
	n := 0
	for _, st := range statuses {
		if st.State.IsDrift() {
			n++
		}
	}
	return n
}

// jsonStatus is the object status --json prints.
type jsonStatus struct {
	Migrations []jsonMigration `json:"migrations"`
	Applied    int             `json:"applied"`
	Pending    int             `json:"pending"`
	Drift      bool            `json:"drift"`
}

// jsonMigration is one migration in status --json.
type jsonMigration struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Marker    string `json:"marker"`
	AppliedAt string `json:"applied_at,omitempty"`
	Batch     int    `json:"batch,omitempty"`
	// Progress is set for a migration a run left part way.
	Progress *jsonProgress `json:"progress,omitempty"`
}

// jsonProgress is how far a run got with a migration marked
// NonTransactional that it left part way, in status --json.
type jsonProgress struct {
	Down        bool `json:"down"`
	Done        int  `json:"done"`
	Interrupted bool `json:"interrupted"`
}

// jsonTimeLayout is how status --json prints when a migration was applied:
// RFC 3339, in UTC, to the second.
const jsonTimeLayout = "2006-01-02T15:04:05Z07:00"

// printStatusJSON prints statuses as one indented JSON object.
func printStatusJSON(w io.Writer, statuses []runtime.MigrationStatus) error {
	out := jsonStatus{Migrations: make([]jsonMigration, 0, len(statuses)), Drift: countDrift(statuses) > 0}
	for _, st := range statuses {
		m := jsonMigration{ID: st.ID, State: string(st.State), Marker: st.State.Marker()}
		if st.Applied {
			out.Applied++
			m.AppliedAt = st.AppliedAt.UTC().Format(jsonTimeLayout)
			m.Batch = st.Batch
		} else {
			out.Pending++
		}
		if p := st.Progress; p != nil {
			m.Progress = &jsonProgress{Down: p.Down, Done: p.Done, Interrupted: p.Interrupted}
		}
		out.Migrations = append(out.Migrations, m)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
