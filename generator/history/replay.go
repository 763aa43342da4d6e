package history

import (
	"fmt"
	"slices"

	"github.com/strata-go/strata/runtime/schema"
)

// Replay returns the schema that the migrations of h build, up to and
// including the migration upTo, or all of them when upTo is "": it applies
// the Up operations of each, in order, to the empty schema, as the runtime
// does to a database. The schema is in canonical form (see
// [schema.Schema.Normalize]), as the snapshot holds it.
//
// An operation that does not fit the schema the ones before it build is an
// error that begins with its file and position and names the migration and
// the operation; it wraps the error of [schema.Operation.Apply].
func (h *History) Replay(upTo string) (*schema.Schema, error) {
	return h.ReplayOn(&schema.Schema{}, upTo)
}

// ReplayOn is [History.Replay] from base rather than from an empty schema:
// the tables of the sets a migrations package includes, which its
// migrations reference but do not make. base is left as it is.
func (h *History) ReplayOn(base *schema.Schema, upTo string) (*schema.Schema, error) {
	migrations := h.Migrations
	if upTo != "" {
		i := slices.IndexFunc(migrations, func(m Migration) bool { return m.ID == upTo })
		if i < 0 {
			return nil, fmt.Errorf("history: no migration %s in %s", upTo, h.Dir)
		}
		migrations = migrations[:i+1]
	}
	s := base.Clone()
	for _, m := range migrations {
		for i, op := range m.Up {
			if err := op.Apply(s); err != nil {
				pos := m.Pos
				if i < len(m.upPos) {
					pos = m.upPos[i]
				}
				return nil, fmt.Errorf("%s: migration %s, Up[%d] (%s): %w", pos, m.ID, i, op, err)
			}
		}
	}
	s.Normalize()
	return s, nil
}
