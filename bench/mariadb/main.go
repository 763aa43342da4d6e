// Command mariadb measures strata's runtime on MariaDB side by side with
// goose and with the statements run by hand, as the project's harness
// (shared/bench) does on PostgreSQL and SQLite, which it has no MySQL
// engine for. The workload is the harness's: migration i creates table t_i
// with a foreign key to t_{i-1} and an index on its name. The statements
// are the ones strata's MySQL dialect renders for it, so that the three
// runners run the same DDL (MySQL ignores a REFERENCES written on a column,
// and indexes a TEXT column only by a prefix, so the harness's own SQL
// would not make the same tables).
//
// Each round runs every runner, in an order rotated per round, each on a
// new database: the apply phase times everything an app does at start to
// migrate the empty database; the no-op phase, five times with a new pool
// each, times the same with nothing pending. Ratios are taken per round
// against raw in the same round; the table shows their medians.
//
//	go run ./mariadb -n 500 -rounds 5
//	STRATA_TEST_MYSQL_URL='root@tcp(127.0.0.1:3306)/test' go run ./mariadb
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"

	"github.com/strata-go/strata/runtime"
	mysqldialect "github.com/strata-go/strata/runtime/dialect/mysql"
	"github.com/strata-go/strata/runtime/schema"
)

var (
	flagN      = flag.Int("n", 500, "migrations in the history")
	flagRounds = flag.Int("rounds", 5, "rounds; each runs every runner once")
	flagNoops  = flag.Int("noop-reps", 5, "no-op starts per run, each on a new pool; the run's figure is their median")
	flagURL    = flag.String("dsn", envOr("STRATA_TEST_MYSQL_URL", "root@tcp(127.0.0.1:3306)/test"),
		"go-sql-driver/mysql DSN of a server where the user may create databases; its database is only used to create others")
)

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// A runner migrates the database of db to the whole history, or does
// nothing when nothing is pending; it is timed whole.
type runner struct {
	name string
	run  func(ctx context.Context, db *sql.DB, phase string) error
}

func main() {
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()
	w := newWorkload(*flagN)
	runners := []runner{
		{"raw", w.raw},
		{"goose", w.goose},
		{"strata", w.strata},
	}
	goose.SetLogger(goose.NopLogger())

	type figures struct{ apply, noop, applyRatio, noopRatio []float64 }
	got := map[string]*figures{}
	for _, r := range runners {
		got[r.name] = &figures{}
	}
	start := time.Now()
	for round := range *flagRounds {
		order := slices.Clone(runners)
		k := round % len(order)
		order = append(order[k:], order[:k]...)
		apply, noop := map[string]float64{}, map[string]float64{}
		for _, r := range order {
			a, n, err := measure(ctx, r, w)
			if err != nil {
				log.Fatalf("%s, round %d: %v", r.name, round+1, err)
			}
			apply[r.name], noop[r.name] = a, n
			log.Printf("%-7s round=%d apply=%.1fms noop=%.2fms", r.name, round+1, a, n)
		}
		for _, r := range runners {
			f := got[r.name]
			f.apply = append(f.apply, apply[r.name])
			f.noop = append(f.noop, noop[r.name])
			f.applyRatio = append(f.applyRatio, apply[r.name]/apply["raw"])
			f.noopRatio = append(f.noopRatio, noop[r.name]/noop["raw"])
		}
	}
	var version string
	if db, err := sql.Open("mysql", *flagURL); err == nil {
		_ = db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version)
		_ = db.Close()
	}
	fmt.Printf("N=%d migrations, %d rounds, server %s; ms = medians; x/raw = median over rounds of (runner / raw of the same round)\n\n",
		*flagN, *flagRounds, version)
	fmt.Printf("%8s  %10s  %10s  %10s  %10s\n", "runner", "apply ms", "apply/raw", "no-op ms", "no-op/raw")
	for _, r := range runners {
		f := got[r.name]
		fmt.Printf("%8s  %10.0f  %10.2f  %10.2f  %10.2f\n", r.name, median(f.apply), median(f.applyRatio), median(f.noop), median(f.noopRatio))
	}
	fmt.Printf("\nraw no-op = one SELECT 1. Took %s.\n", time.Since(start).Round(time.Second))
}

// measure runs r on a new database: the apply phase, a check of the
// schema, then the no-op phase. It returns the apply time and the median
// no-op time, in milliseconds.
func measure(ctx context.Context, r runner, w *workload) (applyMs, noopMs float64, err error) {
	cfg, err := mysql.ParseDSN(*flagURL)
	if err != nil {
		return 0, 0, err
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = admin.Close() }()
	name := fmt.Sprintf("bench_%s_%d", r.name, time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return 0, 0, err
	}
	defer func() {
		if _, dropErr := admin.ExecContext(ctx, "DROP DATABASE "+name); dropErr != nil && err == nil {
			err = dropErr
		}
	}()
	cfg.DBName = name
	open := func() (*sql.DB, error) {
		db, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			return nil, err
		}
		return db, db.PingContext(ctx)
	}
	timed := func(phase string) (float64, error) {
		db, err := open()
		if err != nil {
			return 0, err
		}
		defer func() { _ = db.Close() }()
		start := time.Now()
		err = r.run(ctx, db, phase)
		return float64(time.Since(start).Microseconds()) / 1000, err
	}
	if applyMs, err = timed("apply"); err != nil {
		return 0, 0, err
	}
	if err := w.check(ctx, admin, name); err != nil {
		return 0, 0, err
	}
	var noops []float64
	for range *flagNoops {
		ms, err := timed("noop")
		if err != nil {
			return 0, 0, err
		}
		noops = append(noops, ms)
	}
	return applyMs, median(noops), nil
}

