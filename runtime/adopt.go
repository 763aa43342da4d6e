package runtime

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata/runtime/schema"
)

// tableLister is implemented by dialects that can list the tables of a
// database, as strata's own do. [WithFakeInitial] needs it.
type tableLister interface {
	Tables(ctx context.Context, conn *sql.Conn) ([]string, error)
}

// Fake records migration id as applied without running it, for a database
// where its changes were made by other means: by hand, by another tool, or
// by a run of it that strata cannot resume. It takes the migration lock as
// [Migrator.Up] does but, being a way out of drift, does not refuse on it.
// id must be registered, or Fake returns an error wrapping
// [ErrUnknownMigration], and not applied, or it returns one wrapping
// [ErrNotPending]. A progress row that a non-transactional run of it left
// goes too.
func (m *Migrator) Fake(ctx context.Context, db *sql.DB, id string, opts ...Option) (Result, error) {
	results, err := m.fake(ctx, db, id, false, opts)
	if err != nil {
		return Result{}, err
	}
	return results[0], nil
}

// Baseline records every pending migration that runs up to id (whose ID
// sorts up to it, when the Migrator includes no set),
// included, as applied without running any, in one transaction, for
// adopting a database whose schema already matches them. Like
// [Migrator.Fake], it does not refuse on drift. id must be registered;
// Baseline returns an error wrapping [ErrUnknownMigration] otherwise, and
// nothing when every migration up to id is applied.
func (m *Migrator) Baseline(ctx context.Context, db *sql.DB, id string, opts ...Option) ([]Result, error) {
	return m.fake(ctx, db, id, true, opts)
}

// fake records as applied, without running them, migration id or, when
// through is true, every pending migration up to id.
func (m *Migrator) fake(ctx context.Context, db *sql.DB, id string, through bool, opts []Option) ([]Result, error) {
	op := "fake"
	if through {
		op = "baseline"
	}
	r, err := m.newRun(db, opts)
	if err != nil {
		return nil, err
	}
	target := r.index(id)
	if target < 0 {
		return nil, fmt.Errorf("runtime: %s: %w %q", op, ErrUnknownMigration, id)
	}
	var results []Result
	err = r.locked(ctx, db, func(conn *sql.Conn) error {
		tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
		if err != nil {
			return fmt.Errorf("runtime: %s: %w", op, err)
		}
		defer func() { _ = tx.Rollback() }()
		st, err := r.ledger.read(ctx, tx)
		if err != nil {
			return err
		}
		if !through && isApplied(st.rows, id) {
			return fmt.Errorf("runtime: fake: %w: %s is applied already", ErrNotPending, id)
		}
		applied, batch := st.rows, nextBatch(st.rows)
		for i := range target + 1 {
			if isApplied(applied, r.migrations[i].ID) || (!through && i != target) {
				continue
			}
			res, rows, err := r.recordOnly(ctx, tx, applied, i, batch)
			if err != nil {
				return err
			}
			applied = rows
			results = append(results, res)
		}
		if err := tx.Commit(); err != nil {
			results = nil
			return fmt.Errorf("runtime: %s: commit: %w", op, err)
		}
		for _, res := range results {
			r.logResult(ctx, res, 0)
		}
		return nil
	})
	return results, err
}

// recordOnly records migration i as applied in tx, without running it,
// and removes any progress row of it.
func (r *run) recordOnly(ctx context.Context, tx *sql.Tx, applied []ledgerRow, i int, batch int) (Result, []ledgerRow, error) {
	id := r.migrations[i].ID
	rows, err := r.record(ctx, tx, applied, r.migrations[i], batch, time.Now())
	if err != nil {
		return Result{}, nil, err
	}
	if stmt, err := r.ledger.removeProgress(ctx, tx, id); err != nil {
		return Result{}, nil, &MigrationError{ID: id, Statement: stmt, SQLState: sqlState(err), Err: err}
	}
	return Result{ID: id, Faked: true}, rows, nil
}

// fakeInitial records as applied, without running them, the pending
// migrations from the first whose tables all exist already, for
// [WithFakeInitial], and returns them. It stops at the first migration
// that creates no table or none of whose tables exist, and refuses one
// whose tables exist in part.
func (r *run) fakeInitial(ctx context.Context, conn *sql.Conn, batch *int) ([]Result, error) {
	lister, ok := r.dialect.(tableLister)
	if !ok {
		return nil, fmt.Errorf("runtime: up: fake-initial: the %s dialect cannot list tables", r.dialect.Name())
	}
	existing, err := lister.Tables(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("runtime: up: fake-initial: %w", err)
	}
	var results []Result
	for {
		tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
		if err != nil {
			return results, fmt.Errorf("runtime: up: %w", err)
		}
		done, res, err := r.fakeNext(ctx, conn, tx, existing, batch)
		if err != nil || done {
			_ = tx.Rollback()
			return results, err
		}
		if err := tx.Commit(); err != nil {
			r.held = nil // whether it took effect is for the next read to tell
			return results, fmt.Errorf("runtime: up: fake-initial: commit: %w", err)
		}
		r.logResult(ctx, res, 0)
		results = append(results, res)
	}
}

// fakeNext records the next pending migration in tx on conn without
// running it, when every table it creates is among existing, and reports
// whether faking is done instead.
func (r *run) fakeNext(ctx context.Context, conn *sql.Conn, tx *sql.Tx, existing []string, batch *int) (done bool, res Result, err error) {
	held, err := r.current(ctx, conn, tx)
	if err != nil {
		return false, Result{}, err
	}
	i := r.nextPending(held.rows, "", held.next)
	if i < 0 {
		return true, Result{}, nil
	}
	var created, missing []string
	for _, op := range r.migrations[i].Up {
		if ct, ok := op.(schema.CreateTable); ok {
			created = append(created, ct.Table.Name)
			if !slices.Contains(existing, ct.Table.Name) {
				missing = append(missing, ct.Table.Name)
			}
		}
	}
	switch {
	case len(created) == 0 || len(missing) == len(created):
		return true, Result{}, nil
	case len(missing) > 0:
		return false, Result{}, fmt.Errorf("runtime: up: fake-initial: migration %s creates tables %s, of which %s exist already but %s do not: "+
			"create the missing ones or drop the others, then run again", r.migrations[i].ID,
			strings.Join(created, ", "), strings.Join(without(created, missing), ", "), strings.Join(missing, ", "))
	}
	if *batch == 0 {
		*batch = nextBatch(held.rows)
	}
	res, rows, err := r.recordOnly(ctx, tx, held.rows, i, *batch)
	if err != nil {
		return false, Result{}, err
	}
	held.committed(rows, i) // the caller commits, or gives up on error
	return false, res, nil
}

// without returns the elements of all that are not in some.
func without(all, some []string) []string {
	var rest []string
	for _, s := range all {
		if !slices.Contains(some, s) {
			rest = append(rest, s)
		}
	}
	return rest
}
