package integration

// enumChanges are the catalogue entries of issue 3's enum changes: values
// added, inserted, renamed with //strata:renamed_from, removed and
// reordered on tables holding rows. Probes read a value as text: a type
// swap on PostgreSQL makes the type anew, and a plan the driver cached
// for the old type would no longer fit.
var enumChanges = []change{
	{
		name:      "an enum value appended",
		before:    enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"`, "active"),
		after:     enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"; StatusAway Status = "away"`, "active"),
		rows:      []string{"INSERT INTO users (id, status) VALUES (1, 'active'), (2, 'banned')"},
		afterUp:   []probe{{"SELECT concat(status, '') FROM users WHERE id = 2", "banned"}},
		afterDown: []probe{{"SELECT concat(status, '') FROM users WHERE id = 2", "banned"}},
	},
	{
		name:      "an enum value inserted in the middle",
		before:    enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"`, "active"),
		after:     enumModels(`StatusActive Status = "active"; StatusPaused Status = "paused"; StatusBanned Status = "banned"`, "active"),
		rows:      []string{"INSERT INTO users (id, status) VALUES (1, 'active'), (2, 'banned')"},
		afterUp:   []probe{{"SELECT count(*) FROM users WHERE status IN ('active', 'banned')", "2"}},
		afterDown: []probe{{"SELECT count(*) FROM users WHERE status IN ('active', 'banned')", "2"}},
	},
	{
		name:   "an enum value renamed with renamed_from, the rows and the default following it",
		before: enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"`, "banned"),
		after: enumModels(`StatusActive Status = "active"
	StatusBlocked Status = "blocked" //strata:renamed_from banned`, "blocked"),
		rows:      []string{"INSERT INTO users (id, status) VALUES (1, 'active'), (2, 'banned')"},
		afterUp:   []probe{{"SELECT concat(status, '') FROM users WHERE id = 2", "blocked"}},
		afterDown: []probe{{"SELECT concat(status, '') FROM users WHERE id = 2", "banned"}},
	},
	{
		name:      "an enum value no row holds removed, forced",
		before:    enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"; StatusAway Status = "away"`, "active"),
		after:     enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"`, "active"),
		force:     true,
		rows:      []string{"INSERT INTO users (id, status) VALUES (1, 'active'), (2, 'banned')"},
		afterUp:   []probe{{"SELECT concat(status, '') FROM users WHERE id = 2", "banned"}},
		afterDown: []probe{{"SELECT concat(status, '') FROM users WHERE id = 2", "banned"}},
	},
	{
		name:      "enum values reordered",
		force:     true, // the type swap rewrites users on PostgreSQL
		before:    enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"; StatusAway Status = "away"`, "active"),
		after:     enumModels(`StatusAway Status = "away"; StatusBanned Status = "banned"; StatusActive Status = "active"`, "active"),
		rows:      []string{"INSERT INTO users (id, status) VALUES (1, 'active'), (2, 'banned')"},
		afterUp:   []probe{{"SELECT concat(status, '') FROM users WHERE id = 1", "active"}},
		afterDown: []probe{{"SELECT concat(status, '') FROM users WHERE id = 1", "active"}},
	},
	{
		name:      "a default moved off a removed enum value onto a new one, forced",
		before:    enumModels(`StatusActive Status = "active"; StatusBanned Status = "banned"`, "banned"),
		after:     enumModels(`StatusActive Status = "active"; StatusPending Status = "pending"`, "pending"),
		force:     true,
		rows:      []string{"INSERT INTO users (id, status) VALUES (1, 'active'), (2, 'active')"},
		afterUp:   []probe{{"SELECT count(*) FROM users WHERE status = 'active'", "2"}},
		afterDown: []probe{{"SELECT count(*) FROM users WHERE status = 'active'", "2"}},
	},
}

// enumModels returns models with an enum Status of the constants consts
// (Go declarations, separated by ; or new lines) and a table users whose
// status column defaults to def.
func enumModels(consts, def string) string {
	return `
//strata:enum
type Status string

const (
	` + consts + `
)

//strata:table users
type User struct {
	ID     int64  ^db:"id" strata:"pk"^
	Status Status ^db:"status" strata:"default='` + def + `'"^
}`
}
