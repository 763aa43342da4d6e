package migratecli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactFindsPasswordsInURLsWithoutSlashesAndInSettings(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "a URL with a single slash after its scheme",
			in:   "postgres:/alice:s3cret@db/app",
			want: "postgres:/alice:xxxxx@db/app",
		},
		{
			name: "a URL with no slash after its scheme",
			in:   "postgres:alice:s3cret@db/app",
			want: "postgres:alice:xxxxx@db/app",
		},
		{
			name: "an escaped password in a URL with no slash",
			in:   "postgresql:alice:p%40ss@db/app",
			want: "postgresql:alice:xxxxx@db/app",
		},
		{
			name: "a password holding a '#' or a '?'",
			in:   "postgres://alice:p#s?s@db/app",
			want: "postgres://alice:xxxxx@db/app",
		},
		{
			name: "a password holding a colon",
			in:   "postgres://alice:s3:cret@db/app",
			want: "postgres://alice:xxxxx@db/app",
		},
		{
			name: "a URL after a flag and its '='",
			in:   "--db=postgres://alice:s3cret@db/app",
			want: "--db=postgres://alice:xxxxx@db/app",
		},
		{
			name: "a quoted password with a space in a key=value connection string",
			in:   `host=db password='s3 \'cret' dbname=app`,
			want: "host=db password=xxxxx dbname=app",
		},
		{
			name: "a password setting with spaces around its '='",
			in:   "host=db password = s3cret dbname=app",
			want: "host=db password = xxxxx dbname=app",
		},
		{
			name: "a port and a query at sign are not a password",
			in:   "postgres://db:5432/app?application_name=a@b",
			want: "postgres://db:xxxxx@b",
		},
		{
			name: "a sqlite file URL is kept",
			in:   "file:data/app.db?mode=rwc",
			want: "file:data/app.db?mode=rwc",
		},
		{
			name: "a colon and an at sign in a directory of a sqlite path are kept",
			in:   "sqlite:/data/a:b@c/app.db",
			want: "sqlite:/data/a:b@c/app.db",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSecretsInAnArgumentHoldEveryFormOfItsPassword(t *testing.T) {
	tests := []struct {
		arg  string
		want []string
	}{
		{"postgres://alice:s3cret@db/app", []string{"s3cret"}},
		{"postgres:alice:p%40ss@db/app", []string{"p%40ss", "p@ss"}},
		{"postgres://db/app?password=p%2Bss+word", []string{"p%2Bss+word", "p+ss word", "p+ss+word"}},
		{`host=db password='it\'s' dbname=app`, []string{`'it\'s'`, `'it\\'s'`, "it's"}},
		{`postgres://alice:qu"ote@db/app`, []string{`qu"ote`, `qu\"ote`}},
		{"sqlite:data/app.db", nil},
		{"postgres://alice@db/app", nil},
		{"postgres://alice:@db/app", nil},
		{"0002_add_users_bio", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, secretsIn(tt.arg)); diff != "" {
			t.Errorf("secretsIn(%q) (-want +got):\n%s", tt.arg, diff)
		}
	}
}

// TestNoPasswordIsPrintedWhereverItIsTyped runs the app with a password in
// every place a user may type one, and checks that neither output shows
// it while the error still quotes the redacted URL.
func TestNoPasswordIsPrintedWhereverItIsTyped(t *testing.T) {
	const (
		url      = "postgres://alice:s3cret@127.0.0.1:1/app?connect_timeout=5"
		redacted = "postgres://alice:xxxxx@127.0.0.1:1/app?connect_timeout=5"
	)
	sqlite := "sqlite:" + t.TempDir() + "/app.db"
	tests := []struct {
		name    string
		args    []string
		env     string // DATABASE_URL
		secrets []string
		want    string // a part of the error output
	}{
		{
			name:    "a URL given as an argument to up",
			args:    []string{"up", url},
			secrets: []string{"s3cret"},
			want:    `up takes no arguments, got "` + redacted + `"`,
		},
		{
			name:    "a URL given as an argument to sql",
			args:    []string{"sql", "--dialect", "sqlite", url},
			secrets: []string{"s3cret"},
			want:    `unknown migration "` + redacted + `"`,
		},
		{
			name:    "a URL given as the topic of help",
			args:    []string{"help", url},
			secrets: []string{"s3cret"},
			want:    `no help for "` + redacted + `"`,
		},
		{
			name:    "a URL given as the command",
			args:    []string{url},
			secrets: []string{"s3cret"},
			want:    `unknown command "` + redacted + `"`,
		},
		{
			name:    "a URL given to --lock-timeout before the command",
			args:    []string{"--lock-timeout", url, "up"},
			secrets: []string{"s3cret"},
			want:    `invalid value "` + redacted + `" for flag -lock-timeout`,
		},
		{
			name:    "a URL given to --lease before the command, with a space in its password",
			args:    []string{"--lease", "postgres://alice:s3 cret@db/app", "up"},
			secrets: []string{"s3 cret", "s3", "cret"},
			want:    `invalid value "postgres://alice:xxxxx@db/app" for flag -lease`,
		},
		{
			name:    "a URL given to --lock-timeout after the command",
			args:    []string{"up", "--lock-timeout", url},
			secrets: []string{"s3cret"},
			want:    `invalid value "` + redacted + `" for flag -lock-timeout`,
		},
		{
			name:    "a URL given to --lock-timeout after the argument of a command",
			args:    []string{"fake", "0001", "--lock-timeout", url},
			secrets: []string{"s3cret"},
			want:    `invalid value "` + redacted + `" for flag -lock-timeout`,
		},
		{
			name:    "a URL given to --lease after the command",
			args:    []string{"--db", sqlite, "down", "--lease=" + url},
			secrets: []string{"s3cret"},
			want:    `invalid value "` + redacted + `" for flag -lease`,
		},
		{
			name:    "a URL given to --to",
			args:    []string{"--db", sqlite, "up", "--to", url},
			secrets: []string{"s3cret"},
			want:    `unknown migration "` + redacted + `"`,
		},
		{
			name:    "a URL given to --steps",
			args:    []string{"down", "--steps", url},
			secrets: []string{"s3cret"},
			want:    `invalid value "` + redacted + `" for flag -steps`,
		},
		{
			name:    "a URL with a single slash given as --db",
			args:    []string{"--db", "postgres:/alice:s3cret@127.0.0.1:1/app", "status"},
			secrets: []string{"s3cret"},
			want:    "postgres:/alice:xxxxx@127.0.0.1:1/app",
		},
		{
			name:    "a URL with no slash given as --db after the command",
			args:    []string{"status", "--db", "postgres:alice:s3cret@127.0.0.1:1/app"},
			secrets: []string{"s3cret"},
			want:    "postgres:alice:xxxxx@127.0.0.1:1/app",
		},
		{
			name:    "a URL with no slash in DATABASE_URL",
			args:    []string{"status"},
			env:     "postgres:alice:s3cret@127.0.0.1:1/app",
			secrets: []string{"s3cret"},
			want:    "postgres:alice:xxxxx@127.0.0.1:1/app",
		},
		{
			name:    "a URL with no slash given as an argument",
			args:    []string{"redo", "postgres:alice:s3cret@db/app"},
			secrets: []string{"s3cret"},
			want:    `redo takes no arguments, got "postgres:alice:xxxxx@db/app"`,
		},
		{
			name:    "a key=value connection string given as --db",
			args:    []string{"--db", "host=127.0.0.1 port=1 user=alice password=s3cret dbname=app", "status"},
			secrets: []string{"s3cret"},
			want:    "password=xxxxx",
		},
		{
			name:    "a key=value connection string in DATABASE_URL",
			args:    []string{"plan"},
			env:     "host=127.0.0.1 password='s3 cret' dbname=app",
			secrets: []string{"s3 cret", "s3", "cret"},
			want:    "password=xxxxx",
		},
		{
			name:    "a key=value connection string given as an argument",
			args:    []string{"up", "host=db password=s3cret"},
			secrets: []string{"s3cret"},
			want:    `up takes no arguments, got "host=db password=xxxxx"`,
		},
		{
			name:    "an escaped password given as --db",
			args:    []string{"--db", "postgres://alice:p%40ss-w%6Frd@127.0.0.1:1/app?connect_timeout=5", "status"},
			secrets: []string{"p%40ss-w%6Frd", "p@ss-word", "ss-w"},
			want:    "connect to postgres://alice:xxxxx@127.0.0.1:1/app?connect_timeout=5",
		},
		{
			name:    "an escaped password with no slash given as an argument",
			args:    []string{"up", "postgres:alice:p%40ss-w%6Frd@db/app"},
			secrets: []string{"p%40ss-w%6Frd", "p@ss-word", "ss-w"},
			want:    `up takes no arguments, got "postgres:alice:xxxxx@db/app"`,
		},
		{
			name:    "an escaped password query parameter in DATABASE_URL",
			args:    []string{"down"},
			env:     "postgres://alice@127.0.0.1:1/app?connect_timeout=5&password=p%40ss-w%6Frd",
			secrets: []string{"p%40ss-w%6Frd", "p@ss-word", "ss-w"},
			want:    "connect to postgres://alice@127.0.0.1:1/app?connect_timeout=5&password=xxxxx",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", tt.env)
			res := run(t, tt.args...)
			if res.code == 0 {
				t.Fatalf("migrate succeeded, want an error; output:\n%s", res.stdout)
			}
			for _, secret := range tt.secrets {
				if strings.Contains(res.stdout, secret) || strings.Contains(res.stderr, secret) {
					t.Errorf("%q was printed:\n%s%s", secret, res.stdout, res.stderr)
				}
			}
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("error output does not hold %q:\n%s", tt.want, res.stderr)
			}
		})
	}
}

