// Command blog is strata's example app. It applies its migrations at
// start-up, as an app would, then writes a post and reads it back.
//
//	go run ./examples/blog                                   # the SQLite file blog.db
//	DATABASE_URL=sqlite:other.db go run ./examples/blog
//	DATABASE_URL=postgres://user@host/db go run ./examples/blog
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/strata-go/strata/examples/blog/migrations"
)

func main() {
	if err := run(context.Background(), os.Getenv("DATABASE_URL"), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, url string, out io.Writer) error {
	driver, dsn := "sqlite", "blog.db"
	switch {
	case strings.HasPrefix(url, "postgres"):
		driver, dsn = "pgx", url
	case strings.HasPrefix(url, "sqlite:"):
		dsn = strings.TrimPrefix(url, "sqlite:")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()

	// Every replica may do this at start-up: each migration is applied once.
	if _, err := migrations.Migrator.Up(ctx, db); err != nil {
		return err
	}

	var authorID, postID int64
	err = db.QueryRowContext(ctx,
		`INSERT INTO users (email, name, role) VALUES ('ada@example.com', 'Ada', 'author')
		 ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id`).Scan(&authorID)
	if err != nil {
		return err
	}
	err = db.QueryRowContext(ctx,
		`INSERT INTO posts (author_id, title, slug, meta) VALUES ($1, 'Hello', 'hello', '{}')
		 ON CONFLICT (slug) DO UPDATE SET title = excluded.title RETURNING id`, authorID).Scan(&postID)
	if err != nil {
		return err
	}
	var title, author string
	err = db.QueryRowContext(ctx,
		`SELECT p.title, u.name FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = $1`, postID).Scan(&title, &author)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "post %d: %q by %s\n", postID, title, author)
	return nil
}
