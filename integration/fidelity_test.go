package integration

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strata-go/strata/generator"
	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

var (
	fidelitySeed  = flag.Uint64("fidelity.seed", 0, "seed of the fidelity test's model histories; 0 picks one from the clock")
	fidelitySteps = flag.Int("fidelity.steps", 0, "steps of the fidelity test; 0 means 200 when CI is set, 40 otherwise")
)

// TestRandomModelHistoriesKeepLiveSchemasAndRowsFaithful evolves a set of
// ten or more models through random edits drawn from the change catalogue,
// one migration per step, generated in-process as makemigrations does and
// applied to one SQLite and one PostgreSQL database. After every step the
// live schema of each must equal the models', Verify must find no
// difference, and the rows inserted so far must hold the values the test
// tracks for them; at the end, Down reverts
// every migration and leaves both databases empty.
//
// The history follows from the seed alone: a failure prints the seed and
// the first failing step, with its models and migration, and
// -fidelity.seed=SEED -fidelity.steps=STEP replays the history up to it.
func TestRandomModelHistoriesKeepLiveSchemasAndRowsFaithful(t *testing.T) {
	seed := *fidelitySeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	steps := *fidelitySteps
	if steps == 0 {
		steps = 40
		if os.Getenv("CI") != "" {
			steps = 200
		}
	}
	f := newFidelityRun(t, seed, steps)
	start := time.Now()
	for step := range steps + 1 {
		f.step(step)
		if testing.Verbose() && step%20 == 0 {
			f.t.Logf("step %d: %s", step, time.Since(start).Round(time.Millisecond))
		}
	}
	f.downAll()
	t.Logf("seed %d: %d steps in %s; edits drawn: %v", seed, steps, time.Since(start).Round(time.Millisecond), f.counts)
	if steps >= 200 {
		for _, c := range fidelityChanges {
			if c.on && f.counts[c.name] == 0 {
				t.Errorf("seed %d: %d steps drew no %q", seed, steps, c.name)
			}
		}
	}
}

// fidelityNotOn says, by engine, why the fidelity test does not apply its
// migrations to it yet.
var fidelityNotOn = map[string]string{}

// fidelityRun is one run of the fidelity test: the module the models are
// written into, the databases, and what the test tracks of both.
type fidelityRun struct {
	t        *testing.T
	ctx      context.Context
	seed     uint64
	steps    int
	rng      *rand.Rand
	dir      string
	models   *fModels
	rows     *fRows
	migrator *runtime.Migrator
	engines  []engine  // those of the package's engines the run applies to
	dbs      []*sql.DB // one per entry of engines
	counts   map[string]int

	// The current step, for failure messages.
	n         int
	draw      *fDraw
	source    string
	migration string
}

func newFidelityRun(t *testing.T, seed uint64, steps int) *fidelityRun {
	f := &fidelityRun{
		t: t, ctx: context.Background(), seed: seed, steps: steps,
		rng: rand.New(rand.NewPCG(seed, 0)), dir: t.TempDir(),
		models: &fModels{}, rows: newRows(), migrator: runtime.NewMigrator(), counts: map[string]int{},
	}
	for _, e := range engines {
		if reason, ok := fidelityNotOn[e.name]; ok {
			t.Logf("not applied on %s: %s; the migrations are still generated for it", e.name, reason)
			continue
		}
		f.engines = append(f.engines, e)
		f.dbs = append(f.dbs, e.open(t, e.newURL(t)))
	}
	f.write("go.mod", "module example.com/fidelity\n\ngo 1.22\n")
	f.write("migrations/generate.go", "package migrations\n\nvar Migrator = 0\n")
	return f
}

