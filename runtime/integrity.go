package runtime

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"sort"

	"github.com/strata-go/strata/runtime/dialect"
)

// chainChecksum returns the checksum the ledger records for a migration:
// the hex SHA-256 of prev, a NUL byte, then the SQL of each of the
// migration's rendered Up steps ("-- Go step" for a step of Go), each
// followed by a NUL byte. prev is the checksum recorded for the applied
// migration just before this one in order of ID, "" for the first.
//
// Chaining each row to the one before it means that the ledger tells not
// only that an applied migration was edited but also that its rows were
// tampered with: a row removed or changed breaks the checksum of the row
// after it. Rows written by strata before the chain existed held the plain
// hash of the steps; they read as edited, and such development databases
// are best recreated (or run with [WithAllowDrift]).
func chainChecksum(prev string, steps []dialect.Step) string {
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

// expectedChecksum returns the checksum migration i of r would be recorded
// with after a migration recorded with prev, or "" when its operations no
// longer replay or render, which no recorded checksum matches.
func (r *run) expectedChecksum(rp *replayer, i int, prev string) string {
	before, err := rp.after(i)
	if err != nil {
		return ""
	}
	steps, err := r.dialect.Render(before, r.migrations[i].Up)
	if err != nil {
		return ""
	}
	return chainChecksum(prev, steps)
}

// audit compares the ledger rows applied, sorted by ID, with the registered
// migrations and returns the state of each migration either knows, sorted
// by ID.
func (r *run) audit(applied []ledgerRow) []MigrationStatus {
	ms := r.migrations
	statuses := make([]MigrationStatus, 0, len(ms)+len(applied))
	rp := replayer{migrations: ms}
	lastApplied := ""
	if len(applied) > 0 {
		lastApplied = applied[len(applied)-1].ID
	}
	prev := ""
	i, k := 0, 0
	for i < len(ms) || k < len(applied) {
		switch {
		case k < len(applied) && (i == len(ms) || applied[k].ID < ms[i].ID):
			row := applied[k]
			statuses = append(statuses, appliedStatus(row, StateMissing))
			prev = row.Checksum
			k++
		case k < len(applied) && applied[k].ID == ms[i].ID:
			row, state := applied[k], StateApplied
			if r.expectedChecksum(&rp, i, prev) != row.Checksum {
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
			drift = append(drift, Drift{ID: st.ID, State: st.State, LastApplied: lastApplied})
		}
	}
	if len(drift) == 0 {
		return nil
	}
	if !r.cfg.allowDrift {
		return &DriftError{Op: op, Drift: drift}
	}
	for _, d := range drift {
		r.log.Warn("strata: drift allowed", "id", d.ID, "state", string(d.State))
	}
	return nil
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
func (r *run) rechain(ctx context.Context, tx *sql.Tx, applied []ledgerRow, id, sum string) error {
	k := sort.Search(len(applied), func(k int) bool { return applied[k].ID > id })
	oldPrev, newPrev := checksumBefore(applied, id), sum
	rp := replayer{migrations: r.migrations}
	for _, row := range applied[k:] {
		i := indexOf(r.migrations, row.ID)
		if i < 0 || r.expectedChecksum(&rp, i, oldPrev) != row.Checksum {
			oldPrev, newPrev = row.Checksum, row.Checksum
			continue
		}
		next := r.expectedChecksum(&rp, i, newPrev)
		if stmt, err := r.ledger.setChecksum(ctx, tx, row.ID, next); err != nil {
			return &MigrationError{ID: id, Statement: stmt, Err: err}
		}
		oldPrev, newPrev = row.Checksum, next
	}
	return nil
}
