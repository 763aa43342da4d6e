package diff

import (
	"testing"

	"github.com/strata-go/strata/runtime/schema"
)

func TestCompareAlterations(t *testing.T) { runPlanCases(t, alterCases()) }

// typed is a NOT NULL column of type typ.
func typed(name string, typ schema.Type) schema.Column {
	return schema.Column{Name: name, Type: typ}
}

func varchar(n int) schema.Type { return schema.Type{Kind: Text, Size: n} }

// alterCase is the plan case of one column of table items changing from
// o to n: one AlterColumn each way, guarded for reason.
func alterCase(name string, o, n schema.Column, hints Hints, up schema.AlterColumn, reason string) planCase {
	items := func(c schema.Column) *tb { return table("items", idCol(), c) }
	return planCase{
		name:     name,
		old:      db(nil, items(o)),
		new:      db(nil, items(n)),
		hints:    hints,
		up:       changes(guarded(up, reason)),
		down:     ops(schema.AlterColumn{Table: "items", Column: o}),
		planName: "alter_items_" + n.Name,
	}
}

// rewrites returns the alteration case c with its change marked as one
// that rewrites table items.
func rewrites(c planCase) planCase {
	c.up = []Change{rewriting(c.up[0])}
	return c
}

// rewriting returns change c marked as one that rewrites table items.
func rewriting(c Change) Change {
	c.Rewrites = "items"
	return c
}

func alterCases() []planCase {
	alter := func(c schema.Column) schema.AlterColumn { return schema.AlterColumn{Table: "items", Column: c} }
	qty16, qty32, qty64 := col("qty", schema.Int16), col("qty", Int32), col("qty", Int64)
	code := col("code", Text)
	code8 := typed("code", varchar(8))
	const noUsing = `, to which existing values may not convert: say how to convert them with strata:"using=EXPR" on the field, or use --force to rely on the database's cast`
	const noBackfill = `column items.note becomes NOT NULL, and existing rows may hold NULL in it: give the field strata:"backfill=..." (or a default) to fill them, or use --force if no row is NULL`
	numeric := func(sql string) schema.Column {
		return typed("price", schema.Type{Kind: Int64, Custom: []schema.CustomType{{SQL: sql}}})
	}
	usingCode := Hints{Using: map[string]string{"items.code": "substr(code, 1, 8)"}}
	note := col("note", Text)
	backfill := Hints{Backfill: map[string]string{"items.note": "'none'"}}
	ts := func(autoNow bool) schema.Column {
		return schema.Column{Name: "seen", Type: schema.Type{Kind: schema.Timestamp}, Default: "CURRENT_TIMESTAMP", AutoNow: autoNow}
	}

	cases := []planCase{
		rewrites(alterCase("an integer widened to int32 keeps every value but rewrites the table", qty16, qty32, Hints{}, alter(qty32), "")),
		rewrites(alterCase("an integer widened to int64 keeps every value but rewrites the table", qty32, qty64, Hints{}, alter(qty64), "")),
		rewrites(alterCase("a float widened to float64 keeps every value but rewrites the table",
			col("ratio", schema.Float32), col("ratio", schema.Float64), Hints{}, alter(col("ratio", schema.Float64)), "")),
		rewrites(alterCase("any type becomes unbounded text, rewriting the table",
			col("flag", schema.Bool), col("flag", Text), Hints{}, alter(col("flag", Text)), "")),
		rewrites(alterCase("a type= column becomes unbounded text, rewriting the table",
			numeric("numeric(20,0)"), col("price", Text), Hints{}, alter(col("price", Text)), "")),
		alterCase("a varchar grows freely", code8, typed("code", varchar(20)), Hints{}, alter(typed("code", varchar(20))), ""),
		alterCase("a varchar becomes unbounded freely", code8, code, Hints{}, alter(code), ""),
		rewrites(alterCase("an unbounded text narrowed to a varchar is guarded", code, code8, Hints{}, alter(code8),
			"column items.code changes type from text to varchar(8)"+noUsing)),
		rewrites(alterCase("a narrowing with a using= hint converts with it, and is guarded for its rewrite", code, code8, usingCode,
			schema.AlterColumn{Table: "items", Column: code8, Using: "substr(code, 1, 8)"}, "")),
		alterCase("a using= hint on a lossless change is not used", code8, code, usingCode, alter(code), ""),
		rewrites(alterCase("an integer narrowed is guarded", qty64, qty32, Hints{}, alter(qty32),
			"column items.qty changes type from int64 to int32"+noUsing)),
		rewrites(alterCase("an integer that becomes a float is guarded", qty32, col("qty", schema.Float64), Hints{}, alter(col("qty", schema.Float64)),
			"column items.qty changes type from int32 to float64"+noUsing)),
		rewrites(alterCase("a type= change is guarded", numeric("numeric(20,0)"), numeric("numeric(30,0)"), Hints{}, alter(numeric("numeric(30,0)")),
			"column items.price changes type from int64 (type=numeric(20,0)) to int64 (type=numeric(30,0))"+noUsing)),
		alterCase("a column becomes NULL freely", note, null(note), Hints{}, alter(null(note)), ""),
		alterCase("a column becomes NOT NULL with its backfill= hint", null(note), note, backfill,
			schema.AlterColumn{Table: "items", Column: note, Backfill: "'none'"}, ""),
		alterCase("a column becomes NOT NULL filled with its default", null(note), withDefault(note, "''"), Hints{},
			schema.AlterColumn{Table: "items", Column: withDefault(note, "''"), Backfill: "''"}, ""),
		alterCase("a backfill= hint wins over the default", null(note), withDefault(note, "''"), backfill,
			schema.AlterColumn{Table: "items", Column: withDefault(note, "''"), Backfill: "'none'"}, ""),
		alterCase("a column that becomes NOT NULL with neither backfill nor default is guarded", null(note), note, Hints{},
			alter(note), noBackfill),
		alterCase("a backfill= hint on a column that stays NOT NULL is not used", note, withDefault(note, "'x'"), backfill,
			alter(withDefault(note, "'x'")), ""),
		alterCase("a default is added freely", note, withDefault(note, "''"), Hints{}, alter(withDefault(note, "''")), ""),
		alterCase("a default is changed freely", withDefault(note, "''"), withDefault(note, "'x'"), Hints{}, alter(withDefault(note, "'x'")), ""),
		alterCase("a default is dropped freely", withDefault(note, "''"), note, Hints{}, alter(note), ""),
		alterCase("auto_now is added freely", ts(false), ts(true), Hints{}, alter(ts(true)), ""),
		rewrites(alterCase("a narrowing to NOT NULL without backfill gives both reasons", null(note), typed("note", varchar(8)), Hints{},
			alter(typed("note", varchar(8))), "column items.note changes type from text to varchar(8)"+noUsing+"; "+noBackfill)),
	}
	mood, feeling := enum("mood", "calm", "angry"), enum("feeling", "calm", "angry")
	plainID := col("id", Int64)
	return append(cases, planCase{
		name:     "identity is added freely",
		old:      db(nil, table("items", plainID)),
		new:      db(nil, table("items", idCol())),
		up:       changes(schema.AlterColumn{Table: "items", Column: idCol()}),
		down:     ops(schema.AlterColumn{Table: "items", Column: plainID}),
		planName: "alter_items_id",
	}, planCase{
		name:     "identity is dropped freely",
		old:      db(nil, table("items", idCol())),
		new:      db(nil, table("items", plainID)),
		up:       changes(schema.AlterColumn{Table: "items", Column: plainID}),
		down:     ops(schema.AlterColumn{Table: "items", Column: idCol()}),
		planName: "alter_items_id",
	}, planCase{
		name: "a column that changes enum type gets the new type first and the old one dropped last",
		old:  db(enums(mood), table("items", idCol(), enumCol("m", "mood"))),
		new:  db(enums(feeling), table("items", idCol(), enumCol("m", "feeling"))),
		up: changes(
			schema.CreateEnum{Enum: feeling},
			rewriting(guarded(alter(enumCol("m", "feeling")), "column items.m changes type from enum mood to enum feeling"+noUsing)),
			schema.DropEnum{Name: "mood"},
		),
		down: ops(
			schema.CreateEnum{Enum: mood},
			alter(enumCol("m", "mood")),
			schema.DropEnum{Name: "feeling"},
		),
		planName: "alter_items_m",
	}, planCase{
		name: "columns are dropped, then added, then altered",
		old:  db(nil, table("items", idCol(), null(col("gone", schema.Bool)), qty32)),
		new:  db(nil, table("items", idCol(), qty64, null(col("added", Text)))),
		up: changes(
			guarded(schema.DropColumn{Table: "items", Column: "gone"}, "drops column items.gone and its data"),
			schema.AddColumn{Table: "items", Column: null(col("added", Text))},
			rewriting(Change{Op: alter(qty64)}),
		),
		down: ops(
			alter(qty32),
			schema.DropColumn{Table: "items", Column: "added"},
			schema.AddColumn{Table: "items", Column: null(col("gone", schema.Bool))},
		),
		planName: "drop_items_gone_and_more",
	})
}

