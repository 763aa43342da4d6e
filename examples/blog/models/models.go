// Package models holds the blog's model structs: users (of the auth
// package, ../auth) write posts, readers comment on them, and posts carry
// tags through a join table. strata reads
// these structs to write the migrations in ../migrations.
package models

import (
	"encoding/json"
	"time"
)

// Role is what a user may do.
//
//strata:enum
type Role string

// The roles, in the order the database type lists them.
const (
	RoleReader Role = "reader"
	RoleAuthor Role = "author"
	RoleAdmin  Role = "admin"
)

// Timestamps are the creation and update times every table carries.
type Timestamps struct {
	CreatedAt time.Time `db:"created_at" strata:"default=now"`
	UpdatedAt time.Time `db:"updated_at" strata:"auto_now"`
}

// Profile adds the blog's columns to the users of the auth package.
//
//strata:extend users
type Profile struct {
	Bio  *string `db:"bio"`
	Role Role    `db:"role" strata:"default='reader'"`
}

// Post is an article by one author.
//
//strata:table posts
//strata:index posts_author_published (author_id, published_at)
type Post struct {
	ID          int64           `db:"id"           strata:"pk,identity"`
	AuthorID    int64           `db:"author_id"    strata:"fk=users.id,on_delete=cascade"`
	Title       string          `db:"title"        strata:"size=200"`
	Slug        string          `db:"slug"         strata:"unique"`
	Body        string          `db:"body"         strata:"default=''"`
	Meta        json.RawMessage `db:"meta"`
	PublishedAt *time.Time      `db:"published_at"`
	Timestamps
}

// Comment is a reader's reply to a post. It outlives its author's account.
//
//strata:table comments
type Comment struct {
	ID       int64  `db:"id"        strata:"pk,identity"`
	PostID   int64  `db:"post_id"   strata:"fk=posts.id,on_delete=cascade,index"`
	AuthorID *int64 `db:"author_id" strata:"fk=users.id,on_delete=set_null,index"`
	Body     string `db:"body"`
	Timestamps
}

// Tag labels posts.
//
//strata:table tags
type Tag struct {
	ID   int32  `db:"id"   strata:"pk,identity"`
	Name string `db:"name" strata:"unique,size=64"`
}

// PostTag puts a tag on a post.
//
//strata:table post_tags
//strata:pk (post_id, tag_id)
type PostTag struct {
	PostID int64 `db:"post_id" strata:"fk=posts.id,on_delete=cascade"`
	TagID  int32 `db:"tag_id"  strata:"fk=tags.id,on_delete=cascade,index"`
}
