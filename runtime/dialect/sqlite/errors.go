package sqlite

import "errors"

// ErrForeignKeyViolation is wrapped by the error of the step that
// [Dialect.Render] appends to a migration to check foreign keys (see
// [Dialect.Render]): the migration left rows whose foreign key matches no
// row of the table it references. The error lists them, and the runtime
// rolls the migration back.
var ErrForeignKeyViolation = errors.New("rows violate foreign keys")

// ErrEnforcementOn is wrapped by the error of a table rebuild that runs on a
// connection enforcing foreign keys. Dropping the old table would then
// delete the rows of other tables that reference it (ON DELETE CASCADE) or
// fail, so a rebuild runs only once [Dialect.Lock] has turned enforcement
// off, as strata's runtime does for every migration.
var ErrEnforcementOn = errors.New("foreign-key enforcement is on")
