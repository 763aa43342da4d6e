package migrations

import auth "github.com/strata-go/strata/examples/blog/auth/migrations"

// The blog's migrations run with those of its auth package, which make
// the users table the blog's tables reference and extend.
func init() { Migrator.Include(auth.Set) }
