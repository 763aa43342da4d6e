package migratecli

import "testing"

func TestNonProduction(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want bool
	}{
		{"a postgres database named app_test is marked", "postgres://alice:pw@db:5432/app_test?sslmode=disable", true},
		{"a postgresql database named myapp-dev is marked", "postgresql://db/myapp-dev", true},
		{"a postgres database named test is marked", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", true},
		{"the word is matched whatever its case", "postgres://db/App_TEST", true},
		{"an escaped underscore still separates a word", "postgres://db/app%5Fscratch", true},
		{"each of the words marks a database", "postgres://db/x.development", true},
		{"tests marks a database", "postgres://db/tests_app", true},
		{"local marks a database", "postgres://db/local", true},
		{"ci marks a database", "postgres://db/app_ci", true},
		{"tmp marks a database", "postgres://db/tmp-app", true},
		{"temp marks a database", "postgres://db/app_temp", true},
		{"a postgres database named app is not marked", "postgres://db/app", false},
		{"a word inside another word does not mark a database", "postgres://db/latest", false},
		{"testing is not one of the words", "postgres://db/app_testing", false},
		{"a test host does not mark the database", "postgres://test-db.example.com/app", false},
		{"a dev user does not mark the database", "postgres://dev:pw@db/app", false},
		{"a test query parameter does not mark the database", "postgres://db/app?application_name=test", false},
		{"a postgres URL naming no database is not marked", "postgres://db", false},
		{"a sqlite file named dev.db is marked", "sqlite:dev.db", true},
		{"a sqlite file named app_test.db in a directory is marked", "sqlite:///var/lib/app/app_test.db", true},
		{"a sqlite file named test without extension is marked", "sqlite:data/test", true},
		{"a sqlite file with a test word before its extension is marked", "sqlite:app.test.sqlite3", true},
		{"a sqlite file under a tmp directory is not marked", "sqlite:/tmp/app.db", false},
		{"a sqlite file whose extension alone is a word is not marked", "sqlite:app.dev", false},
		{"a sqlite file named app.db is not marked", "sqlite:app.db?_pragma=journal_mode(wal)", false},
		{"a file URI named like a test database is marked", "file:app-ci.db?mode=rwc", true},
		{"a file URI named app.db is not marked", "file:app.db?mode=rwc", false},
		{"a sqlite in-memory database is marked", "sqlite::memory:", true},
		{"a file: in-memory database is marked", "file::memory:?cache=shared", true},
		{"a file URI in memory mode is marked", "file:app.db?mode=memory&cache=shared", true},
		{"a memdb database is marked", "file:/app.db?vfs=memdb", true},
		{"an unknown scheme is not marked", "mysql://db/app_test", false},
		{"no URL is not marked", "", false},
		{"a URL without a scheme is not marked", "app_test.db", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nonProduction(tt.url); got != tt.want {
				t.Errorf("nonProduction(%q) = %t, want %t", tt.url, got, tt.want)
			}
		})
	}
}
