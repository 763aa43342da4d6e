package generator

import (
	"context"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/generator/load"
	"github.com/strata-go/strata/generator/snapshot"
	"github.com/strata-go/strata/runtime/schema"
)

// BenchmarkMakeWithNothingChanged is go generate on the blog example when
// its models match its snapshot: load the models, read the snapshot,
// compare. It is the cost every go generate ./... pays.
func BenchmarkMakeWithNothingChanged(b *testing.B) {
	cfg := Config{Dir: "../examples/blog/migrations", Models: []string{"../models"}, Includes: []string{"../auth/migrations"}}
	for b.Loop() {
		res, err := Make(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if !res.NoChanges() {
			b.Fatal("the blog example's models differ from its snapshot")
		}
	}
}

// benchSizes are the numbers of model structs [BenchmarkGenerate] loads.
var benchSizes = []int{10, 100, 1000}

// BenchmarkGenerate runs makemigrations on a module of 10, 100 and 1,000
// generated model structs (see [writeBenchModels]) in three states: the
// first generation (no snapshot yet), a run with nothing changed, and a
// run where a tenth of the models have a column more (100 of 1,000). Each
// stage is a sub-benchmark of its own, in the order Make runs them, and the
// last one, make, is the whole of [Make]:
//
//	packages           packages.Load alone, as load.Models calls it
//	load               load.Models: packages.Load and the models read
//	check              whether the snapshot is that of the models (unchanged)
//	snapshot           the migrations directory and its snapshot read
//	diff               diff.Compare
//	render/DIALECT     the migration's Up and Down rendered on a dialect
//	emit               the migration file
//	encode             the new snapshot
//	make               Make
//
// A run with nothing changed stops after check, as Make does. Every stage
// but packages reports x-load, its time as a multiple of packages.Load's
// in the same run; make reports strata's own work, Make's time less
// packages.Load's, as a multiple of packages.Load's: the measure of the
// targets of issue 9, for which make runs packages.Load beside Make, out of
// its timer, in each iteration.
func BenchmarkGenerate(b *testing.B) {
	b.Setenv("GOFLAGS", "-mod=mod")
	b.Setenv("GOWORK", "off")
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			first, unchanged, changed := benchModules(b, n)
			b.Run("first", func(b *testing.B) { benchStages(b, first) })
			b.Run("nochange", func(b *testing.B) { benchStages(b, unchanged) })
			b.Run("changed", func(b *testing.B) { benchStages(b, changed) })
		})
	}
}

