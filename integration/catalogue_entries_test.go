package integration

// catalogue lists the model edits strata turns into migrations, each proven
// on a live database holding rows by
// TestEachChangeMigratesAndRevertsAHoldingDatabase. In the models, ^ stands
// for a backquote, so that struct tags read naturally inside Go strings.
// Probes are SQL that PostgreSQL and SQLite answer alike.
var catalogue = []change{
	{
		name: "a nullable column added to a table with rows",
		before: `
//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	Email string ^db:"email"^
}`,
		after: `
//strata:table users
type User struct {
	ID    int64   ^db:"id" strata:"pk"^
	Email string  ^db:"email"^
	Bio   *string ^db:"bio"^
}`,
		rows:      []string{"INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'b@x')"},
		afterUp:   []probe{{"SELECT concat(count(*), ':', count(bio)) FROM users", "2:0"}},
		afterDown: []probe{{"SELECT concat(min(email), ',', max(email)) FROM users", "a@x,b@x"}},
	},
	{
		name: "a column with a default added to a table with rows",
		before: `
//strata:table users
type User struct {
	ID int64 ^db:"id" strata:"pk"^
}`,
		after: `
//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	Plan  string ^db:"plan" strata:"default='free',size=20"^
	Seats int32  ^db:"seats" strata:"default=1,index"^
}`,
		rows:      []string{"INSERT INTO users (id) VALUES (1), (2)"},
		afterUp:   []probe{{"SELECT concat(min(plan), ':', sum(seats)) FROM users", "free:2"}},
		afterDown: []probe{{"SELECT count(*) FROM users", "2"}},
	},
	{
		name: "a column and its index dropped, forced",
		before: `
//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	Email string ^db:"email" strata:"index"^
	Name  string ^db:"name"^
}`,
		after: `
//strata:table users
type User struct {
	ID   int64  ^db:"id" strata:"pk"^
	Name string ^db:"name"^
}`,
		force:   true,
		rows:    []string{"INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ada')"},
		afterUp: []probe{{"SELECT name FROM users WHERE id = 1", "Ada"}},
		// The dropped data is gone; Down brings the column back empty-handed
		// only where a default allows, so this edit's Down is checked on the
		// schema alone.
	},
	{
		name: "a new table referencing a table with rows",
		before: `
//strata:table orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk,identity"^
}`,
		after: `
//strata:table orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk,identity"^
}

//strata:table projects
type Project struct {
	ID    int64 ^db:"id" strata:"pk,identity"^
	OrgID int64 ^db:"org_id" strata:"fk=orgs.id,on_delete=cascade,index"^
}`,
		rows:      []string{"INSERT INTO orgs (id) VALUES (7)"},
		afterUp:   []probe{{"SELECT count(*) FROM orgs", "1"}},
		afterDown: []probe{{"SELECT min(id) FROM orgs", "7"}},
	},
}
