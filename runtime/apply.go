package runtime

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// render renders migration i of r, its Down operations when down is true
// and its Up operations otherwise, against the schema the migrations
// before it leave (for Down, the schema migration i itself leaves). The
// [schema.Irreversible] markers of a Down, which only a forced revert gets
// this far with, render to nothing.
func (r *run) render(rp *replayer, i int, down bool) ([]dialect.Step, error) {
	mig := r.migrations[i]
	ops, n := mig.Up, i
	if down {
		ops, n = mig.Down, i+1
	}
	before, err := rp.after(n)
	if err != nil {
		return nil, &MigrationError{ID: mig.ID, Down: down, Err: err}
	}
	d := r.dialect
	if o, ok := d.(dialect.Offliner); ok && len(mig.Offline) > 0 {
		d = o.Offline(mig.Offline...)
	}
	render := d.Render
	if inPlace, ok := d.(inPlaceRenderer); ok && !down {
		// The replayer's schema moves past migration i as it renders.
		render = inPlace.RenderInPlace
		rp.handOver(i + 1)
	}
	steps, err := renderOps(func(kept []schema.Operation) ([]dialect.Step, error) { return render(before, kept) }, ops)
	if err != nil {
		rp.forget()
		return nil, &MigrationError{ID: mig.ID, Down: down, Err: err}
	}
	return steps, nil
}

// inPlaceRenderer is implemented by dialects that can render against a
// schema the caller gives up, leaving it as the operations leave it, as
// strata's own do: the runtime replays migrations one after another, and
// copying the schema for each would cost as much as the schema is large.
type inPlaceRenderer interface {
	RenderInPlace(s *schema.Schema, ops []schema.Operation) ([]dialect.Step, error)
}

// renderOps renders ops with render, leaving out their
// [schema.Irreversible] markers, which no dialect knows, while each step's
// Op still counts them.
func renderOps(render func([]schema.Operation) ([]dialect.Step, error), ops []schema.Operation) ([]dialect.Step, error) {
	var (
		kept     []schema.Operation
		position []int // of each kept operation in ops
	)
	for k, op := range ops {
		if _, ok := op.(schema.Irreversible); !ok {
			kept = append(kept, op)
			position = append(position, k)
		}
	}
	steps, err := render(kept)
	if err != nil {
		return nil, err
	}
	for k := range steps {
		if steps[k].Op < len(position) {
			steps[k].Op = position[steps[k].Op]
		}
	}
	return steps, nil
}

// irreversible returns the reasons of the [schema.Irreversible] markers in
// ops, and whether there is one.
func irreversible(ops []schema.Operation) (string, bool) {
	var reasons []string
	for _, op := range ops {
		if mark, ok := op.(schema.Irreversible); ok {
			reasons = append(reasons, cmp.Or(mark.Reason, "no reason given"))
		}
	}
	return strings.Join(reasons, "; "), len(reasons) > 0
}

// applyIn applies mig, rendered as steps, in tx: its statements, then its
// ledger row, chained to the rows of applied before it. It returns when it
// started and the rows of the ledger once tx commits (see [run.record]).
func (r *run) applyIn(ctx context.Context, tx *sql.Tx, applied []ledgerRow, mig Migration, steps []dialect.Step, batch int) (time.Time, []ledgerRow, error) {
	if err := r.fence(ctx, tx, mig.ID, false); err != nil {
		return time.Time{}, nil, err
	}
	start := time.Now()
	pre := r.prologue(steps)
	row := r.ledgerRowOf(applied, mig, batch, start)
	tail := r.ledgerTail(ctx, steps, row)
	for k, st := range steps {
		post := ""
		if k == len(steps)-1 && tail != "" {
			post = ";\n" + tail
		}
		if _, err := r.runStep(ctx, tx, mig.ID, false, k, st, pre, post); err != nil {
			return time.Time{}, nil, err
		}
		pre = ""
	}
	if tail != "" {
		rows, err := r.rechain(ctx, tx, applied, mig.ID, row.Checksum)
		if err != nil {
			return time.Time{}, nil, err
		}
		return start, insertRow(rows, row), nil
	}
	rows, err := r.record(ctx, tx, applied, mig, batch, start)
	return start, rows, err
}

