package schema

import "encoding/binary"

// AppendEncoding appends to b a byte encoding of ops as the dialect named
// dialect ("postgres", "sqlite") sees them, and returns the extended
// slice. The runtime hashes it into the checksum that tells whether an
// applied migration was edited since.
//
// Two lists of operations encode alike exactly when they are equal field
// by field, but for what the dialect never sees: the text a [RunSQL] holds
// for other dialects, and the [CustomType]s of a column meant for other
// dialects. The function of a [RunGo] has no value to encode: a RunGo
// encodes as a marker of its place only, so an edit inside the function
// goes unseen.
//
// The encoding writes each operation's type, then its fields in order,
// each string preceded by its length, so no two different lists can run
// together into the same bytes. It costs one pass over the operations and
// allocates nothing beyond b's growth.
func AppendEncoding(b []byte, dialect string, ops []Operation) []byte {
	e := encoder{b: b, dialect: dialect}
	e.num(len(ops))
	for _, op := range ops {
		if op == nil {
			e.str("nil")
			continue
		}
		op.encode(&e)
	}
	return e.b
}

// encoder builds the encoding of [AppendEncoding].
type encoder struct {
	b       []byte
	dialect string
}

func (e *encoder) str(s string) {
	if len(s) < 0x80 { // the one byte AppendUvarint would write
		e.b = append(append(e.b, byte(len(s))), s...)
		return
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) num(n int) { e.b = binary.AppendVarint(e.b, int64(n)) }

func (e *encoder) flag(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) strs(list []string) {
	e.num(len(list))
	for _, s := range list {
		e.str(s)
	}
}

func (e *encoder) table(t *Table) {
	e.str(t.Name)
	e.num(len(t.Columns))
	for i := range t.Columns {
		e.column(&t.Columns[i])
	}
	e.strs(t.PrimaryKey)
	e.num(len(t.Indexes))
	for _, ix := range t.Indexes {
		e.index(ix)
	}
	e.num(len(t.Uniques))
	for _, u := range t.Uniques {
		e.unique(u)
	}
	e.num(len(t.ForeignKeys))
	for _, fk := range t.ForeignKeys {
		e.foreignKey(fk)
	}
	e.num(len(t.Checks))
	for _, c := range t.Checks {
		e.check(c)
	}
}

func (e *encoder) column(c *Column) {
	e.str(c.Name)
	e.typ(&c.Type)
	e.flag(c.Nullable)
	e.str(c.Default)
	e.flag(c.Identity)
	e.flag(c.AutoNow)
}

// typ encodes t with the one custom SQL type the dialect uses, if any.
func (e *encoder) typ(t *Type) {
	e.str(string(t.Kind))
	e.num(t.Size)
	e.str(t.Enum)
	var (
		custom string
		ok     bool
	)
	if len(t.Custom) > 0 {
		custom, ok = t.CustomFor(e.dialect)
	}
	e.flag(ok)
	e.str(custom)
}

func (e *encoder) index(ix Index) {
	e.str(ix.Name)
	e.strs(ix.Columns)
	e.flag(ix.Unique)
	e.str(ix.Where)
}

func (e *encoder) unique(u Unique) {
	e.str(u.Name)
	e.strs(u.Columns)
}

func (e *encoder) foreignKey(fk ForeignKey) {
	e.str(fk.Name)
	e.strs(fk.Columns)
	e.str(fk.RefTable)
	e.strs(fk.RefColumns)
	e.str(string(fk.OnDelete))
	e.str(string(fk.OnUpdate))
}

func (e *encoder) check(c Check) {
	e.str(c.Name)
	e.str(c.Expr)
}

func (op CreateTable) encode(e *encoder) {
	e.str("CreateTable")
	e.table(&op.Table)
}

func (op DropTable) encode(e *encoder) {
	e.str("DropTable")
	e.str(op.Name)
}

func (op AddColumn) encode(e *encoder) {
	e.str("AddColumn")
	e.str(op.Table)
	e.column(&op.Column)
}

func (op DropColumn) encode(e *encoder) {
	e.str("DropColumn")
	e.str(op.Table)
	e.str(op.Column)
}

func (op CreateIndex) encode(e *encoder) {
	e.str("CreateIndex")
	e.str(op.Table)
	e.index(op.Index)
}

func (op DropIndex) encode(e *encoder) {
	e.str("DropIndex")
	e.str(op.Table)
	e.str(op.Name)
}

func (op AddUnique) encode(e *encoder) {
	e.str("AddUnique")
	e.str(op.Table)
	e.unique(op.Unique)
}

func (op DropUnique) encode(e *encoder) {
	e.str("DropUnique")
	e.str(op.Table)
	e.str(op.Name)
}

func (op AddForeignKey) encode(e *encoder) {
	e.str("AddForeignKey")
	e.str(op.Table)
	e.foreignKey(op.ForeignKey)
}

func (op DropForeignKey) encode(e *encoder) {
	e.str("DropForeignKey")
	e.str(op.Table)
	e.str(op.Name)
}

func (op CreateEnum) encode(e *encoder) {
	e.str("CreateEnum")
	e.str(op.Enum.Name)
	e.strs(op.Enum.Values)
}

func (op DropEnum) encode(e *encoder) {
	e.str("DropEnum")
	e.str(op.Name)
}

func (op RunSQL) encode(e *encoder) {
	e.str("RunSQL")
	e.str(op.For(e.dialect))
	if len(op.Declares) == 0 {
		return // as before Declares existed, so that earlier checksums hold
	}
	e.str("Declares")
	e.num(len(op.Declares))
	for _, d := range op.Declares {
		if d == nil {
			e.str("nil")
			continue
		}
		d.encode(e)
	}
}

func (op RunGo) encode(e *encoder) {
	e.str("RunGo")
}

func (op RenameTable) encode(e *encoder) {
	e.str("RenameTable")
	e.str(op.From)
	e.str(op.To)
}

func (op RenameColumn) encode(e *encoder) {
	e.str("RenameColumn")
	e.str(op.Table)
	e.str(op.From)
	e.str(op.To)
}

func (op AlterColumn) encode(e *encoder) {
	e.str("AlterColumn")
	e.str(op.Table)
	e.column(&op.Column)
	e.str(op.Using)
	e.str(op.Backfill)
}

func (op RenameIndex) encode(e *encoder) {
	e.str("RenameIndex")
	e.str(op.Table)
	e.str(op.From)
	e.str(op.To)
}

func (op RenameConstraint) encode(e *encoder) {
	e.str("RenameConstraint")
	e.str(op.Table)
	e.str(op.From)
	e.str(op.To)
}

func (op AddCheck) encode(e *encoder) {
	e.str("AddCheck")
	e.str(op.Table)
	e.check(op.Check)
}

func (op DropCheck) encode(e *encoder) {
	e.str("DropCheck")
	e.str(op.Table)
	e.str(op.Name)
}

func (op AlterEnum) encode(e *encoder) {
	e.str("AlterEnum")
	e.str(op.Name)
	e.strs(op.Values)
}

func (op RenameEnumValue) encode(e *encoder) {
	e.str("RenameEnumValue")
	e.str(op.Enum)
	e.str(op.From)
	e.str(op.To)
}

func (op Irreversible) encode(e *encoder) {
	e.str("Irreversible")
	e.str(op.Reason)
}

func (op AlterPrimaryKey) encode(e *encoder) {
	e.str("AlterPrimaryKey")
	e.str(op.Table)
	e.strs(op.Old)
	e.strs(op.New)
}
