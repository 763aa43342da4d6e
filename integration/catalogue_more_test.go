package integration

// moreChanges complete the catalogue of issue 3: lossy type changes with
// using=, defaults, identity, indexes and constraints on existing tables,
// and foreign keys changed and dropped.
var moreChanges = []change{
	{
		name: "a text column converted to an integer with using=, forced",
		before: `
//strata:table items
type Item struct {
	ID  int64  ^db:"id" strata:"pk"^
	Qty string ^db:"qty"^
}`,
		after: `
//strata:table items
type Item struct {
	ID  int64 ^db:"id" strata:"pk"^
	Qty int64 ^db:"qty" strata:"using=CAST(qty AS BIGINT)"^
}`,
		force:      true,
		notOnMySQL: "MySQL's ALTER TABLE has no USING",
		rows:       []string{"INSERT INTO items (id, qty) VALUES (1, '42'), (2, '7')"},
		afterUp:    []probe{{"SELECT sum(qty) FROM items", "49"}},
		afterDown:  []probe{{"SELECT concat(min(qty), ',', max(qty)) FROM items", "42,7"}},
	},
	{
		name: "a default added, then changed, on a column with rows",
		before: `
//strata:table users
type User struct {
	ID   int64  ^db:"id" strata:"pk"^
	Plan string ^db:"plan" strata:"default='free'"^
	Tier int32  ^db:"tier"^
}`,
		after: `
//strata:table users
type User struct {
	ID   int64  ^db:"id" strata:"pk"^
	Plan string ^db:"plan" strata:"default='trial'"^
	Tier int32  ^db:"tier" strata:"default=3"^
}`,
		rows: []string{"INSERT INTO users (id, tier) VALUES (1, 1)"},
		afterUp: []probe{
			{"SELECT concat(plan, ':', tier) FROM users WHERE id = 1", "free:1"},
			{"INSERT INTO users (id) VALUES (2) RETURNING concat(plan, ':', tier)", "trial:3"},
		},
		afterDown: []probe{{"SELECT count(*) FROM users", "2"}},
	},
	{
		name: "unique, composite and partial indexes added to a table with rows",
		before: `
//strata:table users
type User struct {
	ID     int64  ^db:"id" strata:"pk"^
	Email  string ^db:"email"^
	OrgID  int64  ^db:"org_id"^
	Status string ^db:"status"^
}`,
		after: `
//strata:table users
//strata:unique users_org_email (org_id, email)
//strata:index users_active_by_org (org_id, status) where "status = 'active'"
type User struct {
	ID     int64  ^db:"id" strata:"pk"^
	Email  string ^db:"email" strata:"unique"^
	OrgID  int64  ^db:"org_id"^
	Status string ^db:"status"^
}`,
		notOnMySQL: "MySQL and MariaDB have no partial indexes",
		rows:       []string{"INSERT INTO users (id, email, org_id, status) VALUES (1, 'a@x', 1, 'active'), (2, 'b@x', 1, 'gone')"},
		afterUp:    []probe{{"SELECT count(*) FROM users WHERE status = 'active'", "1"}},
		afterDown:  []probe{{"SELECT count(*) FROM users", "2"}},
	},
	{
		name: "a foreign key's actions changed, then the key dropped, forced",
		before: `
//strata:table orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk"^
}

//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	OrgID *int64 ^db:"org_id" strata:"fk=orgs.id"^
	Boss  *int64 ^db:"boss" strata:"fk=users.id"^
}`,
		after: `
//strata:table orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk"^
}

//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	OrgID *int64 ^db:"org_id" strata:"fk=orgs.id,on_delete=set_null"^
	Boss  *int64 ^db:"boss"^
}`,
		force: true,
		rows:  []string{"INSERT INTO orgs (id) VALUES (1), (2)", "INSERT INTO users (id, org_id, boss) VALUES (1, 1, NULL), (2, 2, 1)"},
		afterUp: []probe{
			{"DELETE FROM orgs WHERE id = 2 RETURNING id", "2"},
			{"SELECT concat(count(*), ':', count(org_id)) FROM users", "2:1"},
		},
		afterDown: []probe{{"SELECT concat(count(*), ':', sum(boss)) FROM users", "2:1"}},
	},
	{
		name: "identity added to an integer key holding rows",
		before: `
//strata:table tickets
type Ticket struct {
	ID    int64  ^db:"id" strata:"pk"^
	Title string ^db:"title"^
}`,
		after: `
//strata:table tickets
type Ticket struct {
	ID    int64  ^db:"id" strata:"pk,identity"^
	Title string ^db:"title"^
}`,
		rows: []string{"INSERT INTO tickets (id, title) VALUES (5, 'a'), (9, 'b')"},
		afterUp: []probe{
			{"INSERT INTO tickets (title) VALUES ('c') RETURNING CAST(id > 9 AS INTEGER)", "1"},
			{"SELECT count(*) FROM tickets", "3"},
		},
		afterDown: []probe{{"SELECT count(*) FROM tickets", "3"}},
	},
}
