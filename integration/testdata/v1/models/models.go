// Package models is the first version of the integration test's models: it
// uses every column type, every column option, an enum, a composite primary
// key and a cycle of foreign keys.
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
	CreatedAt time.Time  `db:"created_at" strata:"default=now"`
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
	Visits int32           `db:"visits"  strata:"default=0"`
	Score  float64         `db:"score"`
	Ratio  float32         `db:"ratio"   strata:"default=1.5"`
	Admin  bool            `db:"admin"   strata:"default=false"`
	Avatar []byte          `db:"avatar"`
	Prefs  json.RawMessage `db:"prefs"`
	Token  UUID            `db:"token"`
	Nick   sql.NullString  `db:"nick"`
	Audit
	Cache string `db:"-"`
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
