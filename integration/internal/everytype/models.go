// Package everytype holds a model with a field of every Go type strata
// maps to a column, for the round-trip test of the integration package:
// the test generates the model's migration from this file, applies it, and
// writes and reads rows of it through sqlx and pgx.
package everytype

import (
	"database/sql"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/strata-go/strata/runtime/column"
)

// Status is an enum: a PostgreSQL enum type, a CHECK on SQLite.
//
//strata:enum
type Status string

// The values of Status.
const (
	StatusActive Status = "active"
	StatusClosed Status = "closed"
)

// Cents is a named integer: a BIGINT column.
type Cents int64

// Prefs is stored as JSON through column.JSON.
type Prefs struct {
	Theme string         `json:"theme"`
	Sizes map[string]int `json:"sizes,omitempty"`
}

// Every has a field of each type strata maps, NOT NULL and nullable.
//
//strata:table every
type Every struct {
	ID     int64                          `db:"id"      strata:"pk"`
	Flag   bool                           `db:"flag"`
	I8     int8                           `db:"i8"`
	U8     uint8                          `db:"u8"`
	I16    int16                          `db:"i16"`
	U16    uint16                         `db:"u16"`
	I32    int32                          `db:"i32"`
	U32    uint32                         `db:"u32"`
	I64    int64                          `db:"i64"`
	Int    int                            `db:"plain_int"`
	F32    float32                        `db:"f32"`
	F64    float64                        `db:"f64"`
	Text   string                         `db:"text_value"`
	Code   string                         `db:"code"    strata:"size=8"`
	Price  Cents                          `db:"price"`
	Status Status                         `db:"status"`
	Data   []byte                         `db:"data"`
	At     time.Time                      `db:"at"`
	Raw    column.JSON[json.RawMessage]   `db:"raw"`
	Prefs  column.JSON[Prefs]             `db:"prefs"`
	Tags   column.JSON[[]string]          `db:"tags"`
	Labels column.JSON[map[string]string] `db:"labels"`
	Token  uuid.UUID                      `db:"token"`

	Note      *string             `db:"note"`
	Count     *int64              `db:"count_value"`
	Seen      *time.Time          `db:"seen"`
	Ref       *uuid.UUID          `db:"ref"`
	Level     *Status             `db:"level"`
	Extra     *column.JSON[Prefs] `db:"extra"`
	Doc       *json.RawMessage    `db:"doc"`
	NullText  sql.NullString      `db:"null_text"`
	NullByte  sql.NullByte        `db:"null_byte"`
	NullI16   sql.NullInt16       `db:"null_i16"`
	NullI32   sql.NullInt32       `db:"null_i32"`
	NullI64   sql.NullInt64       `db:"null_i64"`
	NullBool  sql.NullBool        `db:"null_bool"`
	NullF64   sql.NullFloat64     `db:"null_f64"`
	NullTime  sql.NullTime        `db:"null_time"`
	NullOfI32 sql.Null[int32]     `db:"null_of_i32"`
}

// Native has JSON fields only pgx's own interface can write and read: a
// map, a slice and a struct with the json option, which database/sql
// cannot send, and a json.RawMessage, which it cannot read NULL into (it
// can into a *json.RawMessage, as Every's Doc). column.JSON is the type
// for every client.
//
//strata:table native
type Native struct {
	ID     int64             `db:"id"     strata:"pk"`
	Doc    json.RawMessage   `db:"doc"`
	Labels map[string]string `db:"labels" strata:"json"`
	Tags   []string          `db:"tags"   strata:"json"`
	Prefs  Prefs             `db:"prefs"  strata:"json"`
}
