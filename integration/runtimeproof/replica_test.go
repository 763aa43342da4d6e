package runtimeproof

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // registers the "mysql" driver
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/strata-go/strata/internal/dburl"
	"github.com/strata-go/strata/runtime"
)

// The environment of a replica, the test binary run again by startReplica.
const (
	// envScenario names the scenario whose migrations the replica
	// registers; TestMain runs a replica instead of the tests when it is
	// set.
	envScenario = "STRATA_PROOF_CHILD"
	// envURL is the database the replica migrates, as a sqlite:,
	// postgres:// or mysql:// URL.
	envURL = "STRATA_PROOF_URL"
	// envLease, when set, is the ttl of a lease ([runtime.WithLease]) the
	// replica's Up serialises with, as a Go duration such as 10s.
	envLease = "STRATA_PROOF_LEASE"
	// envCommand names the scenario whose migrations the command line runs
	// over; TestMain runs [migratecli.Main] on its arguments instead of the
	// tests when it is set (see commandMain).
	envCommand = "STRATA_PROOF_COMMAND"
	// envHold, when set, makes the hold steps of the scenarios wait until
	// their context ends (see holdStep).
	envHold = "STRATA_PROOF_HOLD"
)

// The lines a replica writes on its standard output, besides its report.
const (
	// lineReady says that the replica is connected and waits for the byte
	// on its standard input that releases it.
	lineReady = "ready"
	// lineLongStarted says that the long migration of the crash scenario
	// began, inside its transaction.
	lineLongStarted = "long-started"
)

const (
	// replicaTimeout bounds a replica's run, from its start to its exit.
	replicaTimeout = 2 * time.Minute
	// readyTimeout bounds how long the parent waits for a replica to
	// connect.
	readyTimeout = 30 * time.Second
)

// progress is where the migrations of a scenario say how far they got. It
// discards in the tests' own process; a replica points it at its standard
// output.
var progress io.Writer = io.Discard

// TestMain runs the command line or a replica when the environment names a
// scenario for one, and the tests otherwise.
func TestMain(m *testing.M) {
	holding = os.Getenv(envHold) != ""
	if scenario := os.Getenv(envCommand); scenario != "" {
		os.Exit(commandMain(scenario))
	}
	if scenario := os.Getenv(envScenario); scenario != "" {
		os.Exit(runReplica(scenario, os.Getenv(envURL)))
	}
	os.Exit(m.Run())
}

// report is what a replica writes on its last line of standard output, as
// JSON.
type report struct {
	// Applied lists the migrations this replica applied, in order.
	Applied []string `json:"applied"`
	// Committed holds when each migration of Applied was committed, in
	// Unix nanoseconds.
	Committed []int64 `json:"committed_unix_nano"`
	// Finished is when Up returned, in Unix nanoseconds.
	Finished int64 `json:"finished_unix_nano"`
	// Error is the error Up returned, if any.
	Error string `json:"error,omitempty"`
}

// openURL opens the database at a sqlite:, postgres:// or mysql:// URL, as
// an app would: SQLite with a busy timeout of ten seconds, PostgreSQL
// through pgx, MySQL through go-sql-driver/mysql with the DSN runtime.Open
// makes of the URL.
func openURL(url string) (*sql.DB, error) {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		return sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	}
	if strings.HasPrefix(url, "mysql:") {
		t, err := dburl.Parse(url)
		if err != nil {
			return nil, err
		}
		return sql.Open(t.Driver, t.DSN)
	}
	return sql.Open("pgx", url)
}

// runReplica is the whole life of a replica: it connects to the database at
// url, says it is ready, waits to be released, calls Up with the migrations
// of scenario and reports what it applied. The runtime's warnings, such as
// a wait for the migration lock, go to its standard error. It returns the
// process's exit code: 0 when Up succeeded.
func runReplica(scenario, url string) int {
	build, ok := scenarios[scenario]
	if !ok {
		fmt.Fprintf(os.Stderr, "replica: no scenario %q\n", scenario)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), replicaTimeout)
	defer cancel()
	db, err := openURL(url)
	if err != nil {
		fmt.Fprintf(os.Stderr, "replica: open: %v\n", err)
		return 2
	}
	defer func() { _ = db.Close() }()
	if err := db.PingContext(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "replica: connect: %v\n", err)
		return 2
	}
	opts, err := replicaOptions()
	if err != nil {
		fmt.Fprintf(os.Stderr, "replica: %v\n", err)
		return 2
	}
	var committed []int64
	opts = append(opts,
		runtime.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))),
		runtime.WithProgress(func(runtime.Result) { committed = append(committed, time.Now().UnixNano()) }))
	m := runtime.NewMigrator()
	m.Register(build()...)
	progress = os.Stdout

	fmt.Println(lineReady)
	var release [1]byte
	if _, err := io.ReadFull(os.Stdin, release[:]); err != nil {
		fmt.Fprintf(os.Stderr, "replica: never released: %v\n", err)
		return 3
	}
	results, err := m.Up(ctx, db, opts...)
	rep := report{Finished: time.Now().UnixNano(), Committed: committed}
	for _, r := range results {
		rep.Applied = append(rep.Applied, r.ID)
	}
	code := 0
	if err != nil {
		rep.Error = err.Error()
		fmt.Fprintf(os.Stderr, "replica: up: %v\n", err)
		code = 1
	}
	line, _ := json.Marshal(rep)
	fmt.Println(string(line))
	return code
}