// benchModules writes three modules of n model structs: one without
// migrations, one whose first migration matches its models, and one with
// the same migration whose models have changed since.
func benchModules(b *testing.B, n int) (first, unchanged, changed benchModule) {
	b.Helper()
	first = newBenchModule(b, n, false)
	unchanged = newBenchModule(b, n, false)
	changed = newBenchModule(b, n, true)
	res, err := Make(context.Background(), Config{Dir: unchanged.migrations(), Models: []string{"../models"}})
	if err != nil {
		b.Fatal(err)
	}
	if err := res.Write(); err != nil {
		b.Fatal(err)
	}
	for _, f := range res.Files {
		path := filepath.Join(changed.migrations(), filepath.Base(f.Path))
		if err := os.WriteFile(path, f.Content, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return first, unchanged, changed
}

// benchInput is what each stage of [benchStages] takes: the results of the
// stages before it, computed once.
type benchInput struct {
	cfg    Config
	models *load.Result
	dir    *migrationsDir
	snap   *snapshot.File
	plan   *diff.Plan
	id     string
	up     []schema.Operation
	after  *schema.Schema
}

// benchStages runs the stages of Make on module m, each as a sub-benchmark.
func benchStages(b *testing.B, m benchModule) {
	ctx := context.Background()
	in := prepareBench(b, m)
	// loadTime is packages.Load's time per run, measured once here and
	// again, better, by the packages sub-benchmark, so that a stage run
	// alone has a ratio too.
	start := time.Now()
	if err := loadPackages(ctx, in.cfg); err != nil {
		b.Fatal(err)
	}
	loadTime := float64(time.Since(start))

	stage := func(name string, run func() error) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(perOp(b)/loadTime, "x-load")
		})
	}
	b.Run("packages", func(b *testing.B) {
		for b.Loop() {
			if err := loadPackages(ctx, in.cfg); err != nil {
				b.Fatal(err)
			}
		}
		loadTime = perOp(b)
	})
	stage("load", func() error {
		_, err := load.Models(ctx, in.cfg.Dir, in.cfg.Models...)
		return err
	})
	stage("check", func() error {
		dir, src, err := readSnapshotSource(in.cfg.Dir)
		if err == nil && unchanged(dir, src, in.models) != in.plan.Empty() {
			err = fmt.Errorf("unchanged() = %t for a plan of %d operations", !in.plan.Empty(), len(in.plan.Up))
		}
		return err
	})
	if !in.plan.Empty() {
		stage("snapshot", func() error {
			_, _, err := openDir(in.cfg.Dir)
			return err
		})
		stage("diff", func() error {
			_, err := diff.Compare(in.snap.Schema, in.models.Schema, hints(in.models, in.snap.Models))
			return err
		})
		for _, d := range Dialects {
			stage("render/"+d.Name(), func() error {
				_, err := renderOn(d, in.id, in.snap.Schema, in.after, in.up, in.plan.Down)
				return err
			})
		}
		stage("emit", func() error {
			_, err := emitMigration(in.dir.pkg, in.id, in.plan, nil, nil)
			return err
		})
		stage("encode", func() error {
			_, err := snapshot.Encode(in.dir.pkg, &snapshot.File{Head: in.id, Schema: in.after, Models: in.models.Models})
			return err
		})
	}
	// Make's own work is measured against packages.Load run beside it, one
	// after the other, so that both see the same load on the machine.
	b.Run("make", func(b *testing.B) {
		var pkgs, all time.Duration
		for b.Loop() {
			b.StopTimer()
			start := time.Now()
			if err := loadPackages(ctx, in.cfg); err != nil {
				b.Fatal(err)
			}
			pkgs += time.Since(start)
			b.StartTimer()
			start = time.Now()
			if _, err := Make(ctx, in.cfg); err != nil {
				b.Fatal(err)
			}
			all += time.Since(start)
		}
		b.ReportMetric(float64(all-pkgs)/float64(pkgs), "x-load")
	})
}

// benchLoadMode is the mode load.Models loads packages in.
const benchLoadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
	packages.NeedTypes | packages.NeedTypesInfo

// loadPackages loads the model packages of cfg as load.Models does, and
// does nothing else.
func loadPackages(ctx context.Context, cfg Config) error {
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return err
	}
	pc := &packages.Config{Context: ctx, Dir: dir, Mode: benchLoadMode, Fset: token.NewFileSet()}
	pkgs, err := packages.Load(pc, cfg.Models...)
	if err == nil && packages.PrintErrors(pkgs) > 0 {
		err = fmt.Errorf("loading %v failed", cfg.Models)
	}
	return err
}

// prepareBench runs the stages of Make on m once, for their results.
func prepareBench(b *testing.B, m benchModule) *benchInput {
	b.Helper()
	in := &benchInput{cfg: Config{Dir: m.migrations(), Models: []string{"../models"}}}
	var err error
	if in.models, err = load.Models(context.Background(), in.cfg.Dir, in.cfg.Models...); err != nil {
		b.Fatal(err)
	}
	if in.dir, in.snap, err = openDir(in.cfg.Dir); err != nil {
		b.Fatal(err)
	}
	if in.plan, err = diff.Compare(in.snap.Schema, in.models.Schema, hints(in.models, in.snap.Models)); err != nil {
		b.Fatal(err)
	}
	if in.plan.Empty() {
		return in
	}
	if in.id, err = in.dir.nextID(in.plan.Name()); err != nil {
		b.Fatal(err)
	}
	in.up = in.plan.Ops()
	in.after = in.snap.Schema.Fork()
	if err := in.after.ApplyAll(in.up); err != nil {
		b.Fatal(err)
	}
	return in
}

// perOp returns the time per iteration of the benchmark that just ran, in
// nanoseconds.
func perOp(b *testing.B) float64 {
	return float64(b.Elapsed().Nanoseconds()) / float64(b.N)
}
