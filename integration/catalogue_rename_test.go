package integration

// autoRenames are the catalogue entries of issue 3's automatic renames: a
// table whose struct keeps its name, and an index or unique constraint
// whose name alone changes.
var autoRenames = []change{
	{
		name: "a table whose struct keeps its name is renamed with its rows and the references to it",
		before: `
//strata:table orgs
//strata:index orgs_region_name (region, name)
type Org struct {
	ID     int64  ^db:"id" strata:"pk"^
	Name   string ^db:"name" strata:"unique"^
	Region string ^db:"region"^
}

//strata:table users
type User struct {
	ID    int64 ^db:"id" strata:"pk"^
	OrgID int64 ^db:"org_id" strata:"fk=orgs.id,on_delete=cascade,index"^
}`,
		after: `
//strata:table companies
//strata:index companies_region_name (region, name)
type Org struct {
	ID     int64  ^db:"id" strata:"pk"^
	Name   string ^db:"name" strata:"unique"^
	Region string ^db:"region"^
}

//strata:table users
type User struct {
	ID    int64 ^db:"id" strata:"pk"^
	OrgID int64 ^db:"org_id" strata:"fk=companies.id,on_delete=cascade,index"^
}`,
		rows: []string{
			"INSERT INTO orgs (id, name, region) VALUES (1, 'acme', 'eu')",
			"INSERT INTO users (id, org_id) VALUES (10, 1)",
		},
		afterUp: []probe{
			{"SELECT name FROM companies WHERE id = 1", "acme"},
			{"SELECT count(*) FROM users WHERE org_id = 1", "1"},
		},
		afterDown: []probe{
			{"SELECT name FROM orgs WHERE id = 1", "acme"},
			{"SELECT count(*) FROM users WHERE org_id = 1", "1"},
		},
	},
	{
		name: "an index and a unique constraint whose names alone change are renamed",
		before: `
//strata:table users
//strata:index users_org_email (org_id, email) where "org_id > 0"
//strata:unique users_login (login)
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	Email string ^db:"email"^
	Login string ^db:"login"^
	OrgID int64  ^db:"org_id"^
}`,
		after: `
//strata:table users
//strata:index users_by_org_and_email (org_id, email) where "org_id > 0"
//strata:unique users_login_key (login)
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	Email string ^db:"email"^
	Login string ^db:"login"^
	OrgID int64  ^db:"org_id"^
}`,
		notOnMySQL: "MySQL and MariaDB have no partial indexes",
		rows:       []string{"INSERT INTO users (id, email, login, org_id) VALUES (1, 'a@x', 'a', 7)"},
		afterUp:    []probe{{"SELECT login FROM users WHERE id = 1", "a"}},
		afterDown:  []probe{{"SELECT email FROM users WHERE id = 1", "a@x"}},
	},
}