// replica is a replica process as the tests see it.
type replica struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr bytes.Buffer // read only once done is closed
	ready  chan struct{}
	done   chan struct{}
	err    error // what Wait returned; set before done is closed

	mu    sync.Mutex
	lines []string // of standard output, so far
}

// startReplica starts a replica of scenario on the database at url, with
// env (KEY=value) added to its environment. The replica is killed when the
// test ends, whatever happened.
func startReplica(tb testing.TB, url, scenario string, env ...string) *replica {
	tb.Helper()
	cmd := exec.CommandContext(tb.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), envScenario+"="+scenario, envURL+"="+url), env...)
	r := &replica{cmd: cmd, ready: make(chan struct{}), done: make(chan struct{})}
	cmd.Stderr = &r.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start replica: %v", err)
	}
	r.stdin = stdin
	go r.collect(stdout)
	tb.Cleanup(func() {
		r.kill()
		<-r.done
	})
	return r
}

// collect reads the replica's standard output until it exits, then waits
// for the process.
func (r *replica) collect(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		r.mu.Lock()
		r.lines = append(r.lines, line)
		r.mu.Unlock()
		if line == lineReady {
			close(r.ready)
		}
	}
	_, _ = io.Copy(io.Discard, stdout)
	r.err = r.cmd.Wait()
	close(r.done)
}

// awaitReady waits until the replica is connected and waits to be released.
func (r *replica) awaitReady(tb testing.TB) {
	tb.Helper()
	select {
	case <-r.ready:
	case <-r.done:
		tb.Fatalf("replica exited before it was ready: %v\n%s", r.err, r.stderr.String())
	case <-time.After(readyTimeout):
		tb.Fatalf("replica not ready after %v", readyTimeout)
	}
}

// release lets the replica call Up.
func (r *replica) release(tb testing.TB) {
	tb.Helper()
	if _, err := r.stdin.Write([]byte{'\n'}); err != nil {
		tb.Fatalf("release replica: %v", err)
	}
	_ = r.stdin.Close()
}

// kill sends the replica SIGKILL, unless it is gone already.
func (r *replica) kill() { _ = r.cmd.Process.Kill() }

// wait waits until the replica has exited.
func (r *replica) wait(tb testing.TB) {
	tb.Helper()
	select {
	case <-r.done:
	case <-time.After(replicaTimeout):
		tb.Fatalf("replica still running after %v", replicaTimeout)
	}
}

// killedBySignal reports whether the replica, which has exited, was ended
// by a signal rather than exiting on its own.
func (r *replica) killedBySignal() bool {
	return r.cmd.ProcessState != nil && !r.cmd.ProcessState.Exited()
}

// saw reports whether the replica wrote line on its standard output.
func (r *replica) saw(line string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.lines {
		if l == line {
			return true
		}
	}
	return false
}

// report returns the report of the replica, which has exited.
func (r *replica) report(tb testing.TB) report {
	tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(r.lines[i], "{") {
			var rep report
			if err := json.Unmarshal([]byte(r.lines[i]), &rep); err != nil {
				tb.Fatalf("replica's report %q: %v", r.lines[i], err)
			}
			return rep
		}
	}
	tb.Fatalf("replica wrote no report (exit: %v)\nstdout:\n%s\nstderr:\n%s",
		r.err, strings.Join(r.lines, "\n"), r.stderr.String())
	return report{}
}

// outcome is how one replica of a race ended.
type outcome struct {
	report report
	err    error  // from the process's Wait: nil when it exited 0
	stderr string // what it wrote on its standard error
}

// race starts n replicas of scenario on the database at url, waits until
// every one is connected, releases them together and waits until all have
// exited. It returns the instant they were released and how each ended.
func race(tb testing.TB, url, scenario string, n int) (time.Time, []outcome) {
	tb.Helper()
	replicas := make([]*replica, n)
	for i := range replicas {
		replicas[i] = startReplica(tb, url, scenario)
	}
	return raceStarted(tb, replicas)
}

// raceStarted waits until every one of replicas, started, is connected,
// releases them together and waits until all have exited. It returns the
// instant they were released and how each ended.
func raceStarted(tb testing.TB, replicas []*replica) (time.Time, []outcome) {
	tb.Helper()
	for _, r := range replicas {
		r.awaitReady(tb)
	}
	released := time.Now()
	for _, r := range replicas {
		r.release(tb)
	}
	outcomes := make([]outcome, len(replicas))
	for i, r := range replicas {
		r.wait(tb)
		outcomes[i] = outcome{report: r.report(tb), err: r.err, stderr: r.stderr.String()}
	}
	return released, outcomes
}

// lastFinish returns how long after released the last of outcomes
// finished its Up.
func lastFinish(released time.Time, outcomes []outcome) time.Duration {
	var last time.Duration
	for _, o := range outcomes {
		last = max(last, time.Unix(0, o.report.Finished).Sub(released))
	}
	return last
}
