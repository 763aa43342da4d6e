package runtime_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/dialect"
	"github.com/strata-go/strata/runtime/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestRegisterKeepsMigrationsSortedByID(t *testing.T) {
	all := blog()
	m := runtime.NewMigrator()
	m.Register(all[2], all[0])
	m.Register(all[3], all[1])
	var got []string
	for _, mig := range m.Migrations() {
		got = append(got, mig.ID)
	}
	want := []string{"0001_create_users", "0002_add_users_bio", "0003_index_users_email", "0004_create_posts"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Migrations() differ (-want +got):\n%s", diff)
	}
}

func TestRegisterPanicsOnAnEmptyOrDuplicateID(t *testing.T) {
	tests := []struct {
		name      string
		ms        []runtime.Migration
		wantPanic string
	}{
		{"an empty ID", []runtime.Migration{{ID: ""}}, "runtime: Register: a migration has an empty ID"},
		{"an ID registered before", []runtime.Migration{blog()[0]}, `runtime: Register: migration "0001_create_users" is registered twice`},
		{"an ID twice in one call", []runtime.Migration{{ID: "0009_x"}, {ID: "0009_x"}}, `runtime: Register: migration "0009_x" is registered twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMigrator(blog()...)
			defer func() {
				if got := fmt.Sprint(recover()); got != tt.wantPanic {
					t.Errorf("panic = %q, want %q", got, tt.wantPanic)
				}
			}()
			m.Register(tt.ms...)
		})
	}
}

func TestSQLRendersEachMigrationForEachDialect(t *testing.T) {
	// 0006 renders right only when SQL replays 0005 first: SQLite spells
	// the enum's values out in a CHECK.
	m := newMigrator(append(blog(),
		runtime.Migration{
			ID:   "0005_create_status",
			Up:   []schema.Operation{schema.CreateEnum{Enum: schema.Enum{Name: "status", Values: []string{"active", "banned"}}}},
			Down: []schema.Operation{schema.DropEnum{Name: "status"}},
		},
		runtime.Migration{
			ID:   "0006_add_users_status",
			Up:   []schema.Operation{schema.AddColumn{Table: "users", Column: schema.Column{Name: "status", Type: schema.Type{Kind: schema.EnumKind, Enum: "status"}, Nullable: true}}},
			Down: []schema.Operation{schema.DropColumn{Table: "users", Column: "status"}},
		},
	)...)
	for _, e := range engines {
		t.Run("for "+e.name, func(t *testing.T) {
			var got strings.Builder
			for _, mig := range m.Migrations() {
				for _, down := range []bool{false, true} {
					steps, err := m.SQL(mig.ID, e.dialect, down)
					if err != nil {
						t.Fatalf("SQL(%s, down=%v): %v", mig.ID, down, err)
					}
					fmt.Fprintf(&got, "-- %s %s\n", mig.ID, map[bool]string{false: "up", true: "down"}[down])
					writeSteps(&got, steps)
				}
			}
			golden(t, filepath.Join("testdata", "sql", e.name+".sql"), got.String())
		})
	}
}

func TestSQLRefusesAnUnknownIDOrNoDialect(t *testing.T) {
	m := newMigrator(blog()...)
	if _, err := m.SQL("0009_missing", engines[0].dialect, false); !errors.Is(err, runtime.ErrUnknownMigration) || !strings.Contains(err.Error(), `"0009_missing"`) {
		t.Errorf("SQL of an unknown ID: err = %v, want ErrUnknownMigration naming it", err)
	}
	if _, err := m.SQL("0001_create_users", nil, false); !errors.Is(err, runtime.ErrNoDialect) {
		t.Errorf("SQL without a dialect: err = %v, want ErrNoDialect", err)
	}
}

func writeSteps(b *strings.Builder, steps []dialect.Step) {
	for _, st := range steps {
		if st.Go != nil {
			b.WriteString("-- Go step\n")
			continue
		}
		b.WriteString(st.SQL + ";\n")
	}
}

// golden compares got with the file at path, or rewrites the file under
// -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
