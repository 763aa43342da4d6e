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
	runFidelity(t, seed, steps, false)
}

// TestRandomModelHistoriesAcrossTwoSetsKeepLiveSchemasAndRowsFaithful is
// the fidelity test with the models split in two packages: a library's,
// whose migrations are the set "lib", and an app's, whose migrations
// include it and whose tables may reference the library's. Each step
// generates the library's migration, then the app's, as makemigrations
// does with --include, and applies both with one Migrator. Its replay
// flags are the same, with -run naming it.
func TestRandomModelHistoriesAcrossTwoSetsKeepLiveSchemasAndRowsFaithful(t *testing.T) {
	seed := *fidelitySeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	steps := *fidelitySteps
	if steps == 0 {
		steps = 30
		if os.Getenv("CI") != "" {
			steps = 80
		}
	}
	runFidelity(t, seed, steps, true)
}

// runFidelity runs steps steps of the fidelity test from seed, with the
// models in two sets when sets is true.
func runFidelity(t *testing.T, seed uint64, steps int, sets bool) {
	f := newFidelityRun(t, seed, steps, sets)
	start := time.Now()
	for step := range steps + 1 {
		f.step(step)
		if testing.Verbose() && step%20 == 0 {
			f.t.Logf("step %d: %s", step, time.Since(start).Round(time.Millisecond))
		}
	}
	f.downAll()
	t.Logf("seed %d: %d steps in %s; edits drawn: %v", seed, steps, time.Since(start).Round(time.Millisecond), f.counts)
	if sets {
		t.Logf("at most %d foreign keys from the app's tables to the library's at once", f.crossRefs)
		if f.crossRefs == 0 && steps >= 50 {
			t.Errorf("seed %d: %d steps drew no foreign key from the app's tables to the library's", seed, steps)
		}
	}
	if steps >= 200 && !sets {
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
	// lib is the library's set, which migrator includes, when the models
	// are split in two sets; nil otherwise.
	lib     *runtime.Migrator
	engines []engine  // those of the package's engines the run applies to
	dbs     []*sql.DB // one per entry of engines
	counts  map[string]int
	// crossRefs is the most foreign keys from the app's tables to the
	// library's that a step had, with two sets.
	crossRefs int

	// The current step, for failure messages.
	n         int
	draw      *fDraw
	source    string
	migration string
}

func newFidelityRun(t *testing.T, seed uint64, steps int, sets bool) *fidelityRun {
	f := &fidelityRun{
		t: t, ctx: context.Background(), seed: seed, steps: steps,
		rng: rand.New(rand.NewPCG(seed, 0)), dir: t.TempDir(),
		models: &fModels{sets: sets}, rows: newRows(), migrator: runtime.NewMigrator(), counts: map[string]int{},
	}
	if sets {
		f.lib = runtime.NewSet("lib")
		f.migrator.Include(f.lib)
		// Read, never compiled: the set's name is all makemigrations needs.
		f.write("lib/migrations/generate.go", "package migrations\n\nvar Migrator = runtime.NewSet(\"lib\")\n")
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
		"replay: go test ./integration -run %s -fidelity.seed=%d -fidelity.steps=%d\n"+
		"edits of the step:\n  %s\nmodels:\n%s\nmigration:\n%s",
		f.seed, f.n, fmt.Sprintf(format, args...), f.t.Name(), f.seed, f.n, edits, f.source, f.migration)
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
		for k := range fMinEnums {
			e := f.draw.newEnum()
			e.lib = f.models.sets && k == 0
		}
		for range fMinTables {
			f.draw.addTable()
			f.counts["add a table"]++
		}
	} else {
		f.drawEdits(1 + f.rng.IntN(3))
	}
	f.source = f.models.source()
	if f.lib != nil {
		f.write("lib/models/models.go", f.models.sourceOf(true))
		f.write("models/models.go", f.models.sourceOf(false))
	} else {
		f.write("models/models.go", f.source)
	}
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
	f.crossRefs = max(f.crossRefs, f.models.crossReferences())
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
// the migration and returns the schema the models declare. With two sets,
// it makes the library's migration, then the app's, each when its models
// changed.
func (f *fidelityRun) generate() *schema.Schema {
	f.t.Helper()
	if f.lib == nil {
		cfg := generator.Config{Dir: filepath.Join(f.dir, "migrations"), Models: []string{"../models"}, Force: f.draw.force, Dialects: targetDialects}
		res := f.make(cfg, f.migrator)
		if res == nil {
			f.fail("makemigrations found no change")
		}
		if f.draw.mustGuard && len(res.Plan.Guarded()) == 0 {
			f.fail("the step drops a table, column or foreign key, and the guard flags nothing")
		}
		loaded, err := load.Models(f.ctx, f.dir, "./models")
		if err != nil {
			f.fail("loading the models: %v", err)
		}
		return loaded.Schema
	}
	lib := f.make(generator.Config{Dir: filepath.Join(f.dir, "lib", "migrations"), Models: []string{"../models"}, Force: f.draw.force, Dialects: targetDialects}, f.lib)
	app := f.make(generator.Config{Dir: filepath.Join(f.dir, "migrations"), Models: []string{"../models"}, Includes: []string{"../lib/migrations"},
		Force: f.draw.force, Dialects: targetDialects}, f.migrator)
	guarded := 0
	for _, res := range []*generator.Result{lib, app} {
		if res != nil {
			guarded += len(res.Plan.Guarded())
		}
	}
	switch {
	case lib == nil && app == nil:
		f.fail("makemigrations found no change in either set")
	case f.draw.mustGuard && guarded == 0:
		f.fail("the step drops a table, column or foreign key, and the guard flags nothing")
	}
	libModels, err := load.Models(f.ctx, f.dir, "./lib/models")
	if err != nil {
		f.fail("loading the library's models: %v", err)
	}
	var ext []load.ExternalTable
	for _, t := range libModels.Schema.Tables {
		ext = append(ext, load.ExternalTable{Set: "lib", Table: t})
	}
	appModels, err := load.ModelsWith(f.ctx, f.dir, ext, "./models")
	if err != nil {
		f.fail("loading the app's models: %v", err)
	}
	return joined(libModels.Schema, appModels.Schema)
}

// make runs makemigrations with cfg, writes what it makes and registers
// the migration with m; it returns nil when the models did not change.
func (f *fidelityRun) make(cfg generator.Config, m *runtime.Migrator) *generator.Result {
	f.t.Helper()
	res, err := generator.Make(f.ctx, cfg)
	var guard *generator.GuardError
	switch {
	case errors.As(err, &guard):
		f.fail("the guard refuses edits the test takes for safe: %v", err)
	case err != nil:
		f.fail("makemigrations in %s: %v", cfg.Dir, err)
	case res.NoChanges():
		return nil
	}
	f.migration += string(res.Files[0].Content)
	if err := res.Write(); err != nil {
		f.fail("writing the migration: %v", err)
	}
	m.Register(runtime.Migration{ID: res.ID, DependsOn: res.DependsOn, Up: res.Plan.Ops(), Down: res.Plan.Down})
	return res
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