func (f *fidelityRun) write(rel, content string) {
	f.t.Helper()
	p := filepath.Join(f.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// fail stops the test at the current step, saying how to replay it.
func (f *fidelityRun) fail(format string, args ...any) {
	f.t.Helper()
	var edits string
	if f.draw != nil {
		edits = strings.Join(f.draw.notes, "\n  ")
	}
	f.t.Fatalf("fidelity: seed %d, step %d: %s\n"+
		"replay: go test ./integration -run TestRandomModelHistoriesKeepLiveSchemasAndRowsFaithful -fidelity.seed=%d -fidelity.steps=%d\n"+
		"edits of the step:\n  %s\nmodels:\n%s\nmigration:\n%s",
		f.seed, f.n, fmt.Sprintf(format, args...), f.seed, f.n, edits, f.source, f.migration)
}

// step draws the edits of step n, generates and applies their migration,
// and checks schema and rows; it then inserts a few rows.
func (f *fidelityRun) step(n int) {
	f.t.Helper()
	f.n, f.migration = n, ""
	f.draw = &fDraw{rng: f.rng, m: f.models, rows: f.rows, touched: map[any]bool{}, autoNow: map[*fColumn]bool{}}
	for _, t := range f.models.tables {
		for _, c := range t.cols {
			f.draw.autoNow[c] = c.autoNow
		}
	}
	if n == 0 {
		for range fMinEnums {
			f.draw.newEnum()
		}
		for range fMinTables {
			f.draw.addTable()
			f.counts["add a table"]++
		}
	} else {
		f.drawEdits(1 + f.rng.IntN(3))
	}
	f.source = f.models.source()
	f.write("models/models.go", f.source)
	for _, stmt := range f.draw.prepare {
		for _, db := range f.dbs {
			if _, err := db.ExecContext(f.ctx, stmt); err != nil {
				f.fail("preparing the data: %s: %v", stmt, err)
			}
		}
	}
	want := f.generate()
	touches := f.touches()
	for i, e := range f.engines {
		if _, err := f.migrator.Up(f.ctx, f.dbs[i]); err != nil {
			f.fail("up on %s: %v", e.name, err)
		}
		assertSchema(f.t, e, f.dbs[i], want)
		if f.t.Failed() {
			f.fail("the live %s schema differs from the models (see above)", e.name)
		}
		switch v, err := f.migrator.Verify(f.ctx, f.dbs[i]); {
		case err != nil:
			f.fail("verify on %s: %v", e.name, err)
		case v.Drifted():
			f.fail("verify on %s reports a database strata migrated itself as drifted: %v", e.name, v.Differences)
		}
		diffs, err := f.rows.check(f.ctx, f.dbs[i], f.models, f.n)
		if err != nil {
			f.fail("reading rows on %s: %v", e.name, err)
		}
		if len(diffs) > 0 {
			f.fail("rows on %s differ from those inserted:\n  %s", e.name, strings.Join(diffs, "\n  "))
		}
		f.checkTouches(i, touches)
	}
	f.touched(touches)
	f.insertRows(n == 0)
	f.models.endStep(func() bool { return f.rng.IntN(3) == 0 })
}

// drawEdits draws k edits from the catalogue, each from a kind whose
// switch is on and that fits the models.
func (f *fidelityRun) drawEdits(k int) {
	for range k {
		for range 100 {
			c := fidelityChanges[f.rng.IntN(len(fidelityChanges))]
			if c.on && c.apply(f.draw) {
				f.counts[c.name]++
				break
			}
		}
	}
}

// generate runs makemigrations for the step, writes its files, registers
// the migration and returns the schema the models declare.
func (f *fidelityRun) generate() *schema.Schema {
	f.t.Helper()
	cfg := generator.Config{Dir: filepath.Join(f.dir, "migrations"), Models: []string{"../models"}, Force: f.draw.force, Dialects: targetDialects}
	res, err := generator.Make(f.ctx, cfg)
	var guard *generator.GuardError
	switch {
	case errors.As(err, &guard):
		f.fail("the guard refuses edits the test takes for safe: %v", err)
	case err != nil:
		f.fail("makemigrations: %v", err)
	case res.NoChanges():
		f.fail("makemigrations found no change")
	}
	f.migration = string(res.Files[0].Content)
	if f.draw.mustGuard && len(res.Plan.Guarded()) == 0 {
		f.fail("the step drops a table, column or foreign key, and the guard flags nothing")
	}
	if err := res.Write(); err != nil {
		f.fail("writing the migration: %v", err)
	}
	f.migrator.Register(runtime.Migration{ID: res.ID, Up: res.Plan.Ops(), Down: res.Plan.Down})
	loaded, err := load.Models(f.ctx, f.dir, "./models")
	if err != nil {
		f.fail("loading the models: %v", err)
	}
	return loaded.Schema
}

// insertRows inserts rows on every database: two in every table after the
// first step, then one or two in two tables.
func (f *fidelityRun) insertRows(all bool) {
	f.t.Helper()
	tables := f.models.tables
	if !all {
		tables = nil
		for range 2 {
			tables = append(tables, f.models.tables[f.rng.IntN(len(f.models.tables))])
		}
	}
	for _, t := range tables {
		n := 2
		if !all {
			n = 1 + f.rng.IntN(2)
		}
		if err := f.rows.insert(f.ctx, f.rng, f.dbs, t, n); err != nil {
			f.fail("inserting rows: %v", err)
		}
	}
}

// downAll empties the tables, reverts every migration on each database and
// checks that nothing is left.
func (f *fidelityRun) downAll() {
	f.t.Helper()
	f.n, f.draw, f.source, f.migration = f.n+1, nil, "(none: every migration reverted)", ""
	all := len(f.migrator.Migrations())
	for i, e := range f.engines {
		if err := clearRows(f.ctx, f.dbs[i], f.models); err != nil {
			f.fail("emptying the tables on %s: %v", e.name, err)
		}
		if _, err := f.migrator.Down(f.ctx, f.dbs[i], all); err != nil {
			f.fail("down %d on %s: %v", all, e.name, err)
		}
		assertSchema(f.t, e, f.dbs[i], &schema.Schema{})
		if f.t.Failed() {
			f.fail("the %s database is not empty after reverting every migration (see above)", e.name)
		}
	}
}
