package integration

import (
	"context"
	"database/sql"
	"testing"
)

// assertSpotChecks asks the engine's own catalog a few questions about the
// first version's schema, with no strata code in between, so that a mistake
// shared by the loader and the inspector cannot hide.
func assertSpotChecks(t *testing.T, e engine, db *sql.DB) {
	t.Helper()
	checks := map[string][]struct {
		what  string
		query string
		want  string
	}{
		"postgres": {
			{"users.email is varchar(320) not null",
				`SELECT data_type || '(' || character_maximum_length || ') ' || is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'`,
				"character varying(320) NO"},
			{"users.bio is nullable text",
				`SELECT data_type || ' ' || is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'bio'`,
				"text YES"},
			{"users.status is the enum status with its values in order",
				`SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum JOIN pg_type t ON t.oid = enumtypid WHERE t.typname = 'status'`,
				"active,banned"},
			{"users.id is an identity column",
				`SELECT is_identity FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'id'`,
				"YES"},
			{"users.org_id cascades on delete",
				`SELECT delete_rule FROM information_schema.referential_constraints WHERE constraint_name = 'users_org_id_fkey'`,
				"CASCADE"},
			{"memberships has a two-column primary key",
				`SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum WHERE c.conname = 'memberships_pkey'`,
				"user_id,org_id"},
			{"users.created_at is timestamptz defaulting to the current time",
				`SELECT data_type || ' ' || column_default FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'created_at'`,
				"timestamp with time zone CURRENT_TIMESTAMP"},
		},
		"sqlite": {
			{"users.email is VARCHAR(320) NOT NULL",
				`SELECT type || ' ' || "notnull" FROM pragma_table_info('users') WHERE name = 'email'`,
				"VARCHAR(320) 1"},
			{"users.id is the rowid alias",
				`SELECT type || ' ' || pk FROM pragma_table_info('users') WHERE name = 'id'`,
				"INTEGER 1"},
			{"users.org_id cascades on delete",
				`SELECT "table" || ' ' || on_delete FROM pragma_foreign_key_list('users') WHERE "from" = 'org_id'`,
				"orgs CASCADE"},
			{"memberships has a two-column primary key",
				`SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('memberships') WHERE pk > 0 ORDER BY pk)`,
				"user_id,org_id"},
			{"users.email is unique",
				`SELECT count(*) FROM pragma_index_list('users') WHERE "unique" = 1 AND name = 'users_email_key'`,
				"1"},
		},
	}
	for _, c := range checks[e.name] {
		var got string
		if err := db.QueryRowContext(context.Background(), c.query).Scan(&got); err != nil {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: the catalog says %q, want %q", c.what, got, c.want)
		}
	}
}
