package runtime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// Up applies every pending migration to db, in order of ID (see
// [Migrator.Include] for the order of several sets), and returns
// those it applied. Each runs in a transaction of its own, together with the
// ledger row that records it, unless it is marked
// [Migration.NonTransactional] or [WithSingleTransaction] puts them all in
// one; all those of one call share a batch number. On PostgreSQL a
// migration of SQL statements alone goes to the server as one text, which
// it runs as one transaction.
//
// Up first reads the ledger without any lock: when nothing is pending it
// returns at once, without waiting for a lock another process holds.
// Otherwise it takes the migration lock (see [WithLockTimeout] and
// [WithLease]) and reads the ledger again under it, and again inside a
// migration's transaction wherever another process may have changed it
// meanwhile, so that processes calling Up on one database at the same time
// apply each migration exactly once between them. It creates the ledger
// table when it is missing.
//
// Before it applies anything, Up checks the ledger against the registered
// migrations and refuses with a *[DriftError] when an applied migration was
// edited or is not registered, or when a pending one sorts before an
// applied one, unless given [WithAllowDrift]. A non-transactional migration
// that an earlier run left part way is resumed from its first statement
// that did not take effect, or, when that cannot be known, Up stops with an
// *[InterruptedError].
//
// When a migration fails, Up rolls it back and stops: it returns the
// migrations applied before it with a *[MigrationError]. When ctx ends
// while Up waits for the lock, Up returns an error wrapping ctx.Err().
func (m *Migrator) Up(ctx context.Context, db *sql.DB, opts ...Option) ([]Result, error) {
	return m.up(ctx, db, "", opts)
}

// UpTo applies the pending migrations that run up to id, included (whose
// IDs sort up to it, when the Migrator includes no set), as
// [Migrator.Up] applies them all. id must be registered; UpTo returns an
// error wrapping [ErrUnknownMigration] otherwise, and nothing when id is
// applied already.
func (m *Migrator) UpTo(ctx context.Context, db *sql.DB, id string, opts ...Option) ([]Result, error) {
	if ms, o, _ := m.flatten(); id == "" || o.index(ms, id) < 0 {
		return nil, fmt.Errorf("runtime: up: %w %q", ErrUnknownMigration, id)
	}
	return m.up(ctx, db, id, opts)
}

// up applies the pending migrations that run up to target, or all of
// them when target is "".
// With WithVerify it then compares the live schema with the migrations'.
func (m *Migrator) up(ctx context.Context, db *sql.DB, target string, opts []Option) ([]Result, error) {
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	results, err := r.up(ctx, db, target)
	if err != nil || !r.cfg.verify {
		return results, err
	}
	v, err := r.verify(ctx, db)
	switch {
	case err != nil:
		return results, err
	case v.Drifted():
		return results, &SchemaDriftError{Verification: v}
	}
	return results, nil
}

// up is [Migrator.up] on a run, without the verification.
func (r *run) up(ctx context.Context, db *sql.DB, target string) ([]Result, error) {
	// The read without the lock only saves taking it: when it fails (SQLite
	// reports SQLITE_BUSY while another process commits), the read under
	// the lock decides.
	expected := r.expectedSums() // while the ledger is read
	if st, exists, err := r.ledger.readIfExists(ctx, db, false); err == nil && exists {
		if len(st.progress) == 0 && r.upToDate(st.rows, expected()) {
			return nil, nil
		}
		r.ledgerFound = true
		statuses := r.audit(st.rows)
		if err := r.checkDrift("up", statuses); err != nil {
			return nil, err
		}
		if !r.lockNeeded(st, target) {
			r.warnFuture(ctx, statuses)
			return nil, nil
		}
	}
	// A run waiting for the lock stops waiting once the run holding it has
	// applied everything. It reads the ledger for that every neededPoll at
	// most: many replicas may wait at once, beside the run that migrates.
	var asked time.Time
	r.lockOpts.Needed = func(ctx context.Context) (bool, error) {
		if time.Since(asked) < neededPoll {
			return true, nil
		}
		asked = time.Now()
		st, exists, err := r.ledger.readIfExists(ctx, db, false)
		return !exists || r.lockNeeded(st, target), err
	}
	var results []Result
	err := r.locked(ctx, db, func(conn *sql.Conn) error {
		defer r.unmark(ctx, conn)
		st, err := r.ledger.read(ctx, conn)
		if err != nil {
			return err
		}
		statuses := r.audit(st.rows)
		if err := r.checkDrift("up", statuses); err != nil {
			return err
		}
		if err := checkProgress("up", st.progress); err != nil {
			return err
		}
		if earlierForm(st.rows) {
			if st.rows, err = r.upgradeChecksums(ctx, conn, st.rows); err != nil {
				return err
			}
		}
		r.warnFuture(ctx, statuses)
		r.hold(st)
		// A database that holds no migration yet, and no tables to adopt,
		// has nobody reading what the run writes: the dialect may keep its
		// lock from one migration to the next.
		r.lockOpts.KeepLock = len(st.rows) == 0 && len(st.progress) == 0 && !r.cfg.fakeInitial
		rp := replayer{migrations: r.migrations}
		batch := 0 // set from the ledger when the first migration is applied
		if r.cfg.fakeInitial {
			if results, err = r.fakeInitial(ctx, conn, &batch); err != nil {
				return err
			}
		}
		if r.cfg.singleTx {
			applied, err := r.applyAllInOne(ctx, conn, target, batch)
			results = append(results, applied...)
			return err
		}
		for {
			res, ok, err := r.applyNext(ctx, conn, &rp, target, &batch)
			if err != nil || !ok {
				return withBefore(err, results)
			}
			results = append(results, res)
		}
	})
	if errors.Is(err, dialect.ErrNotNeeded) {
		return nil, nil
	}
	return results, err
}

