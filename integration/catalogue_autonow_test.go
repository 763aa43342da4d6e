package integration

// autoNowChanges are the catalogue entries of auto_now columns, kept current
// on every UPDATE by a trigger that follows the column through the edits.
// Each proves it on the rows: an UPDATE that sets the column keeps the
// value it sets, and one that does not moves it forward from a value set
// in the past.
var autoNowChanges = []change{
	{
		name: "a backfill on a table with an auto_now column leaves the times alone",
		before: timeImport + `
//strata:table posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     *string   ^db:"title"^
	UpdatedAt time.Time ^db:"updated_at" strata:"auto_now"^
}`,
		after: timeImport + `
//strata:table posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     string    ^db:"title" strata:"backfill='untitled'"^
	UpdatedAt time.Time ^db:"updated_at" strata:"auto_now"^
}`,
		rows: []string{"INSERT INTO posts (id, title, updated_at) VALUES (1, NULL, '2001-02-03 04:05:06')"},
		afterUp: []probe{
			{"SELECT title FROM posts WHERE id = 1", "untitled"},
			{"SELECT CAST(updated_at < '2002-01-01' AS INTEGER) FROM posts WHERE id = 1", "1"},
		},
		afterDown: []probe{{"SELECT CAST(updated_at < '2002-01-01' AS INTEGER) FROM posts WHERE id = 1", "1"}},
	},
	{
		name: "an auto_now column added to a table with rows is kept current",
		before: `
//strata:table posts
type Post struct {
	ID    int64  ^db:"id" strata:"pk"^
	Title string ^db:"title"^
}`,
		after: timeImport + `
//strata:table posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     string    ^db:"title"^
	UpdatedAt time.Time ^db:"updated_at" strata:"auto_now"^
}`,
		rows:      []string{"INSERT INTO posts (id, title) VALUES (1, 'a')"},
		afterUp:   touches("posts", "updated_at", "b", "moved"),
		afterDown: []probe{{"SELECT title FROM posts WHERE id = 1", "b"}},
	},
	{
		name: "auto_now turned on for a column with rows, and off again",
		before: timeImport + `
//strata:table posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     string    ^db:"title"^
	UpdatedAt time.Time ^db:"updated_at" strata:"default=now"^
}`,
		after: timeImport + `
//strata:table posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     string    ^db:"title"^
	UpdatedAt time.Time ^db:"updated_at" strata:"auto_now"^
}`,
		rows:      []string{"INSERT INTO posts (id, title) VALUES (1, 'a')"},
		afterUp:   touches("posts", "updated_at", "b", "moved"),
		afterDown: touches("posts", "updated_at", "c", "kept"),
	},
	{
		name: "a table with an auto_now column renamed keeps it current",
		before: timeImport + `
//strata:table posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     string    ^db:"title"^
	UpdatedAt time.Time ^db:"updated_at" strata:"auto_now"^
}`,
		after: timeImport + `
//strata:table articles renamed_from=posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     string    ^db:"title"^
	UpdatedAt time.Time ^db:"updated_at" strata:"auto_now"^
}`,
		rows:      []string{"INSERT INTO posts (id, title) VALUES (1, 'a')"},
		afterUp:   touches("articles", "updated_at", "b", "moved"),
		afterDown: touches("posts", "updated_at", "c", "moved"),
	},
	{
		name: "an auto_now column renamed is kept current under its new name",
		before: timeImport + `
//strata:table posts
type Post struct {
	ID        int64     ^db:"id" strata:"pk"^
	Title     string    ^db:"title"^
	UpdatedAt time.Time ^db:"updated_at" strata:"auto_now"^
}`,
		after: timeImport + `
//strata:table posts
type Post struct {
	ID         int64     ^db:"id" strata:"pk"^
	Title      string    ^db:"title"^
	ModifiedAt time.Time ^db:"modified_at" strata:"auto_now,renamed_from=updated_at"^
}`,
		rows:      []string{"INSERT INTO posts (id, title) VALUES (1, 'a')"},
		afterUp:   touches("posts", "modified_at", "b", "moved"),
		afterDown: touches("posts", "updated_at", "c", "moved"),
	},
}

// timeImport starts the models of the entries, which use time.Time.
const timeImport = "\nimport \"time\"\n"

// touches are the probes that set column of the row of table with id 1 to
// a past date, check that it kept it, set the row's title to title, and
// check that column then was moved forward or kept, as want says. The
// title each call sets must differ from the row's: MySQL's ON UPDATE
// CURRENT_TIMESTAMP moves the time only when the UPDATE changes a value of
// the row, where PostgreSQL's and SQLite's triggers fire on any UPDATE of
// it. MariaDB's UPDATE has no RETURNING, so the updates are statements.
func touches(table, column, title, want string) []probe {
	age := "SELECT CASE WHEN " + column + " < '2001-06-01' THEN 'kept' ELSE 'moved' END FROM " + table + " WHERE id = 1"
	return []probe{
		statement("UPDATE " + table + " SET " + column + " = '2001-01-01 00:00:00' WHERE id = 1"),
		{age, "kept"},
		statement("UPDATE " + table + " SET title = '" + title + "' WHERE id = 1"),
		{age, want},
	}
}
