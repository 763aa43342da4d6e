package migratecli

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// witness records, whenever a migration of [witnessedMigrator] runs, what
// the app had printed by then.
type witness struct {
	t    *testing.T
	out  bytes.Buffer // the app's output
	seen []string
}

// saw is a Go step that records what the app printed before it ran.
func (w *witness) saw(step string) schema.RunGo {
	return schema.RunGo{Func: func(context.Context, *sql.Tx) error {
		w.seen = append(w.seen, step+" after: "+strings.ReplaceAll(mask(w.t, w.out.String(), time.Time{}), "\n", "; "))
		return nil
	}}
}

// witnessedMigrator returns three migrations, each creating a table, that
// record through w what the app printed before each ran, up or down.
func witnessedMigrator(w *witness) *runtime.Migrator {
	m := runtime.NewMigrator()
	for _, id := range []string{"0001_one", "0002_two", "0003_three"} {
		table := strings.SplitN(id, "_", 2)[1]
		m.Register(runtime.Migration{
			ID: id,
			Up: []schema.Operation{
				schema.CreateTable{Table: schema.Table{
					Name:       table,
					Columns:    []schema.Column{{Name: "id", Type: schema.Type{Kind: schema.Int64}}},
					PrimaryKey: []string{"id"},
				}},
				w.saw("up " + id),
			},
			Down: []schema.Operation{schema.DropTable{Name: table}, w.saw("down " + id)},
		})
	}
	return m
}

// TestEachLineIsPrintedAsItsMigrationCommits runs the commands that apply
// and revert migrations, and checks that when each migration runs, the line
// of each migration committed before it in the same run is printed
// already, and that no line is printed twice.
func TestEachLineIsPrintedAsItsMigrationCommits(t *testing.T) {
	onEachEngine(t, func(t *testing.T, url string) {
		w := &witness{t: t}
		m := witnessedMigrator(w)
		for _, step := range []struct {
			args   []string
			before []string // SQL run before the command
			seen   []string
			out    string
		}{
			{
				args: []string{"up"},
				seen: []string{
					"up 0001_one after: ",
					"up 0002_two after: applied 0001_one (DURATION); ",
					"up 0003_three after: applied 0001_one (DURATION); applied 0002_two (DURATION); ",
				},
				out: "applied 0001_one (DURATION)\napplied 0002_two (DURATION)\napplied 0003_three (DURATION)\n",
			},
			{
				args: []string{"down", "--steps", "2"},
				seen: []string{
					"down 0003_three after: ",
					"down 0002_two after: reverted 0003_three (DURATION); ",
				},
				out: "reverted 0003_three (DURATION)\nreverted 0002_two (DURATION)\n",
			},
			{
				args: []string{"redo"},
				seen: []string{
					"down 0001_one after: ",
					"up 0001_one after: reverted 0001_one (DURATION); ",
				},
				out: "reverted 0001_one (DURATION)\napplied 0001_one (DURATION)\n",
			},
			{
				args: []string{"fresh", "--yes", "--non-production"},
				seen: []string{
					"up 0001_one after: ",
					"up 0002_two after: applied 0001_one (DURATION); ",
					"up 0003_three after: applied 0001_one (DURATION); applied 0002_two (DURATION); ",
				},
				out: "applied 0001_one (DURATION)\napplied 0002_two (DURATION)\napplied 0003_three (DURATION)\n",
			},
			{
				args: []string{"down", "--batch"},
				seen: []string{
					"down 0003_three after: ",
					"down 0002_two after: reverted 0003_three (DURATION); ",
					"down 0001_one after: reverted 0003_three (DURATION); reverted 0002_two (DURATION); ",
				},
				out: "reverted 0003_three (DURATION)\nreverted 0002_two (DURATION)\nreverted 0001_one (DURATION)\n",
			},
			{
				args:   []string{"up", "--fake-initial", "--to", "0002"},
				before: []string{"CREATE TABLE one (id INTEGER PRIMARY KEY)"},
				seen:   []string{"up 0002_two after: faked 0001_one; "},
				out:    "faked 0001_one\napplied 0002_two (DURATION)\n",
			},
			{
				args:   []string{"fake", "0003"},
				before: []string{"CREATE TABLE three (id INTEGER PRIMARY KEY)"},
				out:    "faked 0003_three\n",
			},
			{
				args: []string{"down", "--to", "0001"},
				seen: []string{
					"down 0003_three after: ",
					"down 0002_two after: reverted 0003_three (DURATION); ",
				},
				out: "reverted 0003_three (DURATION)\nreverted 0002_two (DURATION)\n",
			},
			{
				args: []string{"baseline", "0003"},
				out:  "faked 0002_two\nfaked 0003_three\n",
			},
		} {
			execSQL(t, url, step.before...)
			w.out.Reset()
			w.seen = nil
			app := App(m)
			var errOut bytes.Buffer
			app.Writer, app.ErrWriter = &w.out, &errOut
			args := append([]string{name, "--db", url}, step.args...)
			if err := app.RunContext(context.Background(), args); err != nil {
				t.Fatalf("migrate %s: %v; error output:\n%s", strings.Join(step.args, " "), err, errOut.String())
			}
			if diff := cmp.Diff(step.seen, w.seen); diff != "" {
				t.Errorf("migrate %s: what was printed when each migration ran (-want +got):\n%s", strings.Join(step.args, " "), diff)
			}
			if diff := cmp.Diff(step.out, mask(t, w.out.String(), time.Time{})); diff != "" {
				t.Errorf("migrate %s: output (-want +got):\n%s", strings.Join(step.args, " "), diff)
			}
		}
	})
}