// neededPoll is how often a run waiting for the lock reads the ledger to
// know whether it still needs the lock.
const neededPoll = 250 * time.Millisecond

// lockNeeded reports whether Up, applying migrations up to target, must
// take the lock on a database whose ledger holds st: when a migration is
// pending, one was left part way, or checksums of earlier builds wait to
// be rewritten.
func (r *run) lockNeeded(st ledgerState, target string) bool {
	return r.nextPending(st.rows, target, 0) >= 0 || len(st.progress) > 0 || earlierForm(st.rows)
}

// nextPending returns the position in r.migrations of the first migration
// from position from on that applied does not record and that runs no
// later than target (any, when target is ""), or -1.
func (r *run) nextPending(applied []ledgerRow, target string, from int) int {
	for i := from; i < len(r.migrations); i++ {
		if isApplied(applied, r.migrations[i].ID) {
			continue
		}
		if target != "" && i > r.index(target) {
			return -1
		}
		return i
	}
	return -1
}

// applyNext applies the first pending migration up to target, if there is
// one, and reports whether there was one. It runs the migration in a
// transaction of its own, or statement by statement when it is marked
// [Migration.NonTransactional].
func (r *run) applyNext(ctx context.Context, conn *sql.Conn, rp *replayer, target string, batch *int) (Result, bool, error) {
	if _, counted := r.dialect.(changeCounter); !counted && r.held != nil && r.nextPending(r.held.rows, target, r.held.next) < 0 {
		return Result{}, false, nil // nobody else can have changed the ledger
	}
	// Under a lock the run trusts, the transaction begins once the
	// migration is known to need one.
	var tx *sql.Tx
	defer func() { rollback(tx) }()
	held := r.trusted()
	if held == nil {
		var err error
		if tx, err = r.dialect.Begin(ctx, conn, r.lockOpts); err != nil {
			return Result{}, false, fmt.Errorf("runtime: up: %w", err)
		}
		if held, err = r.current(ctx, conn, tx); err != nil {
			return Result{}, false, err
		}
	}
	i := r.nextPending(held.rows, target, held.next)
	if i < 0 {
		return Result{}, false, nil
	}
	if *batch == 0 {
		*batch = nextBatch(held.rows)
	}
	mig := r.migrations[i]
	steps, err := r.renderUp(rp, i)
	if err != nil {
		return Result{}, false, err
	}
	if next := r.nextPending(held.rows, target, i+1); next >= 0 {
		r.renderAhead(rp, next)
	}
	if mig.NonTransactional || dialect.Stepwise(steps) {
		rollback(tx)
		tx = nil
		if r.trusted() == nil {
			r.held = nil // byStatement reads the ledger itself, and changes it
		}
		return r.byStatement(ctx, conn, mig.ID, false, mig.NonTransactional, steps, *batch)
	}
	tries := 1
	if tx == nil {
		res, applied, refused, err := r.applyAsOneText(ctx, conn, held, i, steps, *batch)
		if applied || err != nil {
			return res, applied, err
		}
		if refused != nil && r.lockTimedOut(refused) {
			// The text was the migration's first try.
			if !r.retryLock(ctx, conn, mig.ID, &refused, tries) {
				return Result{}, false, refused
			}
			tries++
		}
		if tx, err = r.dialect.Begin(ctx, conn, r.lockOpts); err != nil {
			return Result{}, false, fmt.Errorf("runtime: up: %w", err)
		}
	}
	start, rows, err := r.applyIn(ctx, tx, held.rows, mig, steps, *batch)
	for ; err != nil && r.lockTimedOut(err); tries++ {
		// Nothing took effect; nobody else migrates while the run holds
		// the lock, so the ledger read before is still the ledger. The
		// rollback comes first: after the last try, the sessions holding
		// the lock are looked up on conn.
		_ = tx.Rollback()
		if !r.retryLock(ctx, conn, mig.ID, &err, tries) {
			break
		}
		if tx, err = r.dialect.Begin(ctx, conn, r.lockOpts); err != nil {
			return Result{}, false, fmt.Errorf("runtime: up: %w", err)
		}
		start, rows, err = r.applyIn(ctx, tx, held.rows, mig, steps, *batch)
	}
	if err != nil {
		return Result{}, false, err
	}
	if err := tx.Commit(); err != nil {
		r.held = nil // whether it took effect is for the next read to tell
		return Result{}, false, &MigrationError{ID: mig.ID, Err: fmt.Errorf("commit: %w", err)}
	}
	held.committed(rows, i)
	res := Result{ID: mig.ID, Duration: time.Since(start)}
	r.logResult(ctx, res, len(steps))
	return res, true, nil
}

