package runtime

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// ledger reads and writes the table that records the applied migrations:
// one row per migration, with the checksum of its Up operations chained to
// the row before it ([checksummer]),
// the batch (one number per call of [Migrator.Up]), when it was applied and
// how long it took. The dialect's [dialect.Dialect.Ledger] statements create
// it.
type ledger struct {
	dialect dialect.Dialect
	table   string
	// squashes are the registered migrations that replace others
	// ([Migration.Replaces]), by ID.
	squashes map[string][]string
	// expect is how many rows a read expects, the number of registered
	// migrations: the read makes room for them at once.
	expect int
}

// ledgerRow is one applied migration as the ledger records it.
type ledgerRow struct {
	ID        string
	Checksum  string
	Batch     int
	AppliedAt time.Time
	// replaced, set on the row of a squash that the ledger records as the
	// rows of the migrations it replaces, lists their IDs. Its checksum is
	// the last of theirs, which the row after it is chained to.
	replaced []string
}

// squashesOf returns the migrations of ms that replace others, by ID, or
// an error when a migration they replace is registered too.
func squashesOf(ms []Migration, o *order) (map[string][]string, error) {
	var squashes map[string][]string
	for _, mig := range ms {
		if len(mig.Replaces) == 0 {
			continue
		}
		for _, id := range mig.Replaces {
			if o.index(ms, id) >= 0 {
				return nil, fmt.Errorf("runtime: migration %s replaces %s, which is registered too: remove its file", mig.ID, id)
			}
		}
		if squashes == nil {
			squashes = map[string][]string{}
		}
		squashes[mig.ID] = mig.Replaces
	}
	return squashes, nil
}

// collapse returns rows, sorted by ID, with the rows of the migrations that
// a squash replaces read as one row of the squash, when they are all there
// (see complete) and the squash has no row of its own.
func (l ledger) collapse(rows []ledgerRow) []ledgerRow {
	for id, replaced := range l.squashes {
		if isApplied(rows, id) {
			continue
		}
		recorded := make([]bool, len(replaced))
		var last ledgerRow
		for i, r := range replaced {
			if k, ok := slices.BinarySearchFunc(rows, r, func(row ledgerRow, id string) int { return cmp.Compare(row.ID, id) }); ok {
				recorded[i] = true
				if rows[k].ID > last.ID {
					last = rows[k]
				}
			}
		}
		if !complete(replaced, recorded) {
			continue // none, or some only: drift (see Drift)
		}
		rows = slices.DeleteFunc(rows, func(row ledgerRow) bool { return slices.Contains(replaced, row.ID) })
		rows = insertRow(rows, ledgerRow{ID: id, Checksum: last.Checksum, Batch: last.Batch, AppliedAt: last.AppliedAt, replaced: replaced})
	}
	return rows
}

// complete reports whether a ledger that records the migrations of
// replaced marked in recorded holds all that a squash of them stands for.
//
// A squash of a history that holds an earlier squash (strata squash names
// a squash after the last migration it folds, with "_squashed") replaces
// that squash and, with it, the migrations the earlier one replaced,
// which come before it: replaced is their IDs in order of ID, the earlier
// squash's among them. A ledger then records either the earlier squash or
// the migrations it replaced, never both. So the ledger is complete when,
// from the latest earlier squash it records (or from the start when it
// records none), it records every migration of replaced but the earlier
// squashes, and nothing before.
func complete(replaced []string, recorded []bool) bool {
	squash := make([]bool, len(replaced))
	start := 0
	for i, id := range replaced {
		prefix, ok := strings.CutSuffix(id, "_squashed")
		squash[i] = ok && slices.Contains(replaced[:i], prefix)
		if squash[i] && recorded[i] {
			start = i
		}
	}
	for i := range replaced {
		switch {
		case i < start || squash[i] && i != start:
			if recorded[i] {
				return false
			}
		case !recorded[i]:
			return false
		}
	}
	return true
}

// replacedBy returns the squash that replaces migration id, if any.
func (l ledger) replacedBy(id string) string {
	for squash, replaced := range l.squashes {
		if slices.Contains(replaced, id) {
			return squash
		}
	}
	return ""
}

// querier runs a query: a *sql.DB, *sql.Conn or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ledgerFinder is implemented by dialects that can tell whether the ledger
// table exists, as strata's own do. [Migrator.Status] uses it to report
// every migration as pending on a database that has never been migrated,
// without creating anything there.
type ledgerFinder interface {
	LedgerExists(ctx context.Context, db *sql.DB, table string) (bool, error)
}