// workload is the history: the statements strata's MySQL dialect renders
// for each migration.
type workload struct {
	statements [][]string
}

func newWorkload(n int) *workload {
	w := &workload{}
	s := &schema.Schema{}
	for i := 1; i <= n; i++ {
		m := migration(i)
		steps, err := mysqldialect.Dialect{}.Render(s, m.Up)
		if err != nil {
			log.Fatalf("render migration %d: %v", i, err)
		}
		for _, op := range m.Up {
			if err := op.Apply(s); err != nil {
				log.Fatalf("migration %d: %v", i, err)
			}
		}
		var stmts []string
		for _, st := range steps {
			stmts = append(stmts, st.SQL)
		}
		w.statements = append(w.statements, stmts)
	}
	return w
}

// migration returns migration i as strata makemigrations writes it when
// model t_i is added to models that hold t_{i-1}.
func migration(i int) runtime.Migration {
	name := fmt.Sprintf("t_%d", i)
	t := schema.Table{
		Name: name,
		Columns: []schema.Column{
			{Name: "id", Type: schema.Type{Kind: schema.Int64}},
			{Name: "name", Type: schema.Type{Kind: schema.Text}},
			{Name: "created_at", Type: schema.Type{Kind: schema.Timestamp}, Nullable: true},
			{Name: "ref_id", Type: schema.Type{Kind: schema.Int64}, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Indexes:    []schema.Index{{Name: fmt.Sprintf("idx_t_%d_name", i), Columns: []string{"name"}}},
	}
	if i > 1 {
		t.ForeignKeys = []schema.ForeignKey{{Name: name + "_ref_id_fkey", Columns: []string{"ref_id"}, RefTable: fmt.Sprintf("t_%d", i-1), RefColumns: []string{"id"}}}
	}
	return runtime.Migration{
		ID:   fmt.Sprintf("%04d_create_%s", i, name),
		Up:   []schema.Operation{schema.CreateTable{Table: t}},
		Down: []schema.Operation{schema.DropTable{Name: name}},
	}
}

// raw runs each migration's statements on one connection, with no
// bookkeeping; with nothing pending, it runs SELECT 1, the least any tool
// must do.
func (w *workload) raw(ctx context.Context, db *sql.DB, phase string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	if phase == "noop" {
		var one int
		return conn.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	}
	for _, stmts := range w.statements {
		for _, stmt := range stmts {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
	}
	return nil
}

// goose applies the statements as goose Go migrations, each in a
// transaction as goose runs them by default (MySQL commits each DDL
// statement on its own regardless). goose has no MySQL lock.
func (w *workload) goose(ctx context.Context, db *sql.DB, phase string) error {
	var migrations []*goose.Migration
	for i, stmts := range w.statements {
		migrations = append(migrations, goose.NewGoMigration(int64(i+1),
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				for _, stmt := range stmts {
					if _, err := tx.ExecContext(ctx, stmt); err != nil {
						return err
					}
				}
				return nil
			}}, nil))
	}
	p, err := goose.NewProvider(goose.DialectMySQL, db, nil,
		goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(migrations...))
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return err
	}
	return wantApplied(len(res), phase, len(w.statements))
}

// strata applies the migrations with strata's runtime and its defaults.
// It builds them inside the timer, as the harness's strata runner does,
// as goose's builds its own.
func (w *workload) strata(ctx context.Context, db *sql.DB, phase string) error {
	m := runtime.NewMigrator()
	for i := range w.statements {
		m.Register(migration(i + 1))
	}
	res, err := m.Up(ctx, db)
	if err != nil {
		return err
	}
	return wantApplied(len(res), phase, len(w.statements))
}

func wantApplied(got int, phase string, n int) error {
	want := n
	if phase == "noop" {
		want = 0
	}
	if got != want {
		return fmt.Errorf("applied %d migrations in the %s phase, want %d", got, phase, want)
	}
	return nil
}

// check verifies, outside the timer, that database name holds the N
// tables, their N indexes on name and N-1 foreign keys.
func (w *workload) check(ctx context.Context, db *sql.DB, name string) error {
	n := len(w.statements)
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"tables", "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 't\\_%'", n},
		{"indexes", "SELECT COUNT(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND INDEX_NAME LIKE 'idx\\_t\\_%'", n},
		{"foreign keys", "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?", n - 1},
	} {
		var got int
		if err := db.QueryRowContext(ctx, c.query, name).Scan(&got); err != nil {
			return err
		}
		if got != c.want {
			return fmt.Errorf("database %s holds %d %s, want %d", name, got, c.what, c.want)
		}
	}
	return nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
