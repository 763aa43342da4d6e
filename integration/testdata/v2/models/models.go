// Package models is the second version of the integration test's models:
// against the first, it adds a table with foreign keys, adds a column and an
// index to users, and drops users.visits.
package models

import (
	"database/sql"
	"encoding/json"
	"time"
)

// Status is a user's state.
//
//strata:enum
type Status string

// The statuses.
const (
	StatusActive Status = "active"
	StatusBanned Status = "banned"
)

// UUID is a 16-byte identifier, like google/uuid's.
type UUID [16]byte

// Org is an organisation.
//
//strata:table orgs
type Org struct {
	ID   int64  `db:"id"   strata:"pk,identity"`
	Name string `db:"name" strata:"unique,size=100"`
}

// Team belongs to an org and has a captain: teams and users reference each
// other.
//
//strata:table teams
type Team struct {
	ID        int32  `db:"id"         strata:"pk,identity"`
	Name      string `db:"name"`
	CaptainID *int64 `db:"captain_id" strata:"fk=users.id,on_delete=set_null"`
}

// Audit holds the timestamps several tables share.
type Audit struct {
	CreatedAt time.Time  `db:"created_at" strata:"default=now,index"`
	DeletedAt *time.Time `db:"deleted_at"`
}

// User is a person.
//
//strata:table users
//strata:index users_org_status (org_id, status)
type User struct {
	ID     int64           `db:"id"      strata:"pk,identity"`
	Email  string          `db:"email"   strata:"unique,size=320"`
	Bio    *string         `db:"bio"`
	OrgID  int64           `db:"org_id"  strata:"fk=orgs.id,on_delete=cascade,index"`
	TeamID *int32          `db:"team_id" strata:"fk=teams.id"`
	Status Status          `db:"status"  strata:"default='active'"`
	Age    int16           `db:"age"     strata:"default=0"`
	Score  float64         `db:"score"`
	Ratio  float32         `db:"ratio"   strata:"default=1.5"`
	Admin  bool            `db:"admin"   strata:"default=false"`
	Avatar []byte          `db:"avatar"`
	Prefs  json.RawMessage `db:"prefs"`
	Token  UUID            `db:"token"`
	Nick   sql.NullString  `db:"nick"`
	Audit
	LastLogin *time.Time `db:"last_login"`
	Cache     string     `db:"-"`
}

// Membership puts a user in an org with a role; its key has two columns.
//
//strata:table memberships
//strata:pk (user_id, org_id)
type Membership struct {
	UserID int64  `db:"user_id" strata:"fk=users.id,on_delete=cascade"`
	OrgID  int64  `db:"org_id"  strata:"fk=orgs.id,on_delete=cascade,on_update=restrict,index"`
	Role   string `db:"role"    strata:"size=20,default='member'"`
}

// Project is new in this version: it belongs to an org and has an owner.
//
//strata:table projects
//strata:unique projects_org_name (org_id, name)
type Project struct {
	ID      int64  `db:"id"       strata:"pk,identity"`
	OrgID   int64  `db:"org_id"   strata:"fk=orgs.id,on_delete=cascade"`
	OwnerID *int64 `db:"owner_id" strata:"fk=users.id,on_delete=set_null,index"`
	Name    string `db:"name"     strata:"size=80"`
}
