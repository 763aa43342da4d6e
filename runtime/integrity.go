package runtime

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// checksumVersion begins every checksum the ledger records today, to tell
// it from the checksums of earlier builds ([statementsChecksum]).
const checksumVersion = "v2:"

// checksummer makes the checksums the ledger records for migrations: for a
// migration recorded after one with checksum prev, "v2:" followed by the
// hex SHA-256 of prev, a NUL byte, and the encoding of the migration's Up
// operations as the run's dialect sees them ([schema.AppendEncoding]).
//
// Chaining each row to the one before it means that the ledger tells not
// only that an applied migration was edited but also that its rows were
// tampered with: a row removed or changed breaks the checksum of the row
// after it. The checksum comes from the operations themselves, not from
// the SQL they render to, so that checking every applied migration at
// every start costs one pass over their operations, without replaying the
// schema they build; an edit that changes what the dialect runs changes
// the checksum all the same, and so does any other edit of an Up
// operation, but for the text a [schema.RunSQL] holds for other dialects
// and the body of a [schema.RunGo].
type checksummer struct {
	dialect string
	buf     []byte // reused from one checksum to the next
}

// checksumLength is the length of every checksum in today's form.
const checksumLength = len(checksumVersion) + 2*sha256.Size

// sum returns the checksum of mig recorded after a row of checksum prev.
func (c *checksummer) sum(prev string, mig Migration) string {
	var text [checksumLength]byte
	return string(appendSum(c, text[:0], prev, mig))
}

// matches reports whether recorded is the checksum of mig after a row of
// checksum prev, without allocating: every start checks every applied
// migration.
func (c *checksummer) matches(prev string, mig Migration, recorded string) bool {
	var text [checksumLength]byte
	return string(appendSum(c, text[:0], prev, mig)) == recorded
}

// appendSum appends to b the checksum c makes of mig after a row of
// checksum prev.
func appendSum[P string | []byte](c *checksummer, b []byte, prev P, mig Migration) []byte {
	c.buf = append(append(c.buf[:0], prev...), 0)
	c.buf = schema.AppendEncoding(c.buf, c.dialect, mig.Up)
	h := sha256.Sum256(c.buf)
	return hex.AppendEncode(append(b, checksumVersion...), h[:])
}

// expectedSums starts computing, on a goroutine of its own, the checksums
// of the registered migrations in a ledger that records every one of them,
// each chained to the one before it in its set; the function it returns
// waits for them. A start reads the ledger meanwhile.
func (r *run) expectedSums() func() []byte {
	done := make(chan []byte, 1)
	go func() {
		c := checksummer{dialect: r.dialect.Name()}
		// One after the other, checksumLength bytes each.
		sums := make([]byte, 0, len(r.migrations)*checksumLength)
		for i, mig := range r.migrations {
			var prev []byte
			if j := r.order.before(i); j >= 0 {
				prev = sums[j*checksumLength : (j+1)*checksumLength]
			}
			sums = appendSum(&c, sums, prev, mig)
		}
		done <- sums
	}()
	return func() []byte { return <-done }
}

// upToDate reports whether rows, the ledger's, record every registered
// migration and nothing else, each with the checksum of its operations
// today, sums ([run.expectedSums]): the state of every start of an app
// whose database is migrated, which needs neither the lock nor a
// [MigrationStatus] for each migration. Each row matching its expected
// checksum means each matches the checksum of its migration chained to
// the row before, as [run.audit] checks one by one.
func (r *run) upToDate(rows []ledgerRow, sums []byte) bool {
	if len(rows) != len(r.migrations) {
		return false
	}
	for k, row := range rows {
		i := r.order.sorted(k) // rows are sorted by ID
		if row.ID != r.migrations[i].ID || row.Checksum != string(sums[i*checksumLength:(i+1)*checksumLength]) {
			return false
		}
	}
	return true
}

