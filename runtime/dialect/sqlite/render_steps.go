package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// This file holds the Go steps Render adds to a migration: those that open
// and close a table rebuild, and the foreign-key check after the
// migration's operations. They read the database, which SQL alone cannot
// act on.

// goStep is the function of a Go step.
type goStep = func(ctx context.Context, tx *sql.Tx) error

// prepareRebuild returns the Go step that opens the rebuild of table. It
// fails, wrapping [ErrEnforcementOn], when the connection enforces foreign
// keys, and it keeps in saved the statements of the table's triggers, which
// dropping the old table drops, for restoreTriggers to create again.
func prepareRebuild(table string, saved *[]string) goStep {
	return func(ctx context.Context, tx *sql.Tx) error {
		var on int
		if err := tx.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil {
			return fmt.Errorf("sqlite: rebuild table %s: %w", table, err)
		}
		if on != 0 {
			return fmt.Errorf("sqlite: rebuild table %s: %w: dropping the old table would delete the rows that reference it "+
				"with ON DELETE CASCADE, or fail; run the migration through strata's runtime, whose Lock turns enforcement off", table, ErrEnforcementOn)
		}
		triggers, err := queryText(ctx, tx, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE AND sql IS NOT NULL ORDER BY name`, table)
		if err != nil {
			return fmt.Errorf("sqlite: rebuild table %s: read its triggers: %w", table, err)
		}
		*saved = triggers
		return nil
	}
}

// restoreTriggers returns the Go step that closes the rebuild of table: it
// creates again the triggers prepareRebuild kept in saved, strata's own
// auto_now trigger in today's form (see upgradeAutoNow).
func restoreTriggers(table string, saved *[]string) goStep {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, create := range *saved {
			create = upgradeAutoNow(table, create)
			if _, err := tx.ExecContext(ctx, create); err != nil {
				return fmt.Errorf("sqlite: rebuild table %s: create its trigger again: %w\n%s", table, err, create)
			}
		}
		return nil
	}
}

// upgradeAutoNow returns create, the statement of a trigger of table, with
// the current time in [nowSQL]'s form when it is strata's auto_now trigger
// as releases before that form wrote it, setting CURRENT_TIMESTAMP. So a
// table created then writes one form of time from its next rebuild on, as
// its rebuilt DEFAULTs do.
func upgradeAutoNow(table, create string) string {
	if !strings.HasPrefix(create, "CREATE TRIGGER "+quoteIdent(autoNowName(table))+" ") {
		return create
	}
	return strings.NewReplacer(
		" IS NOT CURRENT_TIMESTAMP", " IS NOT "+nowSQL,
		" THEN CURRENT_TIMESTAMP ELSE ", " THEN "+nowSQL+" ELSE ",
	).Replace(create)
}

// maxViolations is how many violations the error of foreignKeyCheck lists.
const maxViolations = 10

// foreignKeyCheck returns the Go step that runs PRAGMA foreign_key_check on
// each of tables and fails, wrapping [ErrForeignKeyViolation], when a row
// has a foreign key that matches no row of the table it references. The
// error lists the first violations, each as the table, the row's rowid and
// the referenced table.
func foreignKeyCheck(tables []string) goStep {
	return func(ctx context.Context, tx *sql.Tx) error {
		var found []string
		total := 0
		for _, t := range tables {
			err := each(ctx, tx, "PRAGMA foreign_key_check("+quoteIdent(t)+")", nil, func(rows *sql.Rows) error {
				var table, parent string
				var rowid sql.NullInt64
				var fkid int
				if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
					return err
				}
				if total++; len(found) < maxViolations {
					row := "a row"
					if rowid.Valid {
						row = "row " + strconv.FormatInt(rowid.Int64, 10)
					}
					found = append(found, fmt.Sprintf("%s of %s references no row of %s", row, table, parent))
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("sqlite: check the foreign keys of table %s: %w", t, err)
			}
		}
		if total == 0 {
			return nil
		}
		return fmt.Errorf("sqlite: %w: %s (%d in all); correct or delete those rows before the migration changes the table",
			ErrForeignKeyViolation, strings.Join(found, "; "), total)
	}
}

// queryText runs query in tx and returns the one text column of each row.
func queryText(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	var out []string
	err := each(ctx, tx, query, args, func(rows *sql.Rows) error {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}
