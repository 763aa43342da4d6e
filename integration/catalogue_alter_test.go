package integration

// alterations are the catalogue entries of issue 3's column, rename and
// check changes.
var alterations = []change{
	{
		name: "a column renamed with renamed_from keeps its data",
		before: `
//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	Email string ^db:"email" strata:"unique"^
}`,
		after: `
//strata:table users
type User struct {
	ID   int64  ^db:"id" strata:"pk"^
	Mail string ^db:"mail" strata:"unique,renamed_from=email"^
}`,
		rows:      []string{"INSERT INTO users (id, email) VALUES (1, 'a@x')"},
		afterUp:   []probe{{"SELECT mail FROM users WHERE id = 1", "a@x"}},
		afterDown: []probe{{"SELECT email FROM users WHERE id = 1", "a@x"}},
	},
	{
		name: "a table renamed with renamed_from keeps its rows and the references to it",
		before: `
//strata:table orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk"^
}

//strata:table users
type User struct {
	ID    int64 ^db:"id" strata:"pk"^
	OrgID int64 ^db:"org_id" strata:"fk=orgs.id,on_delete=cascade"^
}`,
		after: `
//strata:table companies renamed_from=orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk"^
}

//strata:table users
type User struct {
	ID    int64 ^db:"id" strata:"pk"^
	OrgID int64 ^db:"org_id" strata:"fk=companies.id,on_delete=cascade"^
}`,
		rows: []string{"INSERT INTO orgs (id) VALUES (1)", "INSERT INTO users (id, org_id) VALUES (10, 1)"},
		afterUp: []probe{
			{"SELECT count(*) FROM companies", "1"},
			{"SELECT count(*) FROM users", "1"},
		},
		afterDown: []probe{{"SELECT count(*) FROM orgs", "1"}, {"SELECT count(*) FROM users", "1"}},
	},
	{
		name:  "integer and text widening keep every value",
		force: true, // the integer's widening rewrites the table on PostgreSQL
		before: `
//strata:table items
type Item struct {
	ID    int64  ^db:"id" strata:"pk"^
	Qty   int32  ^db:"qty"^
	Label string ^db:"label" strata:"size=10"^
}`,
		after: `
//strata:table items
type Item struct {
	ID    int64  ^db:"id" strata:"pk"^
	Qty   int64  ^db:"qty"^
	Label string ^db:"label" strata:"size=50"^
}`,
		rows:      []string{"INSERT INTO items (id, qty, label) VALUES (1, 2147483647, 'ten chars!')"},
		afterUp:   []probe{{"SELECT concat(qty, ':', label) FROM items", "2147483647:ten chars!"}},
		afterDown: []probe{{"SELECT concat(qty, ':', label) FROM items", "2147483647:ten chars!"}},
	},
	{
		name: "a nullable column made NOT NULL with a backfill",
		before: `
//strata:table users
type User struct {
	ID       int64   ^db:"id" strata:"pk"^
	Nickname *string ^db:"nickname"^
}`,
		after: `
//strata:table users
type User struct {
	ID       int64  ^db:"id" strata:"pk"^
	Nickname string ^db:"nickname" strata:"backfill='anon'"^
}`,
		rows:      []string{"INSERT INTO users (id, nickname) VALUES (1, 'ada'), (2, NULL)"},
		afterUp:   []probe{{"SELECT concat(min(nickname), ',', max(nickname)) FROM users", "ada,anon"}},
		afterDown: []probe{{"SELECT count(*) FROM users", "2"}},
	},
	{
		name: "a check added to a table with rows",
		before: `
//strata:table products
type Product struct {
	ID    int64 ^db:"id" strata:"pk"^
	Price int64 ^db:"price"^
}`,
		after: `
//strata:table products
type Product struct {
	ID    int64 ^db:"id" strata:"pk"^
	Price int64 ^db:"price" strata:"check=price >= 0"^
}`,
		rows:      []string{"INSERT INTO products (id, price) VALUES (1, 5)"},
		afterUp:   []probe{{"SELECT price FROM products", "5"}},
		afterDown: []probe{{"SELECT price FROM products", "5"}},
	},
	{
		name: "a foreign key added to an existing table spares the rows that point at it",
		before: `
//strata:table orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk"^
}

//strata:table users
type User struct {
	ID    int64 ^db:"id" strata:"pk"^
	OrgID int64 ^db:"org_id" strata:"fk=orgs.id,on_delete=cascade"^
	Boss  *int64 ^db:"boss"^
}`,
		after: `
//strata:table orgs
type Org struct {
	ID int64 ^db:"id" strata:"pk"^
}

//strata:table users
type User struct {
	ID    int64  ^db:"id" strata:"pk"^
	OrgID int64  ^db:"org_id" strata:"fk=orgs.id,on_delete=cascade"^
	Boss  *int64 ^db:"boss" strata:"fk=users.id,on_delete=set_null"^
}`,
		rows:      []string{"INSERT INTO orgs (id) VALUES (1)", "INSERT INTO users (id, org_id, boss) VALUES (1, 1, NULL), (2, 1, 1)"},
		afterUp:   []probe{{"SELECT concat(count(*), ':', sum(boss)) FROM users", "2:1"}},
		afterDown: []probe{{"SELECT concat(count(*), ':', sum(boss)) FROM users", "2:1"}},
	},
	{
		name: "a column altered on a table others reference with ON DELETE CASCADE keeps their rows",
		before: `
//strata:table orgs
type Org struct {
	ID   int64  ^db:"id" strata:"pk"^
	Name string ^db:"name" strata:"size=10"^
}

//strata:table users
type User struct {
	ID    int64 ^db:"id" strata:"pk"^
	OrgID int64 ^db:"org_id" strata:"fk=orgs.id,on_delete=cascade"^
}`,
		after: `
//strata:table orgs
type Org struct {
	ID   int64   ^db:"id" strata:"pk"^
	Name *string ^db:"name" strata:"size=10"^
}

//strata:table users
type User struct {
	ID    int64 ^db:"id" strata:"pk"^
	OrgID int64 ^db:"org_id" strata:"fk=orgs.id,on_delete=cascade"^
}`,
		rows:      []string{"INSERT INTO orgs (id, name) VALUES (1, 'acme')", "INSERT INTO users (id, org_id) VALUES (10, 1), (11, 1)"},
		afterUp:   []probe{{"SELECT count(*) FROM users", "2"}},
		afterDown: []probe{{"SELECT count(*) FROM users", "2"}},
	},
}