// statementsChecksum returns the hex SHA-256 of prev, a NUL byte, then the
// SQL of each of steps ("-- Go step" for a step of Go), each followed by a
// NUL byte. It is the checksum of the first statements of a migration
// marked [Migration.NonTransactional] that took effect (prev is ""), and
// the one earlier builds recorded for whole migrations, chained as today's
// are; [verifier.matches] still checks such rows, and a run that holds
// the lock rewrites them in today's form ([run.upgradeChecksums]).
func statementsChecksum(prev string, steps []dialect.Step) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{0})
	for _, st := range steps {
		text := st.SQL
		if st.Go != nil {
			text = "-- Go step"
		}
		h.Write([]byte(text))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// verifier checks the checksums of the ledger's rows against the
// registered migrations, one row after the other in order of ID, each
// chained to the row before it in its set.
type verifier struct {
	r   *run
	sum checksummer
	// rp replays the migrations for the rows of earlier builds, whose
	// checksums come from the SQL each migration renders to.
	rp replayer
}

func (r *run) verifier() *verifier {
	return &verifier{r: r, sum: checksummer{dialect: r.dialect.Name()}, rp: replayer{migrations: r.migrations}}
}

// matches reports whether recorded is the checksum of migration i of the
// run after a row of checksum prev, in today's form or that of an earlier
// build.
func (v *verifier) matches(i int, prev, recorded string) bool {
	if strings.HasPrefix(recorded, checksumVersion) {
		return v.sum.matches(prev, v.r.migrations[i], recorded)
	}
	before, err := v.rp.after(i)
	if err != nil {
		return false
	}
	steps, err := v.r.dialect.Render(before, v.r.migrations[i].Up)
	return err == nil && statementsChecksum(prev, steps) == recorded
}

// audit compares the ledger rows applied, sorted by ID, with the registered
// migrations and returns the state of each migration either knows, in the
// order they run: within each set, a row the run does not know sorts by
// ID among the migrations of its set, and a row of a set the run does not
// know comes last.
func (r *run) audit(applied []ledgerRow) []MigrationStatus {
	o := r.order
	v := r.verifier()
	// The rows of each set, in order of ID, and those of no set of the run.
	rowsOf := make([][]ledgerRow, o.sets())
	var stray []ledgerRow
	if o.sets() == 1 && o.names[0] == "" && !slices.ContainsFunc(applied, func(row ledgerRow) bool { return setOf(row.ID) != "" }) {
		rowsOf[0] = applied
	} else {
		for _, row := range applied {
			if s := o.setIndex(setOf(row.ID)); s >= 0 {
				rowsOf[s] = append(rowsOf[s], row)
			} else {
				stray = append(stray, row)
			}
		}
	}
	placed := make([]placedStatus, 0, len(r.migrations)+len(applied))
	for s := range o.sets() {
		placed = r.auditSet(v, placed, o.membersOf(s, len(r.migrations)), rowsOf[s])
	}
	for _, row := range stray {
		placed = append(placed, placedStatus{MigrationStatus: appliedStatus(row, StateFuture), at: len(r.migrations)})
	}
	if !o.one() || len(stray) > 0 {
		slices.SortStableFunc(placed, func(a, b placedStatus) int {
			return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.rank, b.rank), strings.Compare(a.ID, b.ID))
		})
	}
	statuses := make([]MigrationStatus, len(placed))
	for k, p := range placed {
		statuses[k] = p.MigrationStatus
	}
	if !o.one() {
		r.dependentsApplied(statuses)
	}
	return statuses
}

// placedStatus is the state of a migration and where it goes among the
// others: at the position of a migration of the run (the number of them
// for a row of a set the run does not know), and before it (rank -1), as
// it (0) or after it (1).
type placedStatus struct {
	MigrationStatus
	at, rank int
}

