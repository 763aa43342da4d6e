package runtime_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
)

// squashed returns the blog's first three migrations folded into one, as
// a squash that replaces them, and the blog's fourth.
func squashed() []runtime.Migration {
	b := blog()
	s := runtime.Migration{ID: "0003_squashed", Replaces: []string{b[0].ID, b[1].ID, b[2].ID}}
	for _, mig := range b[:3] {
		s.Up = append(s.Up, mig.Up...)
	}
	for _, mig := range slices.Backward(b[:3]) {
		s.Down = append(s.Down, mig.Down...)
	}
	return []runtime.Migration{s, b[3]}
}

func TestASquashIsAppliedToANewDatabaseAndStandsForTheMigrationsItReplacesElsewhere(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()

		// A new database applies the squash.
		fresh := e.open(t)
		m := newMigrator(squashed()...)
		results, err := m.Up(ctx, fresh)
		if err != nil {
			t.Fatalf("Up on a new database: %v", err)
		}
		if diff := cmp.Diff([]string{"0003_squashed", "0004_create_posts"}, ids(results)); diff != "" {
			t.Errorf("applied on a new database (-want +got):\n%s", diff)
		}

		// One that applied the originals, and the migration after them
		// too, has nothing to do.
		old := e.open(t)
		if _, err := newMigrator(blog()...).Up(ctx, old); err != nil {
			t.Fatalf("Up with the originals: %v", err)
		}
		if results, err := m.Up(ctx, old); err != nil || len(results) != 0 {
			t.Fatalf("Up after the squash = %v, %v; want nothing applied", ids(results), err)
		}
		wantStates(t, m, old, map[string]runtime.State{"0003_squashed": runtime.StateApplied, "0004_create_posts": runtime.StateApplied})

		// One that applied the originals only applies what follows them,
		// chained to the originals' rows.
		partway := e.open(t)
		if _, err := newMigrator(blog()[:3]...).Up(ctx, partway); err != nil {
			t.Fatalf("Up with the originals: %v", err)
		}
		results, err = m.Up(ctx, partway)
		if err != nil {
			t.Fatalf("Up after the squash: %v", err)
		}
		if diff := cmp.Diff([]string{"0004_create_posts"}, ids(results)); diff != "" {
			t.Errorf("applied after the originals (-want +got):\n%s", diff)
		}
		wantStates(t, m, partway, map[string]runtime.State{"0003_squashed": runtime.StateApplied, "0004_create_posts": runtime.StateApplied})

		// All three end with the schema of the blog.
		for _, db := range []*sql.DB{fresh, old, partway} {
			e.assertSchema(t, db, blog())
		}

		// Reverting the squash there reverts what the originals did, and
		// forgets their rows.
		reverted, err := m.Down(ctx, partway, 2)
		if err != nil {
			t.Fatalf("Down 2: %v", err)
		}
		if diff := cmp.Diff([]string{"0004_create_posts down", "0003_squashed down"}, ids(reverted)); diff != "" {
			t.Errorf("reverted (-want +got):\n%s", diff)
		}
		e.assertSchema(t, partway, nil)
		wantStates(t, m, partway, map[string]runtime.State{"0003_squashed": runtime.StatePending, "0004_create_posts": runtime.StatePending})
	})
}

func TestADatabaseThatAppliedSomeOfTheMigrationsASquashReplacesIsRefused(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		db := e.open(t)
		if _, err := newMigrator(blog()[:2]...).Up(ctx, db); err != nil {
			t.Fatalf("Up: %v", err)
		}
		_, err := newMigrator(squashed()...).Up(ctx, db)
		var drift *runtime.DriftError
		if !errors.As(err, &drift) {
			t.Fatalf("Up = %v, want a *DriftError", err)
		}
		for _, d := range drift.Drift {
			if d.ReplacedBy != "0003_squashed" {
				t.Errorf("drift %+v, want it replaced by 0003_squashed", d)
			}
		}
		if !strings.Contains(err.Error(), "run a build of the app that still has them") {
			t.Errorf("error %q does not say what to do", err)
		}
		e.assertSchema(t, db, blog()[:2])
	})
}

func TestASquashRegisteredBesideAMigrationItReplacesIsRefused(t *testing.T) {
	onEachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		m := newMigrator(append(squashed(), blog()[0])...)
		if _, err := m.Up(context.Background(), db); err == nil || !strings.Contains(err.Error(), "registered too") {
			t.Errorf("Up = %v, want an error saying that a replaced migration is registered too", err)
		}
	})
}