// ledgerJoiner is implemented by dialects that let the last statement of
// a migration's transaction and the INSERT of its ledger row travel as
// one text, which spares a round trip per migration: PostgreSQL's, whose
// drivers send a text without arguments as a simple query, which may hold
// several statements. The row's values go into the text ([argInliner]),
// its duration as ElapsedMillis, SQL for the milliseconds since the
// transaction began by the server's clock.
//
// Such a text, sent outside a transaction, also runs as one transaction
// of its own (PostgreSQL's implicit transaction block): it commits when
// its last statement has run, and a statement that fails rolls it all
// back, so that a whole migration may travel as one ([run.applyAsOneText]).
type ledgerJoiner interface {
	argInliner
	ElapsedMillis() string
	// Canceled reports whether err says that the server stopped a
	// statement: it ran past its timeout, or somebody cancelled it.
	Canceled(err error) bool
	// TimesEachStatement reports whether the server on conn times each
	// statement of a text on its own, with the timeouts the statements
	// before it in the text set, as it does in a transaction. Where it
	// does not, a whole migration does not travel as one text.
	TimesEachStatement(ctx context.Context, conn *sql.Conn) (bool, error)
}

// ledgerTail returns the INSERT of row, the ledger row of the migration
// whose transaction runs steps, as a text to send after its last step, or
// "" when the row goes in a statement of its own: when the dialect is no
// [ledgerJoiner], when the last step is Go or repeats, when a value
// cannot be written into the text, and when statements are logged one by
// one with the rows each touched, which the joined text would count
// together.
func (r *run) ledgerTail(ctx context.Context, steps []dialect.Step, row ledgerRow) string {
	j, ok := r.dialect.(ledgerJoiner)
	if !ok || len(steps) == 0 || r.log.Enabled(ctx, slog.LevelDebug) {
		return ""
	}
	if last := steps[len(steps)-1]; last.Go != nil || last.SQL == "" || last.Repeat {
		return ""
	}
	statement, args := r.ledger.insertStatement(row.ID, row.Checksum, row.Batch, row.AppliedAt, 0)
	args = args[:len(args)-1] // the duration is the server's
	statement = strings.Replace(statement, r.dialect.Placeholder(len(args)+1), j.ElapsedMillis(), 1)
	text, ok := j.Inline(statement, args)
	if !ok {
		return ""
	}
	return text
}

// applyAsOneText applies migration i, rendered as steps, on conn as one
// text sent outside any transaction, which a [ledgerJoiner] runs as one:
// its timeouts, its statements and its ledger row, where a transaction of
// its own costs two round trips more, its BEGIN and its COMMIT. held is
// the ledger as the run holds it, without a transaction, under a lock it
// trusts. It reports whether it applied the migration. It does not when
// the migration cannot travel so (see [run.ledgerTail]; a Go step; a
// ledger row of its set that sorts after it, whose checksum would be
// chained anew; steps are never [dialect.Stepwise] here), nor when the
// database refused the text, which then left nothing done: refused is
// then the database's error, and the migration is to run again the
// ordinary way, whose error names the statement that failed. A statement
// the server stopped, past its timeout, is not run again, which would hold
// its locks as long again: the error, err, says which migration but not
// which statement. An error that does not come from the database, a
// connection lost or a run interrupted, leaves unknown whether the text
// committed, as a COMMIT's does: it is err too.
func (r *run) applyAsOneText(ctx context.Context, conn *sql.Conn, held *heldLedger, i int, steps []dialect.Step, batch int) (res Result, applied bool, refused, err error) {
	mig := r.migrations[i]
	if r.lease != nil || laterInSet(held.rows, mig.ID) || !r.timesEachStatement(ctx, conn) {
		return Result{}, false, nil, nil
	}
	size := 0
	for _, st := range steps {
		if st.Go != nil || st.SQL == "" {
			return Result{}, false, nil, nil
		}
		size += len(st.SQL) + 2
	}
	start := time.Now()
	row := r.ledgerRowOf(held.rows, mig, batch, start)
	tail := r.ledgerTail(ctx, steps, row)
	if tail == "" {
		return Result{}, false, nil, nil
	}
	pre := r.prologue(steps)
	var text strings.Builder
	text.Grow(len(pre) + size + len(tail))
	text.WriteString(pre)
	for _, st := range steps {
		// A statement may end in a line comment: the separator goes on
		// a line of its own.
		text.WriteString(st.SQL)
		text.WriteString(";\n")
	}
	text.WriteString(tail)
	if _, err := conn.ExecContext(ctx, text.String()); err != nil {
		switch state := sqlState(err); {
		case state != "" && ctx.Err() == nil && r.dialect.(ledgerJoiner).Canceled(err):
			return Result{}, false, nil, &MigrationError{ID: mig.ID, SQLState: state,
				Err: fmt.Errorf("one of its %d statements, sent as one text, none of which took effect: %w", len(steps), err)}
		case state != "" && ctx.Err() == nil:
			return Result{}, false, &MigrationError{ID: mig.ID, SQLState: state, Err: err}, nil
		}
		r.held = nil // whether it took effect is for the next read to tell
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return Result{}, false, nil, &MigrationError{ID: mig.ID, SQLState: sqlState(err), Err: err}
	}
	held.committed(insertRow(held.rows, row), i)
	res = Result{ID: mig.ID, Duration: time.Since(start)}
	r.logResult(ctx, res, len(steps))
	return res, true, nil, nil
}

