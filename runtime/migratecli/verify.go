package migratecli

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/runtime"
)

// exitDrift is the exit code of verify, and of up --verify, when the live
// schema differs from the migrations'.
const exitDrift = 4

// verifyCommand is `migrate verify [--json] [--ignore PATTERNS]`.
func verifyCommand(s *settings) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "compare the live schema with the one the applied migrations declare",
		UsageText: name + " verify [--json] [--ignore PATTERNS] [--db URL]",
		Description: `verify reads the live schema of the database (tables, columns with
their type, NOT NULL, default, identity and auto_now, primary keys,
indexes, unique constraints, foreign keys, checks, enum types) and
compares it with the schema the migrations it has applied declare, as
this binary holds them: no other database is needed. It prints
"schema matches the N applied migration(s)", or one line per
difference, such as
  column users.nickname: missing (want text NOT NULL)
  index users_name_idx on users: extra (got INDEX (name))
  column orders.total: differs: want int64 NOT NULL, got int32 NOT NULL
It changes nothing and takes no lock. Exit codes: 0 when the schema
matches, 4 when it differs, 1 when it could not compare (a database
that applied migrations this binary does not register, or that a run
left part way through one).

--ignore leaves out the tables and enum types of other tools, by
comma-separated patterns where * stands for any run of characters:
--ignore 'audit_*,pg_*'. The runtime's own tables (strata_*) are never
compared.

With --json it prints one JSON object:
  {"applied": 3, "last": "0003_index_orders", "differences": [
    {"object": "column", "table": "users", "name": "nickname",
     "change": "missing", "want": "text NOT NULL"}]}
where object is table, column, primary key, index, unique, foreign key,
check or enum, and change is missing, extra or differs.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{
				Name:        "json",
				Usage:       "print the result as one JSON object, for scripts",
				Destination: &s.json,
			},
			ignoreFlag(s),
			dbFlag(s),
		},
		HideHelpCommand: true,
		OnUsageError:    onUsageError,
		Action: withArguments(func(c *cli.Context, args []string) error {
			if err := noArguments(c, args, ""); err != nil {
				return err
			}
			ignore, err := s.ignoreOption(c)
			if err != nil {
				return err
			}
			db, opts, err := s.connect(c)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			v, err := s.m.Verify(c.Context, db, append(opts, ignore...)...)
			if err != nil {
				return failure(err)
			}
			if s.json {
				err = printVerificationJSON(output(c), v)
			} else {
				err = printVerification(output(c), v)
			}
			if err != nil {
				return failure(err)
			}
			if v.Drifted() {
				return cli.Exit(fmt.Sprintf("drift: the live schema differs from the migrations in %d way(s)", len(v.Differences)), exitDrift)
			}
			return nil
		}),
	}
}

// ignoreFlag is the --ignore of verify and up.
func ignoreFlag(s *settings) cli.Flag {
	return &cli.StringFlag{
		Name:        "ignore",
		Usage:       "leave out of the comparison the tables and enums whose names match one of `PATTERNS`, comma-separated (* for any run of characters)",
		Destination: &s.ignore,
	}
}

// ignoreOption returns the runtime option of --ignore, if given.
func (s *settings) ignoreOption(c *cli.Context) ([]runtime.Option, error) {
	if s.ignore == "" {
		return nil, nil
	}
	var patterns []string
	for _, p := range strings.Split(s.ignore, ",") {
		if p = strings.TrimSpace(p); p != "" {
			patterns = append(patterns, p)
		}
	}
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return nil, usagef(c, "--ignore: %q is not a pattern of names: %v", p, err)
		}
	}
	return []runtime.Option{runtime.WithIgnore(patterns...)}, nil
}

// printVerification prints what verify found, a line per difference.
func printVerification(w io.Writer, v *runtime.Verification) error {
	if !v.Drifted() {
		_, err := fmt.Fprintf(w, "schema matches the %d applied migration(s)\n", v.Applied)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the live schema differs from the %d applied migration(s):\n", v.Applied)
	for _, d := range v.Differences {
		b.WriteString("  " + d.String() + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printVerificationJSON prints what verify found as one JSON object.
func printVerificationJSON(w io.Writer, v *runtime.Verification) error {
	if v.Differences == nil {
		v.Differences = []runtime.Difference{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
