// Package models holds the models of the blog's auth package: the users who
// sign in and their sessions. It ships its own migrations, as the set
// "auth" (../migrations), which the blog's migrations include: the blog
// references users and adds columns to it without a copy of these models.
package models

import "time"

// User is someone with an account.
//
//strata:table users
type User struct {
	ID        int64     `db:"id"         strata:"pk,identity"`
	Email     string    `db:"email"      strata:"unique,size=320"`
	Name      string    `db:"name"       strata:"size=100"`
	CreatedAt time.Time `db:"created_at" strata:"default=now"`
	UpdatedAt time.Time `db:"updated_at" strata:"auto_now"`
}

// Session is a user signed in on one device.
//
//strata:table sessions
type Session struct {
	Token     string    `db:"token"      strata:"pk,size=64"`
	UserID    int64     `db:"user_id"    strata:"fk=users.id,on_delete=cascade,index"`
	ExpiresAt time.Time `db:"expires_at"`
}