// timesEachStatement reports whether r's dialect is a [ledgerJoiner] and
// the server on conn times each statement of a text on its own, asking
// the server once per run. When the server cannot tell, it reports false.
func (r *run) timesEachStatement(ctx context.Context, conn *sql.Conn) bool {
	if r.eachTimed == 0 {
		r.eachTimed = -1
		if j, ok := r.dialect.(ledgerJoiner); ok {
			if each, err := j.TimesEachStatement(ctx, conn); err == nil && each {
				r.eachTimed = 1
			}
		}
	}
	return r.eachTimed > 0
}

// laterInSet reports whether rows, sorted by ID, hold a row of the set of
// migration id that sorts after it.
func laterInSet(rows []ledgerRow, id string) bool {
	set := setOf(id)
	k := sort.Search(len(rows), func(k int) bool { return rows[k].ID > id })
	for _, row := range rows[k:] {
		if setOf(row.ID) == set {
			return true
		}
	}
	return false
}

// ledgerRowOf returns the ledger row of mig, applied in batch from start,
// its checksum chained to the rows of applied before it.
func (r *run) ledgerRowOf(applied []ledgerRow, mig Migration, batch int, start time.Time) ledgerRow {
	return ledgerRow{ID: mig.ID, Checksum: r.sums.sum(checksumBefore(applied, mig.ID), mig), Batch: batch, AppliedAt: start.UTC()}
}

// record writes the ledger row of mig, applied in batch from start, in tx,
// and chains anew the rows of applied after it. It returns the rows of the
// ledger as they are once tx commits, sorted by ID: those of applied,
// whose array it may reuse past its length but does not change, with
// mig's in its place and the later ones chained anew.
func (r *run) record(ctx context.Context, tx *sql.Tx, applied []ledgerRow, mig Migration, batch int, start time.Time) ([]ledgerRow, error) {
	row := r.ledgerRowOf(applied, mig, batch, start)
	if stmt, err := r.ledger.insert(ctx, tx, mig.ID, row.Checksum, batch, start, time.Since(start)); err != nil {
		return nil, &MigrationError{ID: mig.ID, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	// rechain copies applied when a row sorts after mig, so the insertion
	// appends to applied or goes into the copy.
	rows, err := r.rechain(ctx, tx, applied, mig.ID, row.Checksum)
	if err != nil {
		return nil, err
	}
	return insertRow(rows, row), nil
}

// revertIn reverts migration id, its Down rendered as steps, in tx: its
// statements, then the deletion of its ledger row. It returns when it
// started.
func (r *run) revertIn(ctx context.Context, tx *sql.Tx, id string, steps []dialect.Step) (time.Time, error) {
	if err := r.fence(ctx, tx, id, true); err != nil {
		return time.Time{}, err
	}
	start := time.Now()
	pre := r.prologue(steps)
	for k, st := range steps {
		if _, err := r.runStep(ctx, tx, id, true, k, st, pre, ""); err != nil {
			return time.Time{}, err
		}
		pre = ""
	}
	if stmt, err := r.ledger.remove(ctx, tx, id); err != nil {
		return time.Time{}, &MigrationError{ID: id, Down: true, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	return start, nil
}

// insertRow returns rows, sorted by ID, with row added in its place. It
// may reuse the array of rows, which the caller gives up.
func insertRow(rows []ledgerRow, row ledgerRow) []ledgerRow {
	k := sort.Search(len(rows), func(k int) bool { return rows[k].ID >= row.ID })
	return slices.Insert(rows, k, row)
}

// withBefore fills in the Before of a *MigrationError err with the IDs of
// results, the migrations the same call got through before it.
func withBefore(err error, results []Result) error {
	var me *MigrationError
	if errors.As(err, &me) && me.Before == nil && len(results) > 0 {
		for _, res := range results {
			me.Before = append(me.Before, res.ID)
		}
	}
	return err
}

// checkProgress refuses to start op ("up" or "down") while the ledger's
// progress table holds a migration left part way in the other direction,
// which only a run in that direction (or [Migrator.Resolve]) may finish.
func checkProgress(op string, progress []progressRow) error {
	for _, p := range progress {
		if p.Direction == op {
			continue
		}
		verb, finish := "applied", "up"
		if p.down() {
			verb, finish = "reverted", "down"
		}
		return fmt.Errorf("runtime: %s: %w: migration %s was left part way while being %s (%d statements took effect); run %q to finish it first",
			op, ErrInterrupted, p.ID, verb, p.Done, finish)
	}
	return nil
}