// create creates the ledger table and its progress table ([progressRow])
// when they do not exist, in a transaction of its own on conn, which holds
// the migration lock.
func (l ledger) create(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions) error {
	tx, err := l.dialect.Begin(ctx, conn, opts)
	if err != nil {
		return fmt.Errorf("runtime: create ledger %s: %w", l.table, err)
	}
	defer func() { _ = tx.Rollback() }()
	// The progress table first: on an engine that commits each CREATE on
	// its own (MySQL), a run stopped between the two leaves no ledger
	// without its progress table, which the next run, finding the
	// ledger, would not create.
	for _, stmt := range append([]string{l.createProgress()}, l.dialect.Ledger(l.table)...) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("runtime: create ledger %s: %w", l.table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("runtime: create ledger %s: %w", l.table, err)
	}
	return nil
}

// ledgerState is what the ledger and its progress table hold.
type ledgerState struct {
	// rows are the applied migrations, sorted by ID.
	rows []ledgerRow
	// progress holds the migrations marked [Migration.NonTransactional]
	// that a run left part way, sorted by ID.
	progress []progressRow
}

// read returns the rows of the ledger and of its progress table, sorted by
// ID, in one query.
func (l ledger) read(ctx context.Context, q querier) (ledgerState, error) {
	return l.query(ctx, q, true)
}

