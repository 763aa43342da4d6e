package runtime

import (
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
// in order, each chained to the one before; the function it returns waits
// for them. A start reads the ledger meanwhile.
func (r *run) expectedSums() func() []byte {
	done := make(chan []byte, 1)
	go func() {
		c := checksummer{dialect: r.dialect.Name()}
		// One after the other, checksumLength bytes each.
		sums := make([]byte, 0, len(r.migrations)*checksumLength)
		var prev []byte
		for _, mig := range r.migrations {
			sums = appendSum(&c, sums, prev, mig)
			prev = sums[len(sums)-checksumLength:]
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
		if row.ID != r.migrations[k].ID || row.Checksum != string(sums[k*checksumLength:(k+1)*checksumLength]) {
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
// registered migrations, one row after the other in order of ID.
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
// migrations and returns the state of each migration either knows, sorted
// by ID.
func (r *run) audit(applied []ledgerRow) []MigrationStatus {
	ms := r.migrations
	statuses := make([]MigrationStatus, 0, len(ms)+len(applied))
	v := r.verifier()
	lastApplied := ""
	if len(applied) > 0 {
		lastApplied = applied[len(applied)-1].ID
	}
	prev := ""
	i, k := 0, 0
	for i < len(ms) || k < len(applied) {
		switch {
		case k < len(applied) && (i == len(ms) || applied[k].ID < ms[i].ID):
			row, state := applied[k], StateMissing
			if len(ms) == 0 || row.ID > ms[len(ms)-1].ID {
				state = StateFuture
			}
			statuses = append(statuses, appliedStatus(row, state))
			prev = row.Checksum
			k++
		case k < len(applied) && applied[k].ID == ms[i].ID:
			row, state := applied[k], StateApplied
			// The rows a squash replaces have no migration left to check
			// them against.
			if row.replaced == nil && !v.matches(i, prev, row.Checksum) {
				state = StateEdited
			}
			statuses = append(statuses, appliedStatus(row, state))
			prev = row.Checksum
			i++
			k++
		default:
			state := StatePending
			if ms[i].ID < lastApplied {
				state = StateOutOfOrder
			}
			statuses = append(statuses, MigrationStatus{ID: ms[i].ID, State: state})
			i++
		}
	}
	return statuses
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
	lastApplied := ""
	for _, st := range statuses {
		if st.Applied {
			lastApplied = st.ID
		}
	}
	for _, st := range statuses {
		if st.State.IsDrift() {
			drift = append(drift, Drift{ID: st.ID, State: st.State, LastApplied: lastApplied, ReplacedBy: r.ledger.replacedBy(st.ID)})
		}
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
	oldPrev, newPrev := "", ""
	for k, row := range rows {
		i := indexOf(r.migrations, row.ID)
		if i < 0 || !v.matches(i, oldPrev, row.Checksum) {
			oldPrev, newPrev = row.Checksum, row.Checksum
			continue
		}
		sum := v.sum.sum(newPrev, r.migrations[i])
		if sum != row.Checksum {
			if stmt, err := r.ledger.setChecksum(ctx, tx, row.ID, sum); err != nil {
				return nil, &MigrationError{ID: row.ID, Statement: stmt, SQLState: sqlState(err), Err: fmt.Errorf("upgrade checksum: %w", err)}
			}
			upgraded[k].Checksum = sum
		}
		oldPrev, newPrev = row.Checksum, sum
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("runtime: up: upgrade checksums: commit: %w", err)
	}
	return upgraded, nil
}

// checksumBefore returns the checksum of the row of rows, sorted by ID,
// just before where migration id sorts, or "" when there is none.
func checksumBefore(rows []ledgerRow, id string) string {
	k := sort.Search(len(rows), func(k int) bool { return rows[k].ID >= id })
	if k == 0 {
		return ""
	}
	return rows[k-1].Checksum
}

// rechain chains anew, in tx, the checksums of the rows of applied that
// sort after migration id, just recorded with sum: it only has work when
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
	for j := k; j < len(rows); j++ {
		row := &rows[j]
		i := indexOf(r.migrations, row.ID)
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
