package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

// members is a table whose primary key the cases below move: a member is
// known by id, and belongs to a team under a handle.
func members() runtime.Migration {
	bigint := schema.Type{Kind: schema.Int64}
	return runtime.Migration{
		ID: "0001_create_members",
		Up: []schema.Operation{
			schema.CreateTable{Table: schema.Table{
				Name: "members",
				Columns: []schema.Column{
					{Name: "id", Type: bigint},
					{Name: "team_id", Type: bigint},
					{Name: "handle", Type: schema.Type{Kind: schema.Text, Size: 40}}, // MySQL keys a sized text only
				},
				PrimaryKey: []string{"id"},
			}},
			schema.CreateTable{Table: schema.Table{
				Name:       "posts",
				Columns:    []schema.Column{{Name: "id", Type: bigint}, {Name: "member_id", Type: bigint}},
				PrimaryKey: []string{"id"},
				ForeignKeys: []schema.ForeignKey{{
					Name: "posts_member_id_fkey", Columns: []string{"member_id"}, RefTable: "members", RefColumns: []string{"id"},
				}},
			}},
		},
		Down: []schema.Operation{schema.DropTable{Name: "posts"}, schema.DropTable{Name: "members"}},
	}
}

const (
	memberRows = `INSERT INTO members (id, team_id, handle) VALUES (1, 10, 'ann'), (2, 10, 'bob'), (3, 20, 'ann');
		INSERT INTO posts (id, member_id) VALUES (100, 1), (101, 3)`
	memberQuery = `SELECT id || '|' || team_id || '|' || handle FROM members ORDER BY id`
)

var memberRowsAsInserted = []string{"1|10|ann", "2|10|bob", "3|20|ann"}

// postsKey is the foreign key of posts to members(id), which must be
// dropped while the key under it moves.
var postsKey = schema.ForeignKey{
	Name: "posts_member_id_fkey", Columns: []string{"member_id"}, RefTable: "members", RefColumns: []string{"id"},
}

// TestPrimaryKeyChangesKeepTheRowsBothWays moves the primary key of a table
// holding rows on each engine, through the runtime, in the order the
// generator plans: the foreign key that references the old key dropped
// first, and added back once its columns are a key again. Up and Down keep
// every row, the live schema is the operations', and the new key holds.
func TestPrimaryKeyChangesKeepTheRowsBothWays(t *testing.T) {
	idKey := schema.Unique{Name: "members_id_key", Columns: []string{"id"}}
	cases := []struct {
		name     string
		up, down []schema.Operation
	}{
		{
			name: "a column joins the key",
			up: []schema.Operation{
				schema.DropForeignKey{Table: "posts", Name: postsKey.Name},
				schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}, New: []string{"id", "team_id"}},
				schema.AddUnique{Table: "members", Unique: idKey},
				schema.AddForeignKey{Table: "posts", ForeignKey: postsKey},
			},
			down: []schema.Operation{
				schema.DropForeignKey{Table: "posts", Name: postsKey.Name},
				schema.DropUnique{Table: "members", Name: idKey.Name},
				schema.AlterPrimaryKey{Table: "members", Old: []string{"id", "team_id"}, New: []string{"id"}},
				schema.AddForeignKey{Table: "posts", ForeignKey: postsKey},
			},
		},
		{
			name: "the key moves to other columns",
			up: []schema.Operation{
				schema.DropForeignKey{Table: "posts", Name: postsKey.Name},
				schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}, New: []string{"team_id", "handle"}},
				schema.AddUnique{Table: "members", Unique: idKey},
				schema.AddForeignKey{Table: "posts", ForeignKey: postsKey},
			},
			down: []schema.Operation{
				schema.DropForeignKey{Table: "posts", Name: postsKey.Name},
				schema.DropUnique{Table: "members", Name: idKey.Name},
				schema.AlterPrimaryKey{Table: "members", Old: []string{"team_id", "handle"}, New: []string{"id"}},
				schema.AddForeignKey{Table: "posts", ForeignKey: postsKey},
			},
		},
		{
			name: "a table loses its key, and gets it back",
			up: []schema.Operation{
				schema.DropForeignKey{Table: "posts", Name: postsKey.Name},
				schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}},
			},
			down: []schema.Operation{
				schema.AlterPrimaryKey{Table: "members", New: []string{"id"}},
				schema.AddForeignKey{Table: "posts", ForeignKey: postsKey},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			onEachEngine(t, func(t *testing.T, e engine) {
				ctx := context.Background()
				db := e.open(t)
				ms := []runtime.Migration{members(), {ID: "0002_alter_members_pkey", Up: tc.up, Down: tc.down}}
				m := newMigrator(ms...)
				if _, err := m.UpTo(ctx, db, ms[0].ID); err != nil {
					t.Fatalf("UpTo: %v", err)
				}
				execSQL(t, db, memberRows)

				if _, err := m.Up(ctx, db); err != nil {
					t.Fatalf("Up: %v", err)
				}
				e.assertSchema(t, db, ms)
				wantRows(t, db, "after Up", e.memberQuery(), memberRowsAsInserted)

				if _, err := m.Down(ctx, db, 1); err != nil {
					t.Fatalf("Down: %v", err)
				}
				e.assertSchema(t, db, ms[:1])
				wantRows(t, db, "after Down", e.memberQuery(), memberRowsAsInserted)
				if _, err := db.ExecContext(ctx, `INSERT INTO members (id, team_id, handle) VALUES (1, 30, 'cy')`); err == nil {
					t.Error("after Down, the old key takes a second row of id 1")
				}
			})
		})
	}
}

