package integration

// keyChanges change primary keys of tables holding rows: a column joining
// the key, the key moved to another column (forced, as rows may share its
// values), and the key moved while another table references it. A string
// column that becomes a key has a size: MySQL keys a TEXT column only by a
// prefix, and the generator asks a project that targets it for a size.
var keyChanges = []change{
	{
		name: "a column joins the primary key of a table with rows",
		before: `
//strata:table memberships
type Membership struct {
	UserID int64  ^db:"user_id" strata:"pk"^
	TeamID int64  ^db:"team_id"^
	Role   string ^db:"role"^
}`,
		after: `
//strata:table memberships
//strata:pk (user_id, team_id)
type Membership struct {
	UserID int64  ^db:"user_id"^
	TeamID int64  ^db:"team_id"^
	Role   string ^db:"role"^
}`,
		rows: []string{"INSERT INTO memberships (user_id, team_id, role) VALUES (1, 10, 'owner'), (2, 10, 'member')"},
		afterUp: []probe{
			{"INSERT INTO memberships (user_id, team_id, role) VALUES (1, 20, 'member') RETURNING role", "member"},
			{"SELECT count(*) FROM memberships WHERE user_id = 1", "2"},
			{"DELETE FROM memberships WHERE team_id = 20 RETURNING user_id", "1"},
		},
		afterDown: []probe{{"SELECT concat(min(CASE WHEN user_id = 1 THEN role END), ',', min(CASE WHEN user_id = 2 THEN role END)) FROM memberships", "owner,member"}},
	},
	{
		name: "the primary key moved to another column, forced",
		before: `
//strata:table teams
type Team struct {
	ID   int64  ^db:"id" strata:"pk"^
	Slug string ^db:"slug" strata:"size=64"^
}`,
		after: `
//strata:table teams
//strata:pk (slug)
type Team struct {
	ID   int64  ^db:"id"^
	Slug string ^db:"slug" strata:"size=64"^
}`,
		force: true,
		rows:  []string{"INSERT INTO teams (id, slug) VALUES (1, 'red'), (2, 'blue')"},
		afterUp: []probe{
			{"INSERT INTO teams (id, slug) VALUES (1, 'green') RETURNING slug", "green"},
			{"DELETE FROM teams WHERE slug = 'green' RETURNING id", "1"},
		},
		afterDown: []probe{{"SELECT concat(min(CASE WHEN id = 1 THEN slug END), ',', min(CASE WHEN id = 2 THEN slug END)) FROM teams", "red,blue"}},
	},
	{
		name: "the primary key of a referenced table moved, its old column kept unique, forced",
		before: `
//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	Email string ^db:"email" strata:"size=320"^
}

//strata:table posts
type Post struct {
	ID     int64 ^db:"id" strata:"pk"^
	UserID int64 ^db:"user_id" strata:"fk=users.id,on_delete=cascade"^
}`,
		after: `
//strata:table users
//strata:pk (email)
type User struct {
	ID    int64  ^db:"id" strata:"unique"^
	Email string ^db:"email" strata:"size=320"^
}

//strata:table posts
type Post struct {
	ID     int64 ^db:"id" strata:"pk"^
	UserID int64 ^db:"user_id" strata:"fk=users.id,on_delete=cascade"^
}`,
		force: true,
		rows: []string{
			"INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'b@x')",
			"INSERT INTO posts (id, user_id) VALUES (10, 1), (11, 2), (12, 2)",
		},
		afterUp: []probe{
			{"SELECT count(*) FROM posts JOIN users ON users.id = posts.user_id WHERE users.email = 'b@x'", "2"},
		},
		afterDown: []probe{{"SELECT count(*) FROM posts", "3"}},
	},
}
