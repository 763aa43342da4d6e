package migratecli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
)

// migrateOn runs the app over the migrations of m on the database url
// names, as `migrate --db URL args...` would, and fails the test unless it
// exits with wantCode.
func migrateOn(t *testing.T, m *runtime.Migrator, url string, wantCode int, args ...string) result {
	t.Helper()
	res := runWith(t, m, append([]string{"--db", url}, args...)...)
	if res.code != wantCode {
		t.Fatalf("migrate %s: exit code %d, want %d; output:\n%s\nerror output:\n%s",
			strings.Join(args, " "), res.code, wantCode, res.stdout, res.stderr)
	}
	return res
}

// wantOutput fails the test unless out, its durations and times masked,
// is want.
func wantOutput(t *testing.T, out, want string) {
	t.Helper()
	if diff := cmp.Diff(want, mask(t, out, time.Time{})); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// wantError fails the test unless errOut, the error output of a run, is
// the one line "migrate: " followed by want.
func wantError(t *testing.T, errOut, want string) {
	t.Helper()
	if diff := cmp.Diff("migrate: "+want+"\n", errOut); diff != "" {
		t.Errorf("error output (-want +got):\n%s", diff)
	}
}

// ledger returns the batch of each migration that the ledger of the
// database url names records as applied, as [runtime.Migrator.Status]
// reads it.
func ledger(t *testing.T, m *runtime.Migrator, url string) map[string]int {
	t.Helper()
	db, _, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()
	statuses, err := m.Status(context.Background(), db)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	batches := map[string]int{}
	for _, st := range statuses {
		if st.Applied {
			batches[st.ID] = st.Batch
		}
	}
	return batches
}

// wantLedger fails the test unless the ledger of url records exactly the
// migrations of want as applied, each in its batch.
func wantLedger(t *testing.T, m *runtime.Migrator, url string, want map[string]int) {
	t.Helper()
	if diff := cmp.Diff(want, ledger(t, m, url)); diff != "" {
		t.Errorf("applied migrations and their batches (-want +got):\n%s", diff)
	}
}

// execSQL runs statements on the database url names, failing the test if
// one fails.
func execSQL(t *testing.T, url string, statements ...string) {
	t.Helper()
	db, _, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()
	for _, stmt := range statements {
		if _, err := db.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// countRows returns how many rows table has in the database url names.
func countRows(t *testing.T, url, table string) int {
	t.Helper()
	db, _, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count the rows of %s: %v", table, err)
	}
	return n
}

// wantNoTable fails the test if table exists in the database url names.
func wantNoTable(t *testing.T, url, table string) {
	t.Helper()
	if err := tryQuery(t, url, "SELECT 1 FROM "+table); err == nil {
		t.Errorf("table %s exists, want none", table)
	}
}

// migratorOf returns a Migrator holding ms.
func migratorOf(ms ...runtime.Migration) *runtime.Migrator {
	m := runtime.NewMigrator()
	m.Register(ms...)
	return m
}

// all maps each of ids to batch, for [wantLedger].
func all(batch int, ids ...string) map[string]int {
	m := make(map[string]int, len(ids))
	for _, id := range ids {
		m[id] = batch
	}
	return m
}

// merge returns the union of maps.
func merge(maps ...map[string]int) map[string]int {
	out := map[string]int{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