// query reads the rows of the ledger and of its progress table, sorted by
// ID, in one query: whole when full is set, and otherwise only the IDs,
// checksums and directions, all that a start with nothing to do needs.
func (l ledger) query(ctx context.Context, q querier, full bool) (ledgerState, error) {
	query := "SELECT id, checksum, batch, applied_at, '', 0, 0 FROM " + l.dialect.QuoteIdent(l.table) +
		" UNION ALL SELECT id, checksum, batch, NULL, direction, done, running FROM " + l.dialect.QuoteIdent(l.progressTable())
	if !full {
		query = "SELECT id, checksum, '' FROM " + l.dialect.QuoteIdent(l.table) +
			" UNION ALL SELECT id, checksum, direction FROM " + l.dialect.QuoteIdent(l.progressTable())
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return ledgerState{}, fmt.Errorf("runtime: read ledger %s: %w", l.table, err)
	}
	defer func() { _ = rows.Close() }()
	st := ledgerState{rows: make([]ledgerRow, 0, l.expect)}
	// Scanned into the same variables row after row: a new set of
	// destinations for each row would cost allocations a start counts.
	var (
		r         ledgerRow
		appliedAt ledgerTime
		p         progressRow
	)
	dest := []any{&r.ID, &r.Checksum, &p.Direction}
	if full {
		dest = []any{&r.ID, &r.Checksum, &r.Batch, &appliedAt, &p.Direction, &p.Done, &p.Running}
	}
	for rows.Next() {
		r, p = ledgerRow{}, progressRow{}
		if err := rows.Scan(dest...); err != nil {
			return ledgerState{}, fmt.Errorf("runtime: read ledger %s: %w", l.table, err)
		}
		if p.Direction == "" {
			r.AppliedAt = appliedAt.Time.UTC()
			st.rows = append(st.rows, r)
			continue
		}
		p.ID, p.Checksum, p.Batch = r.ID, r.Checksum, r.Batch
		st.progress = append(st.progress, p)
	}
	if err := rows.Err(); err != nil {
		return ledgerState{}, fmt.Errorf("runtime: read ledger %s: %w", l.table, err)
	}
	// Sorted here rather than by ORDER BY, whose collation varies by engine,
	// so that the order is the one of Migrator.Migrations.
	slices.SortFunc(st.rows, func(a, b ledgerRow) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(st.progress, func(a, b progressRow) int { return strings.Compare(a.ID, b.ID) })
	st.rows = l.collapse(st.rows)
	return st, nil
}

// ledgerTime scans the applied_at of a ledger row: a time.Time, as
// drivers return it as a rule, or its text, as go-sql-driver/mysql
// returns it without parseTime=true; NULL is the zero time.
type ledgerTime struct{ Time time.Time }

// Scan implements [sql.Scanner].
func (lt *ledgerTime) Scan(v any) error {
	var text string
	switch v := v.(type) {
	case nil:
		lt.Time = time.Time{}
		return nil
	case time.Time:
		lt.Time = v
		return nil
	case []byte:
		text = string(v)
	case string:
		text = v
	default:
		return fmt.Errorf("applied_at: unexpected %T", v)
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00"} {
		if t, err := time.Parse(layout, text); err == nil {
			lt.Time = t
			return nil
		}
	}
	return fmt.Errorf("applied_at: unreadable time %q", text)
}

// readIfExists returns the rows of the ledger, whole or not as full says
// ([ledger.query]), and whether the ledger table exists. It reads first,
// so that a migrated database costs one query, and asks the dialect
// whether the table exists only when the read fails.
func (l ledger) readIfExists(ctx context.Context, db *sql.DB, full bool) (ledgerState, bool, error) {
	st, readErr := l.query(ctx, db, full)
	if readErr == nil {
		return st, true, nil
	}
	f, ok := l.dialect.(ledgerFinder)
	if !ok {
		return ledgerState{}, false, readErr
	}
	exists, err := f.LedgerExists(ctx, db, l.table)
	if err != nil {
		return ledgerState{}, false, fmt.Errorf("runtime: find ledger %s: %w", l.table, err)
	}
	if exists {
		return ledgerState{}, true, readErr
	}
	return ledgerState{}, false, nil
}

// insert records that migration id was applied in batch, at the time given,
// in the time given.
func (l ledger) insert(ctx context.Context, tx *sql.Tx, id, checksum string, batch int, at time.Time, took time.Duration) (statement string, err error) {
	statement, args := l.insertStatement(id, checksum, batch, at, took)
	_, err = l.exec(ctx, tx, statement, args...)
	return statement, err
}

// insertStatement returns the INSERT of a ledger row and its arguments,
// the duration last.
func (l ledger) insertStatement(id, checksum string, batch int, at time.Time, took time.Duration) (string, []any) {
	p := l.dialect.Placeholder
	statement := fmt.Sprintf("INSERT INTO %s (id, checksum, batch, applied_at, duration_ms) VALUES (%s, %s, %s, %s, %s)",
		l.dialect.QuoteIdent(l.table), p(1), p(2), p(3), p(4), p(5))
	return statement, []any{id, checksum, batch, at.UTC(), took.Milliseconds()}
}

// argInliner is implemented by dialects that write a statement's
// arguments into its text, where the driver would otherwise spend a round
// trip preparing each statement that has arguments, as
// go-sql-driver/mysql does unless its DSN says interpolateParams=true.
// Inline reports false when it cannot write one of args; the statement
// then goes with its arguments.
type argInliner interface {
	Inline(statement string, args []any) (string, bool)
}

// exec runs statement with args in tx: as one text when the dialect
// writes the arguments into it (see [argInliner]).
func (l ledger) exec(ctx context.Context, tx execer, statement string, args ...any) (sql.Result, error) {
	if in, ok := l.dialect.(argInliner); ok {
		if text, ok := in.Inline(statement, args); ok {
			return tx.ExecContext(ctx, text)
		}
	}
	return tx.ExecContext(ctx, statement, args...)
}

// setChecksum replaces the checksum recorded for migration id.
func (l ledger) setChecksum(ctx context.Context, tx *sql.Tx, id, checksum string) (statement string, err error) {
	p := l.dialect.Placeholder
	statement = fmt.Sprintf("UPDATE %s SET checksum = %s WHERE id = %s", l.dialect.QuoteIdent(l.table), p(1), p(2))
	_, err = l.exec(ctx, tx, statement, checksum, id)
	return statement, err
}

// remove deletes the row of migration id, and those of the migrations it
// replaces, which stand for it where they are.
func (l ledger) remove(ctx context.Context, tx *sql.Tx, id string) (statement string, err error) {
	ids := append([]any{id}, anys(l.squashes[id])...)
	params := make([]string, len(ids))
	for k := range ids {
		params[k] = l.dialect.Placeholder(k + 1)
	}
	statement = fmt.Sprintf("DELETE FROM %s WHERE id IN (%s)", l.dialect.QuoteIdent(l.table), strings.Join(params, ", "))
	_, err = l.exec(ctx, tx, statement, ids...)
	return statement, err
}

// anys returns ids as arguments of a statement.
func anys(ids []string) []any {
	out := make([]any, len(ids))
	for k, id := range ids {
		out[k] = id
	}
	return out
}

// nextBatch returns the batch number that follows the highest one in rows.
func nextBatch(rows []ledgerRow) int {
	highest := 0
	for _, r := range rows {
		highest = max(highest, r.Batch)
	}
	return highest + 1
}

// isApplied reports whether rows, sorted by ID, record migration id.
func isApplied(rows []ledgerRow, id string) bool {
	_, found := slices.BinarySearchFunc(rows, id, func(r ledgerRow, id string) int { return cmp.Compare(r.ID, id) })
	return found
}

// changeCounter is implemented by dialects whose migration lock may last
// one transaction only, as SQLite's does in WAL mode: between two
// migrations of a run, another process may take the lock and change the
// ledger.
type changeCounter interface {
	// DataVersion returns, in tx on conn, a number that differs from the
	// one it returned in an earlier transaction on conn exactly when
	// another connection has committed a change to the database since
	// (SQLite's PRAGMA data_version). While conn holds the lock from one
	// transaction to the next, it may answer without asking the database.
	DataVersion(ctx context.Context, conn *sql.Conn, tx *sql.Tx) (int64, error)
}

// heldLedger is what a run that holds the migration lock knows of the
// ledger's rows: those it read under the lock, kept up to date with the
// rows the run itself commits since. Under a lock that lasts the whole run
// (PostgreSQL's session lock, or a lease, which every migration's
// transaction checks) nobody else changes the ledger meanwhile, so a
// migration's transaction need not read it again; under a lock that lasts
// a transaction (SQLite's), the dialect's [changeCounter] tells when
// another process has changed the database, and the ledger is read again.
type heldLedger struct {
	rows     []ledgerRow   // sorted by ID
	progress []progressRow // sorted by ID
	// version is the dialect's data version when rows were read, valid
	// when versioned is set.
	version   int64
	versioned bool
	// next is the position in the run's migrations from which to look for
	// the next pending one: every migration before it is applied.
	next int
}

// current returns the rows of the ledger as they are in tx on conn, which
// holds the migration lock: those r holds when nobody can have changed
// them since, and those it reads otherwise.
func (r *run) current(ctx context.Context, conn *sql.Conn, tx *sql.Tx) (*heldLedger, error) {
	counter, counted := r.dialect.(changeCounter)
	var version int64
	if counted {
		v, err := counter.DataVersion(ctx, conn, tx)
		if err != nil {
			return nil, fmt.Errorf("runtime: read ledger %s: %w", r.ledger.table, err)
		}
		version = v
	}
	if h := r.held; h != nil && (!counted || h.versioned && h.version == version) {
		return h, nil
	}
	st, err := r.ledger.read(ctx, tx)
	if err != nil {
		return nil, err
	}
	r.held = &heldLedger{rows: st.rows, progress: st.progress, version: version, versioned: counted}
	return r.held, nil
}

// hold records the state of the ledger that r read under the migration
// lock, outside any transaction.
func (r *run) hold(st ledgerState) { r.held = &heldLedger{rows: st.rows, progress: st.progress} }

// trusted returns what r holds of the ledger when nobody else can have
// changed it since r read it: under a lock that lasts the run and that
// nobody else can take meanwhile (PostgreSQL's and MySQL's session locks;
// not SQLite's, which lasts a transaction, nor a lease, which another
// process may take over from a run that stalled), and nil otherwise.
func (r *run) trusted() *heldLedger {
	if _, counted := r.dialect.(changeCounter); counted || r.lease != nil {
		return nil
	}
	return r.held
}

// committed records that r committed migration i, after which the ledger
// holds rows.
func (h *heldLedger) committed(rows []ledgerRow, i int) {
	h.rows = rows
	h.next = i + 1
}

// saved records that r committed the progress row p. h may be nil.
func (h *heldLedger) saved(p progressRow) {
	if h == nil {
		return
	}
	k, found := slices.BinarySearchFunc(h.progress, p.ID, func(q progressRow, id string) int { return cmp.Compare(q.ID, id) })
	if found {
		h.progress = slices.Clone(h.progress)
		h.progress[k] = p
		return
	}
	h.progress = slices.Insert(slices.Clip(h.progress), k, p)
}

// finished records that r committed migration i, all of whose statements
// it ran statement by statement, after which the ledger holds rows and
// the progress table no row of i. h may be nil.
func (h *heldLedger) finished(rows []ledgerRow, i int, id string) {
	if h == nil {
		return
	}
	h.committed(rows, i)
	h.progress = slices.DeleteFunc(slices.Clone(h.progress), func(p progressRow) bool { return p.ID == id })
}
