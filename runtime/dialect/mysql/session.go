package mysql

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strata-go/strata/runtime/dialect"
)

// lockPoll is how long, at most, each GET_LOCK waits on the server before
// Lock looks at its context, its Wait and its callbacks again.
const lockPoll = 50 * time.Millisecond

// lockName returns the name of the migration lock of database: "strata_"
// and the first 32 hex digits of the SHA-256 of
// "strata:{database}:strata_migrations". GET_LOCK's names belong to the
// whole server, not to a database, so the name holds the database's, and
// it is hashed to fit MySQL's 64 characters. It must never change:
// replicas running different releases of an app exclude each other only
// while they agree on it. Like PostgreSQL's key, it comes from the default
// ledger's name, since Lock is not told the ledger's.
func lockName(database string) string {
	sum := sha256.Sum256([]byte("strata:" + database + ":strata_migrations"))
	return "strata_" + hex.EncodeToString(sum[:16])
}

// Lock checks that the server is one the dialect writes SQL for (MariaDB
// 10.5 or later), sets up conn's session for the migration (the SQL mode [SQLMode]
// and the time zone UTC, see the package documentation) and takes the
// named lock, GET_LOCK, that serialises migration runs on conn's current
// database (see lockName), and returns the function that releases it. The
// lock belongs to conn's session: it outlives the transactions and DDL
// statements run on conn, and the server frees it when the session ends.
//
// Lock calls GET_LOCK with a timeout of 50 milliseconds, again and again,
// so that it gets the lock as soon as it is free, and between two calls
// honours ctx, stops after opts.Wait with an error wrapping
// [dialect.ErrLockTimeout], asks opts.Needed whether the caller still
// needs the lock, and after [dialect.WaitNotice] tells opts.Waiting which
// session holds it. With opts.Lease set, Lock sets up the session and
// takes no lock: the caller holds a lease row instead.
//
// When conn is lost with the lock, the function Lock returns ends, through
// opts.Pool, the server session that holds it (KILL), so that the lock is
// free when it returns. When taking or releasing the lock fails
// otherwise, conn is closed rather than returned to the pool, so that no
// pooled session keeps the lock.
func (Dialect) Lock(ctx context.Context, conn *sql.Conn, opts dialect.LockOptions) (unlock func(context.Context) error, err error) {
	var (
		version  string
		database sql.NullString
	)
	if err := conn.QueryRowContext(ctx, "SELECT VERSION(), DATABASE()").Scan(&version, &database); err != nil {
		return nil, fmt.Errorf("mysql: read the server's version and the current database: %w", err)
	}
	if err := supported(version); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "SET SESSION sql_mode = '"+SQLMode+"', time_zone = '+00:00'"); err != nil {
		discardConn(conn)
		return nil, fmt.Errorf("mysql: set up the session: %w", err)
	}
	if opts.Lease {
		return func(context.Context) error { return nil }, nil
	}
	if !database.Valid {
		return nil, errors.New("mysql: take the migration lock: the connection has no current database: name one in the URL")
	}
	name := lockName(database.String)
	getLock := "SELECT GET_LOCK('" + name + "', " + strconv.FormatFloat(lockPoll.Seconds(), 'f', -1, 64) + "), CONNECTION_ID()"
	var giveUp, notice <-chan time.Time
	if opts.Wait > 0 {
		timer := time.NewTimer(opts.Wait)
		defer timer.Stop()
		giveUp = timer.C
	}
	if opts.Waiting != nil {
		timer := time.NewTimer(dialect.WaitNotice)
		defer timer.Stop()
		notice = timer.C
	}
	for {
		var (
			got sql.NullInt64
			id  int64
		)
		// The name (hex digits) and the wait in the text: an argument would
		// cost go-sql-driver/mysql a prepare, a round trip, at each try.
		err := conn.QueryRowContext(ctx, getLock).Scan(&got, &id)
		switch {
		case err != nil && ctx.Err() != nil:
			discardConn(conn)
			return nil, fmt.Errorf("mysql: wait for the migration lock: %w", ctx.Err())
		case err != nil:
			discardConn(conn)
			return nil, fmt.Errorf("mysql: take the migration lock: %w", err)
		case got.Valid && got.Int64 == 1:
			return releaser(conn, name, id, opts.Pool), nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("mysql: wait for the migration lock: %w", ctx.Err())
		case <-giveUp:
			return nil, fmt.Errorf("mysql: %w (waited %s; another process is migrating this database)", dialect.ErrLockTimeout, opts.Wait)
		case <-notice:
			opts.Waiting(holder(ctx, conn, name))
		default:
		}
		if opts.Needed != nil {
			if needed, err := opts.Needed(ctx); err == nil && !needed {
				return nil, fmt.Errorf("mysql: %w", dialect.ErrNotNeeded)
			}
		}
	}
}

