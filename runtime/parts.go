package runtime

import (
	"fmt"
	"strings"

	"github.com/strata-go/strata/runtime/dialect"
)

// Part is one part of a migration as [Migrator.Up] and [Migrator.Down] run
// it: a transaction, or a statement that runs outside any.
type Part struct {
	// Outside is set for a statement that runs outside any transaction.
	Outside bool
	// Repeat is set for a statement that runs in one transaction after
	// another until it changes no row.
	Repeat bool
	// Settings are the statements that set the transaction's timeouts,
	// which run first in it (see [WithStepTimeouts]).
	Settings []string
	// Steps are the part's statements, in order.
	Steps []dialect.Step
}

// Parts splits steps, the statements a migration renders to on dialect d,
// into the parts the runtime runs them in: one transaction for them all,
// unless the migration is marked [Migration.NonTransactional] (nonTx), one
// part per statement then, or its steps cannot share one transaction
// ([dialect.Stepwise]). Of opts, only [WithStepTimeouts]
// count, and only when d has timeouts.
func Parts(d dialect.Dialect, steps []dialect.Step, nonTx bool, opts ...Option) ([]Part, error) {
	if d == nil {
		return nil, fmt.Errorf("runtime: parts: %w given", ErrNoDialect)
	}
	var c config
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("runtime: %w: nil Option", ErrInvalidOption)
		}
		if err := o.apply(&c); err != nil {
			return nil, err
		}
	}
	r := &run{dialect: d, cfg: c}
	return r.parts(steps, nonTx), nil
}

// parts splits steps as [Parts] does, with the run's timeouts.
func (r *run) parts(steps []dialect.Step, nonTx bool) []Part {
	if len(steps) == 0 {
		return nil
	}
	if !nonTx && !dialect.Stepwise(steps) {
		return []Part{r.part1(steps, false)}
	}
	var parts []Part
	for k := 0; k < len(steps); {
		end := partEnd(steps, k, nonTx)
		parts = append(parts, r.part1(steps[k:end], steps[k].Outside))
		k = end
	}
	return parts
}

// part1 returns the part that runs steps, outside any transaction when
// outside is true.
func (r *run) part1(steps []dialect.Step, outside bool) Part {
	p := Part{Outside: outside, Repeat: len(steps) == 1 && steps[0].Repeat, Steps: steps}
	if !outside {
		p.Settings = r.settings(steps)
	}
	return p
}

// Script writes parts as an SQL script that does what the run does: a
// transaction as BEGIN, the statements that set its timeouts, its steps
// and COMMIT; a statement outside any transaction after a comment that
// says so; a part that repeats after a comment that says so. Each step is
// an SQL statement ending with ';', after a comment saying what it locks
// where the dialect says, or, for a step written in Go, the comment "-- Go
// step (operation N)", N counting the migration's operations from 1. No
// parts make "-- no statements".
func Script(parts []Part) string {
	if len(parts) == 0 {
		return "-- no statements\n"
	}
	var b strings.Builder
	for _, p := range parts {
		switch {
		case p.Outside:
			b.WriteString("-- outside a transaction\n")
		case p.Repeat:
			b.WriteString("-- repeated, in a transaction each time, until it changes no row\n")
		}
		if !p.Outside {
			b.WriteString("BEGIN;\n")
			for _, set := range p.Settings {
				b.WriteString(set + ";\n")
			}
		}
		for _, st := range p.Steps {
			if st.Go != nil {
				fmt.Fprintf(&b, "-- Go step (operation %d)\n", st.Op+1)
				continue
			}
			if st.Locks != "" {
				b.WriteString("-- locks " + st.Locks + "\n")
			}
			if st.Lint != "" {
				b.WriteString("-- " + st.Lint + "\n")
			}
			b.WriteString(strings.TrimSuffix(strings.TrimSpace(st.SQL), ";") + ";\n")
		}
		if !p.Outside {
			b.WriteString("COMMIT;\n")
		}
	}
	return b.String()
}
