package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/strata-go/strata/runtime/dialect"
)

// This file spells the runtime's own tables for MySQL ([dialect.Bookkeeping]):
// MySQL keys no TEXT column, and has no INSERT ... ON CONFLICT.

var _ dialect.Bookkeeping = Dialect{}

// ProgressTable returns the statement that creates the runtime's progress
// table named table when it does not exist: its id a VARCHAR, as the
// ledger's, since MySQL keys no TEXT.
func (Dialect) ProgressTable(table string) string {
	return "CREATE TABLE IF NOT EXISTS " + quote(table) + ` (
  ` + "`id`" + ` VARCHAR(255) NOT NULL PRIMARY KEY,
  ` + "`direction`" + ` VARCHAR(8) NOT NULL,
  ` + "`done`" + ` INT NOT NULL,
  ` + "`running`" + ` INT NOT NULL,
  ` + "`checksum`" + ` TEXT NOT NULL,
  ` + "`batch`" + ` INT NOT NULL
)` + tableOptions
}

// LeaseTable returns the statement that creates the runtime's lease table
// named table when it does not exist.
func (Dialect) LeaseTable(table string) string {
	return "CREATE TABLE IF NOT EXISTS " + quote(table) + ` (
  ` + "`name`" + ` VARCHAR(255) NOT NULL PRIMARY KEY,
  ` + "`holder`" + ` TEXT NOT NULL,
  ` + "`expires_at`" + ` BIGINT NOT NULL
)` + tableOptions
}

// ClaimLease claims the lease c describes, on a connection of db of its
// own, while it holds the migration lock of [Dialect.Lock] (GET_LOCK,
// without waiting): it deletes the lease row of c.Name when it expired
// before c.Now, and writes c's when none is left. It reports false when
// another session holds the lock, or a live lease is there.
//
// Holding the lock while it claims is what makes runs with a lease and
// runs with the lock exclude each other: a run that takes the lock after a
// claim finds the lease row the claim wrote, and waits for it to end; a
// claim made while a run holds the lock fails. It also makes claims, and
// the deletion of expired leases, take turns.
func (Dialect) ClaimLease(ctx context.Context, db *sql.DB, c dialect.LeaseClaim) (claimed bool, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("mysql: connect: %w", err)
	}
	defer func() { _ = conn.Close() }()
	var database sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&database); err != nil {
		return false, fmt.Errorf("mysql: read the current database: %w", err)
	}
	if !database.Valid {
		return false, errors.New("mysql: the connection has no current database: name one in the URL")
	}
	name := lockName(database.String)
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", name).Scan(&got); err != nil {
		discardConn(conn)
		return false, fmt.Errorf("mysql: take the migration lock: %w", err)
	}
	if !got.Valid || got.Int64 != 1 {
		return false, nil
	}
	defer func() {
		var released sql.NullInt64
		rerr := conn.QueryRowContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK(?)", name).Scan(&released)
		if rerr != nil || released.Int64 != 1 {
			// Never back to the pool with the lock: the session ends, and
			// the lock with it.
			discardConn(conn)
		}
	}()
	table := quote(c.Table)
	if _, err := conn.ExecContext(ctx, "DELETE FROM "+table+" WHERE `name` = ? AND `expires_at` < ?", c.Name, c.Now); err != nil {
		return false, fmt.Errorf("mysql: clear an expired lease: %w", err)
	}
	res, err := conn.ExecContext(ctx, "INSERT INTO "+table+" (`name`, `holder`, `expires_at`) SELECT ?, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM "+table+" WHERE `name` = ?)",
		c.Name, c.Holder, c.ExpiresAt, c.Name)
	if err != nil {
		return false, fmt.Errorf("mysql: write the lease: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mysql: write the lease: %w", err)
	}
	return n == 1, nil
}

var _ dialect.AtomicDDL = Dialect{}

// AtomicDDL reports whether statement is one DDL statement, which MySQL
// runs atomically and commits on its own (MySQL 8 and MariaDB 10.6 and
// later are crash-safe about it too): the runtime settles such a
// statement, when a run was interrupted during it, by reading the live
// schema back (see [dialect.AtomicDDL]).
func (Dialect) AtomicDDL(statement string) bool { return commitsImplicitly(statement) }