// auditSet appends to placed the states of the migrations of one set, at
// members in r.migrations, sorted by ID, and of rows, the set's ledger
// rows, sorted by ID: each row is checked against its migration, chained
// to the set's row before it.
func (r *run) auditSet(v *verifier, placed []placedStatus, members []int, rows []ledgerRow) []placedStatus {
	ms := r.migrations
	lastApplied := ""
	if len(rows) > 0 {
		lastApplied = rows[len(rows)-1].ID
	}
	prev := ""
	i, k := 0, 0
	for i < len(members) || k < len(rows) {
		switch {
		case k < len(rows) && (i == len(members) || rows[k].ID < ms[members[i]].ID):
			row := rows[k]
			p := placedStatus{MigrationStatus: appliedStatus(row, StateMissing)}
			switch {
			case len(members) == 0:
				p.State, p.at = StateFuture, len(ms)
			case i == len(members):
				p.State, p.at, p.rank = StateFuture, members[len(members)-1], 1
			default:
				p.at, p.rank = members[i], -1
			}
			placed = append(placed, p)
			prev = row.Checksum
			k++
		case k < len(rows) && rows[k].ID == ms[members[i]].ID:
			row, state := rows[k], StateApplied
			// The rows a squash replaces have no migration left to check
			// them against.
			if row.replaced == nil && !v.matches(members[i], prev, row.Checksum) {
				state = StateEdited
			}
			placed = append(placed, placedStatus{MigrationStatus: appliedStatus(row, state), at: members[i]})
			prev = row.Checksum
			i++
			k++
		default:
			state := StatePending
			if ms[members[i]].ID < lastApplied {
				state = StateOutOfOrder
			}
			placed = append(placed, placedStatus{MigrationStatus: MigrationStatus{ID: ms[members[i]].ID, State: state}, at: members[i]})
			i++
		}
	}
	return placed
}

// appliedDependent returns the ID of a migration statuses report applied
// that depends on migration id, or "".
func (r *run) appliedDependent(statuses []MigrationStatus, id string) string {
	for _, st := range statuses {
		if i := r.index(st.ID); st.Applied && i >= 0 && slices.Contains(r.migrations[i].DependsOn, id) {
			return st.ID
		}
	}
	return ""
}

// dependentsApplied marks out of order, in statuses, each pending
// migration that an applied one depends on ([Migration.DependsOn]).
func (r *run) dependentsApplied(statuses []MigrationStatus) {
	at := make(map[string]int, len(statuses))
	for k, st := range statuses {
		at[st.ID] = k
	}
	for _, st := range statuses {
		if !st.Applied {
			continue
		}
		i := r.index(st.ID)
		if i < 0 {
			continue
		}
		for _, dep := range r.migrations[i].DependsOn {
			if k, ok := at[dep]; ok && statuses[k].State == StatePending {
				statuses[k].State = StateOutOfOrder
			}
		}
	}
}

// appliedStatus returns the status of the migration row records, in state.
func appliedStatus(row ledgerRow, state State) MigrationStatus {
	return MigrationStatus{ID: row.ID, Applied: true, AppliedAt: row.AppliedAt, Batch: row.Batch, State: state}
}

// checkDrift returns a *[DriftError] for op listing every drifting
// migration in statuses, unless the caller allowed drift, in which case it
// logs each one as a warning and returns nil.
func (r *run) checkDrift(op string, statuses []MigrationStatus) error {
	var drift []Drift
	lastApplied := map[string]string{} // by set
	for _, st := range statuses {
		if set := setOf(st.ID); st.Applied && st.ID > lastApplied[set] {
			lastApplied[set] = st.ID
		}
	}
	for _, st := range statuses {
		if !st.State.IsDrift() {
			continue
		}
		d := Drift{ID: st.ID, State: st.State, LastApplied: lastApplied[setOf(st.ID)], ReplacedBy: r.ledger.replacedBy(st.ID)}
		if d.State == StateOutOfOrder && d.LastApplied < d.ID {
			d.LastApplied, d.DependedOnBy = "", r.appliedDependent(statuses, d.ID)
		}
		drift = append(drift, d)
	}
	if len(drift) == 0 {
		return nil
	}
	if !r.cfg.allowDrift {
		return &DriftError{Op: op, Drift: drift}
	}
	if !r.driftWarned {
		for _, d := range drift {
			r.log.Warn("strata: drift allowed", "id", d.ID, "state", string(d.State))
		}
		r.driftWarned = true
	}
	return nil
}

// warnFuture logs, as a warning, the migrations of statuses that a later
// build of the app applied: the database is ahead of this build, as one
// replica is during a rolling deploy, or after a rollback. They are not
// drift: runs of this build leave them alone.
func (r *run) warnFuture(ctx context.Context, statuses []MigrationStatus) {
	var ids []string
	for _, st := range statuses {
		if st.State == StateFuture {
			ids = append(ids, st.ID)
		}
	}
	if len(ids) > 0 {
		r.log.LogAttrs(ctx, slog.LevelWarn, "strata: the database is ahead of this build: migrations applied by a later build are left alone",
			slog.Any("ids", ids))
	}
}

