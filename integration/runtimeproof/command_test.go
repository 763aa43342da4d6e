package runtimeproof

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/migratecli"
	"github.com/strata-go/strata/runtime/schema"
)

// holding is whether the hold steps of this process's scenarios wait until
// their context ends: TestMain sets it from envHold. The tests' own
// process never holds.
var holding bool

// holdStep returns a step written in Go that writes lineLongStarted to
// progress and then, in a process started with envHold, waits until the
// run's context ends, as a long step would: a test sends its signal once
// it reads the line. Elsewhere it returns at once.
func holdStep() schema.Operation {
	return schema.RunGo{Func: func(ctx context.Context, _ *sql.Tx) error {
		if _, err := fmt.Fprintln(progress, lineLongStarted); err != nil {
			return err
		}
		if !holding {
			return nil
		}
		<-ctx.Done()
		return ctx.Err()
	}}
}

// commandMain runs, in a process started by startCommand, the command line
// of an app whose migrations are those of scenario: [migratecli.Main] on
// the process's arguments, which exits. It returns an exit code only when
// there is no such scenario.
func commandMain(scenario string) int {
	build, ok := scenarios[scenario]
	if !ok {
		fmt.Fprintf(os.Stderr, "command: no scenario %q\n", scenario)
		return 2
	}
	m := runtime.NewMigrator()
	m.Register(build()...)
	progress = os.Stdout
	migratecli.Main(m)
	return 0 // not reached: Main exits
}

// commandTimeout bounds a command's run, from its start to its exit.
const commandTimeout = 2 * time.Minute

// command is the command line of an app, run by startCommand in a process
// of its own: the test binary, run again.
type command struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{} // closed once cmd.ProcessState is set
}

// startCommand starts the command line of an app whose migrations are
// those of scenario, with args (such as "up", "--db", url) and env
// (KEY=value) added to its environment. The process is killed when the
// test ends, whatever happened.
func startCommand(tb testing.TB, scenario string, env []string, args ...string) *command {
	tb.Helper()
	cmd := exec.CommandContext(tb.Context(), os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), envCommand+"="+scenario), env...)
	c := &command{args: args, cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &c.stdout, &c.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start migrate %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		_ = cmd.Wait()
		close(c.done)
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
	})
	return c
}

// runCommand runs the command line of scenario with args to its end, as
// startCommand starts it, and returns the command, which has exited.
func runCommand(tb testing.TB, scenario string, env []string, args ...string) *command {
	tb.Helper()
	c := startCommand(tb, scenario, env, args...)
	c.wait(tb)
	return c
}

// wait waits until the command has exited.
func (c *command) wait(tb testing.TB) {
	tb.Helper()
	select {
	case <-c.done:
	case <-time.After(commandTimeout):
		tb.Fatalf("migrate %s still running after %v\nstdout:\n%s\nstderr:\n%s",
			strings.Join(c.args, " "), commandTimeout, c.stdout.String(), c.stderr.String())
	}
}

// exited reports whether the command has exited.
func (c *command) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// exitCode returns the exit code of the command, which has exited, or -1
// when a signal ended it.
func (c *command) exitCode() int { return c.cmd.ProcessState.ExitCode() }

// signal sends sig to the command.
func (c *command) signal(tb testing.TB, sig syscall.Signal) {
	tb.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		tb.Fatalf("send %v to migrate %s: %v", sig, strings.Join(c.args, " "), err)
	}
}

// String tells how the command ran and what it printed, for failures.
func (c *command) String() string {
	state := "running"
	if c.exited() {
		state = c.cmd.ProcessState.String()
	}
	return fmt.Sprintf("migrate %s (%s)\nstdout:\n%s\nstderr:\n%s",
		strings.Join(c.args, " "), state, c.stdout.String(), c.stderr.String())
}

// awaitCondition waits, polling every 10 milliseconds, until cond reports
// true, failing the test when c exits first or the wait outlasts
// commandTimeout. what says what it waits for.
func (c *command) awaitCondition(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(commandTimeout)
	for !cond() {
		if c.exited() {
			tb.Fatalf("%s exited before %s", c, what)
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: no %s after %v", c, what, commandTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// printed reports whether the command wrote line, whole, on its standard
// output.
func (c *command) printed(line string) bool {
	return printedLine(c.stdout.String(), func(l string) bool { return l == line })
}

// printedApplied reports whether the command printed the line of
// migration id applied: "applied ID (DURATION)".
func (c *command) printedApplied(id string) bool {
	return printedLine(c.stdout.String(), func(l string) bool { return strings.HasPrefix(l, "applied "+id+" (") })
}

// printedLine reports whether a line of out satisfies match.
func printedLine(out string, match func(string) bool) bool {
	for line := range strings.Lines(out) {
		if match(strings.TrimSuffix(line, "\n")) {
			return true
		}
	}
	return false
}

// syncBuffer is a buffer safe for concurrent use: a process writes to it
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