// rendering is the rendering of migration i's Up operations, made on a
// goroutine of its own: done is closed once steps and err are set.
type rendering struct {
	i     int
	steps []dialect.Step
	err   error
	done  chan struct{}
}

// renderAhead starts rendering migration i's Up operations with rp, on a
// goroutine of its own, while the migration before it runs: rendering
// costs the CPU that SQLite, in the same process, or the client side of a
// round trip to PostgreSQL, could otherwise not share. rp is the
// rendering's until [run.renderUp] collects it.
func (r *run) renderAhead(rp *replayer, i int) {
	a := &rendering{i: i, done: make(chan struct{})}
	r.ahead = a
	go func() {
		defer close(a.done)
		a.steps, a.err = r.render(rp, i, false)
	}()
}

// renderUp returns the steps of migration i's Up operations: those
// rendered ahead when they are i's, and those rp renders otherwise (when
// the rendering ahead failed, rendering again gives its error).
func (r *run) renderUp(rp *replayer, i int) ([]dialect.Step, error) {
	if a := r.ahead; a != nil {
		r.ahead = nil
		<-a.done
		if a.i == i && a.err == nil {
			return a.steps, nil
		}
	}
	return r.render(rp, i, false)
}

// applyAllInOne applies every pending migration up to target in one
// transaction, for [WithSingleTransaction], in batch or, when it is 0, the
// next one.
func (r *run) applyAllInOne(ctx context.Context, conn *sql.Conn, target string, batch int) ([]Result, error) {
	tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
	if err != nil {
		return nil, fmt.Errorf("runtime: up: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	st, err := r.ledger.read(ctx, tx)
	if err != nil {
		return nil, err
	}
	var pending []int
	for i, mig := range r.migrations {
		if !isApplied(st.rows, mig.ID) && (target == "" || i <= r.index(target)) {
			if mig.NonTransactional {
				return nil, fmt.Errorf("runtime: up: %w: migration %s is marked NonTransactional, so the pending migrations cannot run in a single transaction", ErrNonTransactional, mig.ID)
			}
			pending = append(pending, i)
		}
	}
	rp := replayer{migrations: r.migrations}
	if batch == 0 {
		batch = nextBatch(st.rows)
	}
	applied := st.rows
	var (
		results []Result
		counts  []int
	)
	rendered := make([][]dialect.Step, len(pending))
	for k, i := range pending {
		steps, err := r.render(&rp, i, false)
		if err != nil {
			return nil, err
		}
		if dialect.Stepwise(steps) {
			// A statement that commits on its own (all DDL on MySQL) would
			// commit the transaction half-way.
			return nil, fmt.Errorf("runtime: up: %w: migration %s has statements that cannot run inside a transaction on %s, so the pending migrations cannot run in a single transaction",
				ErrNonTransactional, r.migrations[i].ID, r.dialect.Name())
		}
		rendered[k] = steps
	}
	for k, i := range pending {
		steps := rendered[k]
		start, rows, err := r.applyIn(ctx, tx, applied, r.migrations[i], steps, batch)
		if err != nil {
			return nil, err
		}
		applied = rows
		results = append(results, Result{ID: r.migrations[i].ID, Duration: time.Since(start)})
		counts = append(counts, len(steps))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("runtime: up: commit: %w", err)
	}
	for k, res := range results {
		r.logResult(ctx, res, counts[k])
	}
	return results, nil
}