// releaser returns the function that releases the migration lock name
// that conn's session, the server connection id, holds.
func releaser(conn *sql.Conn, name string, id int64, pool *sql.DB) func(context.Context) error {
	return func(ctx context.Context) error {
		var released sql.NullInt64
		err := conn.QueryRowContext(ctx, "SELECT RELEASE_LOCK(?)", name).Scan(&released)
		if err == nil && released.Valid && released.Int64 == 1 {
			return nil
		}
		discardConn(conn)
		switch {
		case err == nil:
			err = errors.New("the session did not hold it")
		case pool != nil:
			// conn is lost: its session may live on, running the statement
			// it was given, with the lock.
			endErr := endSession(ctx, pool, name, id)
			if endErr == nil {
				return nil
			}
			err = errors.Join(err, endErr)
		case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
			return nil // the session will end, and its lock with it
		}
		return fmt.Errorf("mysql: release the migration lock: %w", err)
	}
}

// endSession ends, through pool, the server connection id if it still
// holds the lock name, and waits, up to ctx's end, until the lock is free
// of it.
func endSession(ctx context.Context, pool *sql.DB, name string, id int64) error {
	for {
		var holder sql.NullInt64
		if err := pool.QueryRowContext(ctx, "SELECT IS_USED_LOCK(?)", name).Scan(&holder); err != nil {
			return fmt.Errorf("end the session of the lost connection (%d): %w", id, err)
		}
		if !holder.Valid || holder.Int64 != id {
			return nil
		}
		if _, err := pool.ExecContext(ctx, "KILL "+strconv.FormatInt(id, 10)); err != nil {
			return fmt.Errorf("end the session of the lost connection (%d): %w", id, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the session of the lost connection (%d) to end: %w", id, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// holder describes, as far as the server tells, the session that holds
// the lock name: its connection, user, client and what it runs; "" when
// it tells nothing.
func holder(ctx context.Context, conn *sql.Conn, name string) string {
	var (
		id               int64
		user, host, info sql.NullString
		seconds          sql.NullInt64
		command          sql.NullString
	)
	err := conn.QueryRowContext(ctx, `SELECT p.ID, p.USER, p.HOST, p.COMMAND, p.TIME, p.INFO
FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)`, name).Scan(&id, &user, &host, &command, &seconds, &info)
	if err != nil {
		return ""
	}
	var details []string
	if user.String != "" {
		details = append(details, "user "+strconv.Quote(user.String))
	}
	if host.String != "" {
		details = append(details, "from "+host.String)
	}
	if command.String == "Query" && info.String != "" {
		details = append(details, fmt.Sprintf("running %s for %s", strconv.Quote(brief(info.String)), time.Duration(seconds.Int64)*time.Second))
	}
	if len(details) == 0 {
		return fmt.Sprintf("connection %d", id)
	}
	return fmt.Sprintf("connection %d (%s)", id, strings.Join(details, ", "))
}

// brief folds the whitespace of a statement and cuts it to 60 runes.
func brief(statement string) string {
	s := strings.Join(strings.Fields(statement), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}

// discardConn closes conn's session instead of returning it to the pool.
func discardConn(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}

// Begin starts a transaction on conn. It ignores opts: the lock taken by
// [Dialect.Lock] (or the caller's lease) already keeps other runs out.
// MySQL commits a DDL statement, and the transaction around it, on its
// own: Render marks every DDL statement to run outside the transactions
// Begin starts.
func (Dialect) Begin(ctx context.Context, conn *sql.Conn, _ dialect.LockOptions) (*sql.Tx, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("mysql: begin: %w", err)
	}
	return tx, nil
}

// Ledger returns the statement that creates the ledger table named table,
// in the current database, when it does not exist: the columns of the
// other engines' ledgers, the id a VARCHAR, since MySQL keys no TEXT.
func (d Dialect) Ledger(table string) []string {
	return []string{"CREATE TABLE IF NOT EXISTS " + d.QuoteIdent(table) + ` (
  ` + "`id`" + ` VARCHAR(255) NOT NULL PRIMARY KEY,
  ` + "`checksum`" + ` TEXT NOT NULL,
  ` + "`batch`" + ` INT NOT NULL,
  ` + "`applied_at`" + ` DATETIME(6) NOT NULL,
  ` + "`duration_ms`" + ` BIGINT NOT NULL
)` + tableOptions}
}

// LedgerExists reports whether the ledger table named table exists in the
// current database.
func (Dialect) LedgerExists(ctx context.Context, db *sql.DB, table string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", table).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("mysql: look for table %s: %w", table, err)
	}
	return n > 0, nil
}

// Placeholder returns "?", MySQL's parameter.
func (Dialect) Placeholder(int) string { return "?" }

// Tables returns the names of the base tables of conn's current database,
// sorted by byte order, strata's own included: the caller filters them.
func (Dialect) Tables(ctx context.Context, conn *sql.Conn) ([]string, error) {
	names, err := listNames(ctx, conn, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")
	if err != nil {
		return nil, fmt.Errorf("mysql: list tables: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

func listNames(ctx context.Context, conn *sql.Conn, query string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// DropAll drops the views and tables of conn's current database, strata's
// ledger included, so that a fresh run of every migration starts from
// nothing. Foreign keys are not checked while it drops, so tables go in
// any order, cycles included. MySQL commits each DROP on its own: when one
// fails, those before it stay dropped. It drops nothing outside the
// current database, nor the database itself. DropAll does not take the
// migration lock: the caller holds it, or knows that nothing else
// migrates the database.
func (d Dialect) DropAll(ctx context.Context, conn *sql.Conn) (err error) {
	if _, err := conn.ExecContext(ctx, "SET SESSION foreign_key_checks = 0"); err != nil {
		return fmt.Errorf("mysql: drop all: %w", err)
	}
	defer func() {
		if _, restoreErr := conn.ExecContext(context.WithoutCancel(ctx), "SET SESSION foreign_key_checks = 1"); restoreErr != nil {
			discardConn(conn)
		}
	}()
	for _, kind := range []string{"VIEW", "TABLE"} {
		tableType := "BASE TABLE"
		if kind == "VIEW" {
			tableType = "VIEW"
		}
		names, err := listNames(ctx, conn, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = '"+tableType+"' ORDER BY TABLE_NAME")
		if err != nil {
			return fmt.Errorf("mysql: drop all: list %ss: %w", strings.ToLower(kind), err)
		}
		for _, n := range names {
			if _, err := conn.ExecContext(ctx, "DROP "+kind+" IF EXISTS "+d.QuoteIdent(n)); err != nil {
				return fmt.Errorf("mysql: drop %s %s: %w", strings.ToLower(kind), n, err)
			}
		}
	}
	return nil
}