func TestHelpHidesAPasswordGivenAnywhere(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	for _, args := range [][]string{
		{"--db", "postgres:alice:s3cret@db/app"},
		{"--db", "postgres:alice:s3cret@db/app", "up", "--help"},
		{"up", "--db", "postgres://alice:s3cret@db/app", "--help"},
		{"sql", "postgres://alice:s3cret@db/app", "-h"},
	} {
		res := run(t, args...)
		if !strings.Contains(res.stdout, "USAGE:") {
			t.Errorf("migrate %s printed no help:\n%s", strings.Join(args, " "), res.stdout)
		}
		if strings.Contains(res.stdout+res.stderr, "s3cret") {
			t.Errorf("migrate %s printed the password:\n%s%s", strings.Join(args, " "), res.stdout, res.stderr)
		}
	}
}

func TestScrubWriterHidesTheSecretsOfEachWrite(t *testing.T) {
	var sc scrubber
	sc.collect("postgres:alice:p%40ss@db/app")
	var buf bytes.Buffer
	w := &scrubWriter{w: &buf, sc: &sc}
	in := "connect to postgres:alice:p%40ss@db/app: password p@ss rejected\n"
	n, err := w.Write([]byte(in))
	if err != nil || n != len(in) {
		t.Errorf("Write = %d, %v; want %d, nil", n, err, len(in))
	}
	want := "connect to postgres:alice:xxxxx@db/app: password xxxxx rejected\n"
	if got := buf.String(); got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}
