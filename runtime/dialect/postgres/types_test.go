package postgres_test

import (
	"testing"

	"github.com/strata-go/strata/runtime/dialect/postgres"
	"github.com/strata-go/strata/runtime/schema"
)

func TestColumnTypeDeclaresEachKind(t *testing.T) {
	cases := []struct {
		typ  schema.Type
		want string
	}{
		{schema.Type{Kind: schema.Bool}, "BOOLEAN"},
		{schema.Type{Kind: schema.Int16}, "SMALLINT"},
		{schema.Type{Kind: schema.Int32}, "INTEGER"},
		{schema.Type{Kind: schema.Int64}, "BIGINT"},
		{schema.Type{Kind: schema.Float32}, "REAL"},
		{schema.Type{Kind: schema.Float64}, "DOUBLE PRECISION"},
		{schema.Type{Kind: schema.Text}, "TEXT"},
		{schema.Type{Kind: schema.Text, Size: 320}, "VARCHAR(320)"},
		{schema.Type{Kind: schema.Bytes}, "BYTEA"},
		{schema.Type{Kind: schema.Timestamp}, "TIMESTAMPTZ"},
		{schema.Type{Kind: schema.JSON}, "JSONB"},
		{schema.Type{Kind: schema.UUID}, "UUID"},
		{schema.Type{Kind: schema.EnumKind, Enum: "status"}, `"status"`},
		{schema.Type{Kind: schema.EnumKind, Enum: `Odd "Enum"`}, `"Odd ""Enum"""`},
		{schema.Type{Kind: schema.Float64, Custom: []schema.CustomType{{SQL: "numeric(10,2)"}}}, "numeric(10,2)"},
		{schema.Type{Kind: schema.Text, Custom: []schema.CustomType{{Dialect: "postgres", SQL: "citext"}, {SQL: "TEXT"}}}, "citext"},
		{schema.Type{Kind: schema.Text, Size: 5, Custom: []schema.CustomType{{Dialect: "sqlite", SQL: "CLOB"}}}, "VARCHAR(5)"},
	}
	for _, tc := range cases {
		got, err := postgres.Dialect{}.ColumnType(tc.typ)
		if err != nil || got != tc.want {
			t.Errorf("ColumnType(%+v) = %q, %v; want %q", tc.typ, got, err, tc.want)
		}
	}
}

func TestColumnTypeRefusesWhatItCannotDeclare(t *testing.T) {
	cases := map[string]schema.Type{
		`postgres: unknown column kind "money"`:           {Kind: "money"},
		`postgres: unknown column kind ""`:                {},
		"postgres: negative text size -1":                 {Kind: schema.Text, Size: -1},
		"postgres: enum column without an enum type name": {Kind: schema.EnumKind},
		"postgres: empty custom type":                     {Kind: schema.Text, Custom: []schema.CustomType{{Dialect: "postgres", SQL: " "}}},
	}
	for want, typ := range cases {
		if _, err := (postgres.Dialect{}).ColumnType(typ); err == nil || err.Error() != want {
			t.Errorf("ColumnType(%+v) error = %v, want %q", typ, err, want)
		}
	}
}
