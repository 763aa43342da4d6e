package runtime

import (
	"context"
	"fmt"

	"github.com/strata-go/strata/runtime/dialect"
)

// progressRow records how far a run got with a migration marked
// [Migration.NonTransactional], whose statements commit one by one. The
// row lives in the ledger's progress table (the ledger's name followed by
// "_progress") from the first statement that commits until the migration's
// ledger row is written or deleted, in the same transaction as its last
// change.
type progressRow struct {
	ID string
	// Direction is "up" or "down".
	Direction string
	// Done is how many of the migration's statements took effect.
	Done int
	// Running is 1 while statement Done+1 runs outside a transaction, as
	// CREATE INDEX CONCURRENTLY must: if the row still says so when the
	// next run reads it, that run was interrupted and nobody knows whether
	// the statement took effect.
	Running int
	// Checksum is the checksum of the first Done statements, by which a
	// run resuming the migration knows it renders them as before.
	Checksum string
	// Batch is the batch of the run that started the migration.
	Batch int
}

// down reports whether the row is that of a migration being reverted.
func (p progressRow) down() bool { return p.Direction == "down" }

// direction returns the Direction of a run that is reverting when down is
// true.
func direction(down bool) string {
	if down {
		return "down"
	}
	return "up"
}

// progressTable returns the name of the ledger's progress table.
func (l ledger) progressTable() string { return l.table + progressSuffix }

// progressSuffix makes the name of the progress table from the ledger's.
const progressSuffix = "_progress"

// createProgress returns the statement that creates the progress table when
// it does not exist: the dialect's ([dialect.Bookkeeping]), or one in types
// PostgreSQL and SQLite share.
func (l ledger) createProgress() string {
	if b, ok := l.dialect.(dialect.Bookkeeping); ok {
		return b.ProgressTable(l.progressTable())
	}
	return "CREATE TABLE IF NOT EXISTS " + l.dialect.QuoteIdent(l.progressTable()) + ` (
  "id" TEXT NOT NULL PRIMARY KEY,
  "direction" TEXT NOT NULL,
  "done" INTEGER NOT NULL,
  "running" INTEGER NOT NULL,
  "checksum" TEXT NOT NULL,
  "batch" INTEGER NOT NULL
)`
}

// saveProgress writes p, inserting it when fresh is true and updating the
// row of p.ID otherwise.
func (l ledger) saveProgress(ctx context.Context, tx execer, p progressRow, fresh bool) (statement string, err error) {
	ph := l.dialect.Placeholder
	table := l.dialect.QuoteIdent(l.progressTable())
	args := []any{p.Direction, p.Done, p.Running, p.Checksum, p.Batch, p.ID}
	if fresh {
		statement = fmt.Sprintf("INSERT INTO %s (direction, done, running, checksum, batch, id) VALUES (%s, %s, %s, %s, %s, %s)",
			table, ph(1), ph(2), ph(3), ph(4), ph(5), ph(6))
	} else {
		statement = fmt.Sprintf("UPDATE %s SET direction = %s, done = %s, running = %s, checksum = %s, batch = %s WHERE id = %s",
			table, ph(1), ph(2), ph(3), ph(4), ph(5), ph(6))
	}
	_, err = l.exec(ctx, tx, statement, args...)
	return statement, err
}

// removeProgress deletes the progress row of migration id, if there is one.
func (l ledger) removeProgress(ctx context.Context, tx execer, id string) (statement string, err error) {
	statement = fmt.Sprintf("DELETE FROM %s WHERE id = %s", l.dialect.QuoteIdent(l.progressTable()), l.dialect.Placeholder(1))
	_, err = l.exec(ctx, tx, statement, id)
	return statement, err
}

// progressOf returns the progress row of migration id in st, if any.
func (st ledgerState) progressOf(id string) (progressRow, bool) {
	for _, p := range st.progress {
		if p.ID == id {
			return p, true
		}
	}
	return progressRow{}, false
}
