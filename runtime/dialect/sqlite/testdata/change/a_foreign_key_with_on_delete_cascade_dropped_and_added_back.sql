-- Up

-- operation 1: drop foreign key notes_member_id_fkey on notes
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "notes" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_notes" (
  "member_id" BIGINT NOT NULL,
  "body" TEXT
);
INSERT INTO "strata_rebuild_notes" (rowid, "member_id", "body")
SELECT rowid, "member_id", "body" FROM "notes";
DROP TABLE "notes";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_notes" RENAME TO "notes";
PRAGMA legacy_alter_table = OFF;
CREATE INDEX "notes_member_id_idx" ON "notes" ("member_id");
-- (Go: create the table's triggers again)

-- Down

-- operation 1: add foreign key notes_member_id_fkey on notes
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "notes" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_notes" (
  "member_id" BIGINT NOT NULL,
  "body" TEXT,
  CONSTRAINT "notes_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members" ("id") ON DELETE CASCADE
);
INSERT INTO "strata_rebuild_notes" (rowid, "member_id", "body")
SELECT rowid, "member_id", "body" FROM "notes";
DROP TABLE "notes";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_notes" RENAME TO "notes";
PRAGMA legacy_alter_table = OFF;
CREATE INDEX "notes_member_id_idx" ON "notes" ("member_id");
-- (Go: create the table's triggers again)
-- (Go: check the foreign keys of the tables the migration may have broken)

