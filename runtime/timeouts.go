package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// LockRetries is how many times a migration, or a part of one that runs
// statement by statement, is tried again after one of its statements gave
// up waiting for a lock (see [WithStepTimeouts]).
const LockRetries = 5

// firstLockPause is the pause before the first try again; each later pause
// doubles it, with jitter.
const firstLockPause = 100 * time.Millisecond

// prologue returns the statements that set the timeouts of a transaction
// that runs steps (see [run.settings]), each followed by "; ", to run in
// one request with the first step; "" when there are none.
func (r *run) prologue(steps []dialect.Step) string {
	sets := r.settings(steps)
	if len(sets) == 0 {
		return ""
	}
	return strings.Join(sets, "; ") + "; "
}

// settings returns the statements that set the timeouts of a transaction
// that runs steps, or none when the dialect has no timeouts or none is set.
// A transaction that runs one step apart, a VALIDATE CONSTRAINT that blocks
// nobody however long it reads, has no statement timeout.
func (r *run) settings(steps []dialect.Step) []string {
	t, ok := r.dialect.(dialect.Timeouts)
	if !ok || len(steps) == 0 {
		return nil
	}
	lock, statement := r.cfg.stepTimeouts()
	if statement > 0 && len(steps) == 1 && steps[0].Apart {
		statement = -1
	}
	return t.Timeouts(lock, statement)
}

// lockTimedOut reports whether err is a statement giving up waiting for a
// lock after the timeout the prologue set.
func (r *run) lockTimedOut(err error) bool {
	t, ok := r.dialect.(dialect.Timeouts)
	return ok && err != nil && t.LockTimedOut(err)
}

// retryLock reports whether the part of migration id that failed with err
// on its attempt-th try (from 1) is to be tried again: when err is a lock
// timeout and tries are left. It then waits before it returns, a pause
// that doubles with each try, with jitter so that replicas do not come
// back together. On the last try it adds to err the sessions that hold
// locks on the tables the failed statement names, where the dialect can
// tell, through conn.
func (r *run) retryLock(ctx context.Context, conn *sql.Conn, id string, err *error, attempt int) bool {
	if !r.lockTimedOut(*err) {
		return false
	}
	if attempt > LockRetries || ctx.Err() != nil {
		r.nameBlockers(ctx, conn, *err, attempt)
		return false
	}
	pause := firstLockPause << (attempt - 1)
	pause += rand.N(pause) // jitter: between one and two times the pause
	r.log.LogAttrs(ctx, slog.LevelWarn, "strata: a statement gave up waiting for a lock; trying the migration again",
		slog.String("id", id), slog.Int("attempt", attempt), slog.Duration("pause", pause), slog.String("error", (*err).Error()))
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-ctx.Done():
		*err = fmt.Errorf("%w (while waiting to try again: %w)", *err, ctx.Err())
		return false
	case <-t.C:
		return true
	}
}

// blockerFinder is implemented by dialects that can tell which sessions
// hold locks on the tables a statement names, as strata's postgres
// dialect does.
type blockerFinder interface {
	Blockers(ctx context.Context, conn *sql.Conn, statement string) (string, error)
}

// nameBlockers adds to the *MigrationError err, after attempt tries, the
// number of tries and the sessions that hold locks on the tables its
// statement names, when the dialect can tell.
func (r *run) nameBlockers(ctx context.Context, conn *sql.Conn, err error, attempt int) {
	var me *MigrationError
	if !errors.As(err, &me) {
		return
	}
	me.LockTries = attempt
	if f, ok := r.dialect.(blockerFinder); ok && me.Statement != "" && ctx.Err() == nil {
		if who, ferr := f.Blockers(ctx, conn, me.Statement); ferr == nil {
			me.Blockers = who
		}
	}
}