func TestCompareChecks(t *testing.T) { runPlanCases(t, checkCases()) }

func checkCases() []planCase {
	items := func() *tb { return table("items", idCol(), col("qty", Int32)) }
	positive := schema.Check{Name: "items_qty_check", Expr: "qty > 0"}
	natural := schema.Check{Name: "items_qty_check", Expr: "qty >= 0"}
	price := withDefault(col("price", Int64), "0")
	return []planCase{{
		name:     "a check added to a kept table is added",
		old:      db(nil, items()),
		new:      db(nil, items().check(positive.Name, positive.Expr)),
		up:       changes(schema.AddCheck{Table: "items", Check: positive}),
		down:     ops(schema.DropCheck{Table: "items", Name: "items_qty_check"}),
		planName: "add_items_qty_check",
	}, {
		name:     "a check dropped from a kept table is dropped",
		old:      db(nil, items().check(positive.Name, positive.Expr)),
		new:      db(nil, items()),
		up:       changes(schema.DropCheck{Table: "items", Name: "items_qty_check"}),
		down:     ops(schema.AddCheck{Table: "items", Check: positive}),
		planName: "drop_items_qty_check",
	}, {
		name: "a check whose expression changes is dropped and added",
		old:  db(nil, items().check(positive.Name, positive.Expr)),
		new:  db(nil, items().check(natural.Name, natural.Expr)),
		up: changes(
			schema.DropCheck{Table: "items", Name: "items_qty_check"},
			schema.AddCheck{Table: "items", Check: natural},
		),
		down: ops(
			schema.DropCheck{Table: "items", Name: "items_qty_check"},
			schema.AddCheck{Table: "items", Check: positive},
		),
		planName: "add_items_qty_check",
	}, {
		name: "a check over a new column comes after the column",
		old:  db(nil, items()),
		new:  db(nil, table("items", idCol(), col("qty", Int32), price).check("items_price_check", "price >= 0")),
		up: changes(
			schema.AddColumn{Table: "items", Column: price},
			schema.AddCheck{Table: "items", Check: schema.Check{Name: "items_price_check", Expr: "price >= 0"}},
		),
		down: ops(
			schema.DropCheck{Table: "items", Name: "items_price_check"},
			schema.DropColumn{Table: "items", Column: "price"},
		),
		planName: "add_items_price_and_more",
	}}
}
