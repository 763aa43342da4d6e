package sqlite_test

import (
	"testing"

	"github.com/strata-go/strata/runtime/dialect/sqlite"
	"github.com/strata-go/strata/runtime/schema"
)

func TestColumnTypeFollowsTheSharedMappingWithInt32AsINT(t *testing.T) {
	cases := []struct {
		typ  schema.Type
		want string
	}{
		{boolean, "BOOLEAN"},
		{smallint, "SMALLINT"},
		{integer, "INT"},
		{bigint, "BIGINT"},
		{schema.Type{Kind: schema.Float32}, "REAL"},
		{schema.Type{Kind: schema.Float64}, "DOUBLE"},
		{text, "TEXT"},
		{varchar(320), "VARCHAR(320)"},
		{blob, "BLOB"},
		{stamp, "TIMESTAMP"},
		{jsonType, "TEXT"},
		{uuidType, "TEXT"},
		{enum("status"), "TEXT"},
		{schema.Type{Kind: schema.Float64, Custom: custom("", "NUMERIC(10, 2)")}, "NUMERIC(10, 2)"},
		{schema.Type{Kind: schema.Float64, Custom: []schema.CustomType{{SQL: "numeric"}, {Dialect: "sqlite", SQL: "REAL"}}}, "REAL"},
		{schema.Type{Kind: schema.JSON, Custom: custom("postgres", "jsonb")}, "TEXT"},
	}
	for _, tc := range cases {
		got, err := sqlite.Dialect{}.ColumnType(tc.typ)
		if err != nil || got != tc.want {
			t.Errorf("ColumnType(%+v) = %q, %v; want %q", tc.typ, got, err, tc.want)
		}
	}
}

func TestColumnTypeRefusesAnUnknownKind(t *testing.T) {
	for _, kind := range []schema.Kind{"", "decimal"} {
		if got, err := (sqlite.Dialect{}).ColumnType(schema.Type{Kind: kind}); err == nil {
			t.Errorf("ColumnType(kind %q) = %q, want an error", kind, got)
		}
	}
}
