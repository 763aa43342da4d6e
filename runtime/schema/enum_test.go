package schema_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func withStatusDefault() *schema.Schema {
	s := base()
	s.Tables[1].Column("status").Default = "'active'"
	return s
}

func TestEnumChangesChangeTheSchema(t *testing.T) {
	s := withStatusDefault()
	if err := (schema.AlterEnum{Name: "status", Values: []string{"pending", "active", "banned"}}).Apply(s); err != nil {
		t.Fatal(err)
	}
	if got := s.Enum("status").Values; !slices.Equal(got, []string{"pending", "active", "banned"}) {
		t.Errorf("after AlterEnum the values are %v", got)
	}
	if err := (schema.RenameEnumValue{Enum: "status", From: "active", To: "it's on"}).Apply(s); err != nil {
		t.Fatal(err)
	}
	if got := s.Enum("status").Values[1]; got != "it's on" {
		t.Errorf("after RenameEnumValue the value is %q", got)
	}
	if got := s.Table("users").Column("status").Default; got != "'it''s on'" {
		t.Errorf("the default naming the renamed value is %s, want 'it''s on'", got)
	}
}

func TestEnumChangesThatDoNotFitFail(t *testing.T) {
	cases := []struct {
		name string
		op   schema.Operation
		want string
	}{
		{"altering a missing enum", schema.AlterEnum{Name: "mood", Values: []string{"a"}}, "no enum mood"},
		{"leaving an enum no values", schema.AlterEnum{Name: "status"}, "no values"},
		{"repeating a value", schema.AlterEnum{Name: "status", Values: []string{"a", "a"}}, "twice"},
		{"removing a value a default names", schema.AlterEnum{Name: "status", Values: []string{"banned"}}, "defaults to 'active'"},
		{"renaming a missing value", schema.RenameEnumValue{Enum: "status", From: "gone", To: "x"}, `no value "gone"`},
		{"renaming onto a value", schema.RenameEnumValue{Enum: "status", From: "active", To: "banned"}, "already"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.op.Apply(withStatusDefault())
			if !errors.Is(err, schema.ErrNotFit) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: err %v, want ErrNotFit saying %q", tc.op, err, tc.want)
			}
		})
	}
}