// TestAPrimaryKeyChangeThatRowsBreakFailsAndChangesNothing moves the key
// of a table to columns two of its rows share, on each engine: the
// migration fails, and the table, its key, its rows and the foreign key
// dropped before the change are all as they were. The tables are offline,
// so that the whole migration is one transaction on PostgreSQL too.
func TestAPrimaryKeyChangeThatRowsBreakFailsAndChangesNothing(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		ms := []runtime.Migration{members(), {
			ID:      "0002_alter_members_pkey",
			Offline: []string{"members", "posts"},
			Up: []schema.Operation{
				schema.DropForeignKey{Table: "posts", Name: postsKey.Name},
				schema.AlterPrimaryKey{Table: "members", Old: []string{"id"}, New: []string{"handle"}}, // ann twice
				schema.AddUnique{Table: "members", Unique: schema.Unique{Name: "members_id_key", Columns: []string{"id"}}},
				schema.AddForeignKey{Table: "posts", ForeignKey: postsKey},
			},
		}}
		m := newMigrator(ms...)
		if _, err := m.UpTo(ctx, db, ms[0].ID); err != nil {
			t.Fatalf("UpTo: %v", err)
		}
		execSQL(t, db, memberRows)

		_, err := m.Up(ctx, db)
		var merr *runtime.MigrationError
		if !errors.As(err, &merr) || merr.ID != "0002_alter_members_pkey" {
			t.Fatalf("Up: err = %v, want a *MigrationError of 0002_alter_members_pkey", err)
		}
		wantLedger(t, db, m, e.dialect, map[string]int{"0001_create_members": 1})
		wantRows(t, db, "after the failed Up", e.memberQuery(), memberRowsAsInserted)
		if !e.ddlCommits {
			e.assertSchema(t, db, ms[:1])
			return
		}
		// MySQL committed the drop of the foreign key, the first
		// statement, before the key's move failed: the progress row says
		// so, and the next Up resumes at the move.
		e.assertSchema(t, db, append(ms[:1:1], runtime.Migration{ID: "0002_first_statement", Up: ms[1].Up[:1]}))
		wantProgress(t, m, db, "0002_alter_members_pkey", &runtime.Progress{Done: 1})
	})
}

// memberQuery returns memberQuery as e spells it: MySQL reads || as OR.
func (e engine) memberQuery() string {
	if e.name == "mysql" {
		return `SELECT CONCAT(id, '|', team_id, '|', handle) FROM members ORDER BY id`
	}
	return memberQuery
}

// execSQL runs statements, separated by semicolons at the ends of lines,
// one at a time: MySQL's driver takes one statement per call.
func execSQL(t *testing.T, db *sql.DB, statements string) {
	t.Helper()
	for _, stmt := range strings.Split(statements, ";\n") {
		if _, err := db.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// wantRows checks the one text column of each row query answers.
func wantRows(t *testing.T, db *sql.DB, when, query string, want []string) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer func() { _ = rows.Close() }()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows %s (-want +got):\n%s", when, diff)
	}
}
