package schema

// Irreversible marks a migration that cannot be reverted, in its Down: a
// data migration whose old values are gone, say, or hand-written SQL with
// no inverse. Down and its variants refuse to revert the migration unless
// forced (runtime.WithForce, migrate down --force); forced, they run the
// rest of the Down operations and skip this one, which dialects never see.
type Irreversible struct {
	// Reason says why, for the error that refuses the revert.
	Reason string
}

func (Irreversible) operation() {}

// String returns "irreversible".
func (Irreversible) String() string { return "irreversible" }

// Apply does nothing: the marker changes no schema.
func (Irreversible) Apply(*Schema) error { return nil }
