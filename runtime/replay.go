package runtime

import (
	"fmt"

	"github.com/strata-go/strata/runtime/schema"
)

// replayer rebuilds in memory the schema that the first migrations leave
// behind, by applying their Up operations to an empty schema. It moves
// forward incrementally, which is how Up asks for schemas, and starts over
// when asked for an earlier one.
type replayer struct {
	migrations []Migration // in the order they run
	n          int         // how many migrations s holds
	s          *schema.Schema
}

// handOver records that the caller, given the schema of the last call of
// after, is changing it into the schema after the first n migrations. On
// failure the caller must call forget.
func (rp *replayer) handOver(n int) { rp.n = n }

// forget drops the schema rp holds, which the next call of after builds
// anew.
func (rp *replayer) forget() { rp.s = nil }

// after returns the schema after the Up operations of the first n
// migrations. The caller must not change it; it is valid until the next
// call.
func (rp *replayer) after(n int) (*schema.Schema, error) {
	if rp.s == nil || n < rp.n {
		rp.s, rp.n = &schema.Schema{}, 0
	}
	for rp.n < n {
		mig := rp.migrations[rp.n]
		if err := rp.s.ApplyAll(mig.Up); err != nil {
			rp.s = nil // ApplyAll left it half changed
			return nil, fmt.Errorf("replay migration %s: %w", mig.ID, err)
		}
		rp.n++
	}
	return rp.s, nil
}
