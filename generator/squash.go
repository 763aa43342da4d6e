package generator

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/strata-go/strata/generator/diff"
	"github.com/strata-go/strata/generator/emit"
	"github.com/strata-go/strata/generator/files"
	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/runtime/schema"
)

// Squash folds the migrations of the migrations directory dir, from the
// first up to and including the one called to, into one migration, which
// creates at once the schema they build: a table created then dropped
// leaves nothing, the columns added to a table are part of its creation.
// The new migration, to + "_squashed", sorts right after to; it lists the
// migrations it replaces ([runtime.Migration.Replaces]), whose files go. A
// database that applied all of them has it applied, a new one applies
// it, and one that applied only some of them needs a build of the app that
// still has them (the runtime says so). The snapshot keeps its schema; its
// head moves to the new migration when to was the head.
//
// An earlier squash in the range is folded with the rest: the new one
// replaces it and the migrations it replaced, so that a database that
// applied either continues. Migrations with steps written by hand (RunSQL,
// RunGo), and those marked NonTransactional, cannot be folded: Squash
// refuses, naming the migration.
//
// [runtime.Migration.Replaces]: https://pkg.go.dev/github.com/strata-go/strata/runtime#Migration
func Squash(dir, to string) (*Change, error) {
	d, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	h, err := history.Read(dir)
	if err != nil {
		return nil, fmt.Errorf("squash: %w", err)
	}
	k := slices.IndexFunc(h.Migrations, func(m history.Migration) bool { return m.ID == to })
	switch {
	case k < 0:
		return nil, fmt.Errorf("squash: no migration %s in %s", to, dir)
	case k == 0:
		return nil, fmt.Errorf("squash: %s is the first migration: there is nothing to fold it with", to)
	}
	var replaces, remove []string
	for _, m := range h.Migrations[:k+1] {
		if err := squashable(m); err != nil {
			return nil, fmt.Errorf("squash: %s: %w; squash up to a migration before it", m.Path, err)
		}
		// An earlier squash stands for the migrations it replaced: a
		// database records either of them (see runtime.Migration.Replaces).
		replaces = append(append(replaces, m.Replaces...), m.ID)
		remove = append(remove, m.Path)
	}
	s, err := h.Replay(to)
	if err != nil {
		return nil, fmt.Errorf("squash: the migrations do not replay: %w", err)
	}
	plan, err := diff.Compare(&schema.Schema{}, s, diff.Hints{})
	if err != nil {
		return nil, fmt.Errorf("squash: %w", err)
	}
	sq := history.Migration{ID: to + "_squashed", Path: filepath.Join(d.path, to+"_squashed.go"), Generated: true, Down: plan.Down, Replaces: replaces}
	for _, c := range plan.Up {
		sq.Up = append(sq.Up, c.Op)
	}
	content, err := emit.Migration(emit.File{Package: d.pkg, ID: sq.ID, Replaces: replaces, Up: sq.Up, Down: sq.Down})
	if err != nil {
		return nil, err
	}
	after := &history.History{Dir: h.Dir, Migrations: append([]history.Migration{sq}, h.Migrations[k+1:]...)}
	c, err := rebuild(d, after, len(after.Migrations), remove, nil)
	if err != nil {
		return nil, err
	}
	c.Files = append([]files.File{{Path: sq.Path, Content: content}}, c.Files...)
	return c, nil
}

// squashable returns why migration m cannot be folded into a squash, or
// nil.
func squashable(m history.Migration) error {
	if m.NonTransactional {
		return fmt.Errorf("%s is NonTransactional", m.ID)
	}
	if len(m.DependsOn) > 0 {
		return fmt.Errorf("%s depends on migrations of other sets (%s), which a squash does not fold yet", m.ID, strings.Join(m.DependsOn, ", "))
	}
	for _, op := range slices.Concat(m.Up, m.Down) {
		switch op.(type) {
		case schema.RunSQL, schema.RunGo:
			return fmt.Errorf("%s holds steps written by hand (%T), which a squash cannot fold", m.ID, op)
		}
	}
	return nil
}
