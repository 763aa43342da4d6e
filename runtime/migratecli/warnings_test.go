package migratecli

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// holder is a value that logs as a string of its own.
type holder struct{ pid int }

func (h holder) LogValue() slog.Value {
	return slog.StringValue("process " + strings.Repeat("4", h.pid) + ` (application "api", from 10.0.0.5)`)
}

func TestWarningLoggerWritesEachWarningAsOneLine(t *testing.T) {
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want string
	}{
		{
			name: "a warning loses its strata prefix and shows its attributes",
			log: func(l *slog.Logger) {
				l.Warn("strata: waiting for the migration lock", "holder", `process 4242 (application "api", from 10.0.0.5)`, "waited", time.Second)
			},
			want: `migrate: waiting for the migration lock holder="process 4242 (application \"api\", from 10.0.0.5)" waited=1s` + "\n",
		},
		{
			name: "a list shows as Go prints it",
			log: func(l *slog.Logger) {
				l.Warn("strata: the database is ahead of this build", "ids", []string{"0005_add_tags", "0006_drop_bio"})
			},
			want: `migrate: the database is ahead of this build ids="[0005_add_tags 0006_drop_bio]"` + "\n",
		},
		{
			name: "an error is a warning too, and a message without the prefix stays whole",
			log: func(l *slog.Logger) {
				l.Error("lease lost", "err", errors.New("taken over"), "n", 3, "ok", false)
			},
			want: `migrate: lease lost err="taken over" n=3 ok=false` + "\n",
		},
		{
			name: "records below warnings are dropped",
			log: func(l *slog.Logger) {
				l.Info("strata: applied migration", "id", "0001_create_users")
				l.Debug("strata: ran statement", "statement", "CREATE TABLE users ()")
				l.Log(context.Background(), slog.LevelWarn-1, "strata: almost a warning")
			},
			want: "",
		},
		{
			name: "groups and the attributes of With flatten into dotted keys",
			log: func(l *slog.Logger) {
				l.With("run", 7).WithGroup("lock").With("kind", "advisory").
					Warn("strata: slow", slog.Group("wait", "for", 2*time.Second), "empty", "")
			},
			want: `migrate: slow run=7 lock.kind=advisory lock.wait.for=2s lock.empty=""` + "\n",
		},
		{
			name: "a value that logs itself is resolved, and empty attributes are left out",
			log: func(l *slog.Logger) {
				l.Warn("strata: waiting", "holder", holder{pid: 4}, slog.Attr{}, "at", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			},
			want: `migrate: waiting holder="process 4444 (application \"api\", from 10.0.0.5)" at=2026-01-02T03:04:05Z` + "\n",
		},
		{
			name: "each warning is a line of its own, even with a newline in its message",
			log: func(l *slog.Logger) {
				l.Warn("strata: first\nsecond")
				l.Warn("strata: third", "text", "a\nb")
			},
			want: "migrate: first second\nmigrate: third text=\"a\\nb\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(warningLogger(&buf))
			if diff := cmp.Diff(tt.want, buf.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}
