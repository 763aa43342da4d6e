package runtime

import (
	"fmt"

	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

// SQL renders migration id for dialect d, its Down operations when down is
// true and its Up operations otherwise, without touching a database. It
// replays the migrations before it in memory to know the schema it starts
// from (for Down, the schema the migration itself leaves; its
// [schema.Irreversible] markers render to nothing). An ID that is not
// registered gives an error wrapping [ErrUnknownMigration].
func (m *Migrator) SQL(id string, d dialect.Dialect, down bool) ([]dialect.Step, error) {
	if d == nil {
		return nil, fmt.Errorf("runtime: sql: %w given", ErrNoDialect)
	}
	ms, o, err := m.flatten()
	if err != nil {
		return nil, err
	}
	i := o.index(ms, id)
	if i < 0 {
		return nil, fmt.Errorf("runtime: sql: %w %q", ErrUnknownMigration, id)
	}
	ops, n := ms[i].Up, i
	if down {
		ops, n = ms[i].Down, i+1
	}
	if o, ok := d.(dialect.Offliner); ok && len(ms[i].Offline) > 0 {
		d = o.Offline(ms[i].Offline...)
	}
	rp := replayer{migrations: ms}
	before, err := rp.after(n)
	if err != nil {
		return nil, fmt.Errorf("runtime: sql: migration %s: %w", id, err)
	}
	steps, err := renderOps(func(kept []schema.Operation) ([]dialect.Step, error) { return d.Render(before, kept) }, ops)
	if err != nil {
		return nil, fmt.Errorf("runtime: sql: migration %s: %w", id, err)
	}
	return steps, nil
}
