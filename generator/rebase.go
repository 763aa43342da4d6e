package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata/generator/files"
	"github.com/strata-go/strata/generator/history"
	"github.com/strata-go/strata/generator/snapshot"
	"github.com/strata-go/strata/runtime/schema"
)

// Rebased is what [Rebase] did, or would do, to the migrations directory.
type Rebased struct {
	// Local are the IDs of the migrations that only this branch has.
	Local []string
	// Regenerated is the migration written from the models in place of the
	// local migrations, when they were all generated and held no step
	// written by hand; nil otherwise.
	Regenerated *Result
	// Files are the files written and removed.
	Files []files.File
}

// Write writes and removes the rebase's files, all of them or none.
func (r *Rebased) Write() error { return files.WriteAll(r.Files) }

// Rebase puts this branch's migrations after those of another branch that
// has been merged in: other holds the IDs of the other branch's migrations
// (the migration files of its tree), and the migrations of cfg.Dir that it
// does not hold are this branch's own.
//
// When every local migration was written by makemigrations and holds no
// hand-written step, they are removed and written again as one migration
// from the models, after the other branch's: whatever both branches
// touched, the new migration starts from the schema the other branch left.
// Otherwise each local migration keeps its operations and is given the
// next free number, in its file name and its ID, in order. Either way the
// snapshot is rebuilt by replaying every migration. A local migration that
// no longer fits after the other branch's (both added the same column) is
// an error that names it.
//
// A database that applied a local migration under its old ID has it as
// drift afterwards: revert it there before rebasing.
func Rebase(ctx context.Context, cfg Config, other []string) (*Rebased, error) {
	h, err := history.Read(cfg.Dir)
	if h == nil { // shared numbers alone are what rebase is for
		return nil, fmt.Errorf("rebase: %w", err)
	}
	d, err := readDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	sets, err := loadSets(ctx, cfg.Dir, cfg.Includes, cfg.Replaces)
	if err != nil {
		return nil, err
	}
	theirs := map[string]bool{}
	for _, id := range other {
		theirs[id] = true
	}
	var kept, local []history.Migration
	for _, m := range h.Migrations {
		if theirs[m.ID] {
			kept = append(kept, m)
		} else {
			local = append(local, m)
		}
	}
	if len(local) == 0 {
		return nil, errors.New("rebase: every migration is the other branch's too: nothing to rebase")
	}
	r := &Rebased{}
	for _, m := range local {
		if len(m.Replaces) > 0 {
			return nil, fmt.Errorf("rebase: %s is a squash that only this branch has: rebase the migrations it folds, then squash again after the merge", m.Path)
		}
		r.Local = append(r.Local, m.ID)
	}
	last := 0
	if len(kept) > 0 {
		last = kept[len(kept)-1].Number
	}
	if allGenerated(local) {
		return r, r.regenerate(ctx, cfg, d, h, kept, local, sets)
	}
	return r, r.renumber(d, h, kept, local, last, sets)
}

// allGenerated reports whether makemigrations wrote every one of ms and
// none holds a step written by hand since.
func allGenerated(ms []history.Migration) bool {
	for _, m := range ms {
		if !m.Generated || slices.ContainsFunc(m.Up, handWritten) || slices.ContainsFunc(m.Down, handWritten) {
			return false
		}
	}
	return true
}

func handWritten(op schema.Operation) bool {
	switch op.(type) {
	case schema.RunSQL, schema.RunGo:
		return true
	}
	return false
}

// regenerate removes the local migrations and writes one from the models
// after the migrations kept.
func (r *Rebased) regenerate(ctx context.Context, cfg Config, d *migrationsDir, h *history.History, kept, local []history.Migration, sets []includedSet) error {
	before := &schema.Schema{}
	head := ""
	var ext *schema.Schema
	if len(kept) > 0 {
		head = kept[len(kept)-1].ID
		replayed, at, err := replayWithSets(&history.History{Dir: h.Dir, Migrations: kept}, sets)
		if err != nil {
			return fmt.Errorf("rebase: the other branch's migrations do not replay: %w", err)
		}
		before, ext = withoutSets(replayed, at), withSets(&schema.Schema{}, at)
		// The sets as the other branch's latest migration found them.
		for k := range sets {
			sets[k].Was, sets[k].WasHead = at[k].Schema, at[k].Head
		}
	}
	for _, m := range local {
		r.Files = append(r.Files, files.File{Path: m.Path, Remove: true})
	}
	d.ids = nil
	for _, m := range kept {
		d.ids = append(d.ids, m.ID)
	}
	snap := &snapshot.File{Head: head, Schema: before, Models: keptModels(d.path, before, ext)}
	res, err := makeFrom(ctx, cfg, d, snap, sets)
	if err != nil {
		return fmt.Errorf("rebase: %w", err)
	}
	if res.NoChanges() {
		// The other branch made the same changes: the local migrations go,
		// and the snapshot is the other branch's.
		content, err := snapshot.Encode(d.pkg, snap)
		if err != nil {
			return err
		}
		r.Files = append(r.Files, files.File{Path: filepath.Join(d.path, snapshot.FileName), Content: content})
		return nil
	}
	r.Regenerated = res
	r.Files = append(r.Files, res.Files...)
	return nil
}

// renumber gives each local migration the next number after last, in
// order, and rebuilds the snapshot by replay.
func (r *Rebased) renumber(d *migrationsDir, h *history.History, kept, local []history.Migration, last int, sets []includedSet) error {
	ordered := slices.Clone(kept)
	for i, m := range local {
		number := last + 1 + i
		id := fmt.Sprintf("%04d%s", number, m.ID[strings.IndexByte(m.ID, '_'):])
		src, err := renamedSource(m, id)
		if err != nil {
			return err
		}
		path := filepath.Join(d.path, id+".go")
		if id != m.ID {
			r.Files = append(r.Files, files.File{Path: m.Path, Remove: true})
		}
		r.Files = append(r.Files, files.File{Path: path, Content: src})
		m.ID, m.Number, m.Path = id, number, path
		ordered = append(ordered, m)
	}
	all := &history.History{Dir: h.Dir, Migrations: ordered}
	head := ordered[len(ordered)-1].ID
	replayed, at, err := replayWithSets(all, sets)
	if err != nil {
		return fmt.Errorf("rebase: after the other branch's migrations, a local one no longer fits (both branches changed the same thing); "+
			"delete the local migration, run strata adopt, and generate it again: %w", err)
	}
	s, ext := withoutSets(replayed, at), withSets(&schema.Schema{}, at)
	content, err := snapshot.Encode(d.pkg, &snapshot.File{Head: head, Schema: s, Models: keptModels(d.path, s, ext)})
	if err != nil {
		return err
	}
	r.Files = append(r.Files, files.File{Path: filepath.Join(d.path, snapshot.FileName), Content: content})
	return nil
}

// renamedSource returns the source of migration m with its ID literal,
// and the ID in its leading comment, changed to id.
func renamedSource(m history.Migration, id string) ([]byte, error) {
	src, err := os.ReadFile(m.Path)
	if err != nil {
		return nil, fmt.Errorf("rebase: %w", err)
	}
	quoted := []byte(strconv.Quote(m.ID))
	if bytes.Count(src, quoted) != 1 {
		return nil, fmt.Errorf("rebase: %s: cannot find its ID %s once to change it; give it the next free number by hand, then run strata adopt", m.Path, quoted)
	}
	src = bytes.Replace(src, quoted, []byte(strconv.Quote(id)), 1)
	return bytes.Replace(src, []byte("// Migration "+m.ID+","), []byte("// Migration "+id+","), 1), nil
}
