package migratecli

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals are the signals that stop a command: an interrupt (Ctrl-C)
// and SIGTERM, with which Kubernetes, systemd and docker stop a process.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// stoppedError is the cause of a context that a stop signal ended.
type stoppedError struct {
	sig os.Signal
}

func (e *stoppedError) Error() string {
	name := e.sig.String()
	switch e.sig {
	case os.Interrupt:
		name = "SIGINT"
	case syscall.SIGTERM:
		name = "SIGTERM"
	}
	return "interrupted by " + name
}

// withStopSignals returns a copy of parent that ends when the process
// receives one of [stopSignals], with a *stoppedError naming it as its
// cause. The first signal does nothing else: the command stops as it can.
// It also gives the signals their default behaviour back, so that a
// second one ends the process at once, even while the command is still
// stopping. stop releases the signals and ends the context; call it once
// the command has returned.
func withStopSignals(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	// Room for two signals: a second one sent right after the first must
	// not be dropped while the first waits to be read.
	caught := make(chan os.Signal, 2)
	signal.Notify(caught, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-caught:
			signal.Stop(caught)
			cancel(&stoppedError{sig: sig})
			// A second signal caught before Stop returned is sent again,
			// now that its default behaviour ends the process.
			select {
			case again := <-caught:
				raise(again)
			default:
			}
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(caught)
			close(done)
			cancel(nil)
		})
	}
}

// raise sends sig to the process itself, or, where it cannot be sent (an
// interrupt on Windows), exits with code 1 as its default behaviour would
// have ended the process.
func raise(sig os.Signal) {
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		err = p.Signal(sig)
	}
	if err != nil {
		os.Exit(exitFailure)
	}
}