// earlierForm reports whether a row of rows holds a checksum in the form
// of earlier builds (see [statementsChecksum]).
func earlierForm(rows []ledgerRow) bool {
	return slices.ContainsFunc(rows, func(row ledgerRow) bool {
		return row.replaced == nil && !strings.HasPrefix(row.Checksum, checksumVersion)
	})
}

// upgradeChecksums rewrites, in a transaction of its own on conn, which
// holds the migration lock, the checksums of rows, the whole ledger, in
// today's form, chained anew, and returns the rows as they are then. A row
// whose checksum does not match its migration, or whose migration is not
// registered, is left as it was.
func (r *run) upgradeChecksums(ctx context.Context, conn *sql.Conn, rows []ledgerRow) ([]ledgerRow, error) {
	tx, err := r.dialect.Begin(ctx, conn, r.lockOpts)
	if err != nil {
		return nil, fmt.Errorf("runtime: up: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	upgraded := slices.Clone(rows)
	v := r.verifier()
	// Each set's rows are chained apart: the checksums of the set's row
	// before, as it was and as it is rewritten.
	type chain struct{ oldPrev, newPrev string }
	chains := map[string]chain{}
	for k, row := range rows {
		set := setOf(row.ID)
		c := chains[set]
		i := r.index(row.ID)
		if i < 0 || !v.matches(i, c.oldPrev, row.Checksum) {
			chains[set] = chain{row.Checksum, row.Checksum}
			continue
		}
		sum := v.sum.sum(c.newPrev, r.migrations[i])
		if sum != row.Checksum {
			if stmt, err := r.ledger.setChecksum(ctx, tx, row.ID, sum); err != nil {
				return nil, &MigrationError{ID: row.ID, Statement: stmt, SQLState: sqlState(err), Err: fmt.Errorf("upgrade checksum: %w", err)}
			}
			upgraded[k].Checksum = sum
		}
		chains[set] = chain{row.Checksum, sum}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("runtime: up: upgrade checksums: commit: %w", err)
	}
	return upgraded, nil
}

// checksumBefore returns the checksum of the row of rows, sorted by ID,
// that comes last before where migration id sorts among the rows of its
// set, or "" when there is none.
func checksumBefore(rows []ledgerRow, id string) string {
	set := setOf(id)
	for k := sort.Search(len(rows), func(k int) bool { return rows[k].ID >= id }) - 1; k >= 0; k-- {
		if setOf(rows[k].ID) == set {
			return rows[k].Checksum
		}
	}
	return ""
}

// rechain chains anew, in tx, the checksums of the rows of applied that
// sort after migration id in its set, just recorded with sum: it only has work when
// [WithAllowDrift] let Up apply a migration out of order. A row whose
// checksum did not match before is left as it is, still reported as drift.
// It returns the rows as they are once tx commits: applied itself when no
// row sorts after id, and otherwise a copy with the new checksums, so that
// applied stays what the ledger holds should tx roll back.
func (r *run) rechain(ctx context.Context, tx *sql.Tx, applied []ledgerRow, id, sum string) ([]ledgerRow, error) {
	k := sort.Search(len(applied), func(k int) bool { return applied[k].ID > id })
	if k == len(applied) {
		return applied, nil
	}
	rows := slices.Clone(applied)
	oldPrev, newPrev := checksumBefore(applied, id), sum
	v := r.verifier()
	set := setOf(id)
	for j := k; j < len(rows); j++ {
		row := &rows[j]
		if setOf(row.ID) != set {
			continue
		}
		i := r.index(row.ID)
		if i < 0 || !v.matches(i, oldPrev, row.Checksum) {
			oldPrev, newPrev = row.Checksum, row.Checksum
			continue
		}
		next := v.sum.sum(newPrev, r.migrations[i])
		if stmt, err := r.ledger.setChecksum(ctx, tx, row.ID, next); err != nil {
			return nil, &MigrationError{ID: id, Statement: stmt, Err: err}
		}
		oldPrev, newPrev = row.Checksum, next
		row.Checksum = next
	}
	return rows, nil
}
