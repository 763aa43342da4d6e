-- Up

-- operation 1: alter enum status
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_members" (
  "id" INTEGER PRIMARY KEY,
  "team_id" BIGINT NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "nickname" TEXT,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('away', 'banned', 'active')),
  "score" INT NOT NULL DEFAULT 0,
  "mentor_id" BIGINT,
  CONSTRAINT "members_score_check" CHECK (score >= 0),
  CONSTRAINT "members_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE
);
INSERT INTO "strata_rebuild_members" ("id", "team_id", "email", "nickname", "status", "score", "mentor_id")
SELECT "id", "team_id", "email", "nickname", "status", "score", "mentor_id" FROM "members";
DROP TABLE "members";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_members" RENAME TO "members";
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX "members_email_key" /* unique constraint */ ON "members" ("email");
CREATE INDEX "members_nickname_idx" ON "members" ("nickname") WHERE nickname IS NOT NULL;
CREATE INDEX "members_team_id_idx" ON "members" ("team_id");
-- (Go: create the table's triggers again)
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "notes" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_notes" (
  "member_id" BIGINT NOT NULL,
  "body" TEXT,
  "mood" TEXT CHECK ("mood" IN ('away', 'banned', 'active')),
  CONSTRAINT "notes_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members" ("id") ON DELETE CASCADE
);
INSERT INTO "strata_rebuild_notes" (rowid, "member_id", "body", "mood")
SELECT rowid, "member_id", "body", "mood" FROM "notes";
DROP TABLE "notes";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_notes" RENAME TO "notes";
PRAGMA legacy_alter_table = OFF;
CREATE INDEX "notes_member_id_idx" ON "notes" ("member_id");
-- (Go: create the table's triggers again)
-- (Go: check the foreign keys of the tables the migration may have broken)

-- Down

-- operation 1: alter enum status
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_members" (
  "id" INTEGER PRIMARY KEY,
  "team_id" BIGINT NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "nickname" TEXT,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned', 'away')),
  "score" INT NOT NULL DEFAULT 0,
  "mentor_id" BIGINT,
  CONSTRAINT "members_score_check" CHECK (score >= 0),
  CONSTRAINT "members_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE
);
INSERT INTO "strata_rebuild_members" ("id", "team_id", "email", "nickname", "status", "score", "mentor_id")
SELECT "id", "team_id", "email", "nickname", "status", "score", "mentor_id" FROM "members";
DROP TABLE "members";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_members" RENAME TO "members";
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX "members_email_key" /* unique constraint */ ON "members" ("email");
CREATE INDEX "members_nickname_idx" ON "members" ("nickname") WHERE nickname IS NOT NULL;
CREATE INDEX "members_team_id_idx" ON "members" ("team_id");
-- (Go: create the table's triggers again)
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "notes" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_notes" (
  "member_id" BIGINT NOT NULL,
  "body" TEXT,
  "mood" TEXT CHECK ("mood" IN ('active', 'banned', 'away')),
  CONSTRAINT "notes_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members" ("id") ON DELETE CASCADE
);
INSERT INTO "strata_rebuild_notes" (rowid, "member_id", "body", "mood")
SELECT rowid, "member_id", "body", "mood" FROM "notes";
DROP TABLE "notes";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_notes" RENAME TO "notes";
PRAGMA legacy_alter_table = OFF;
CREATE INDEX "notes_member_id_idx" ON "notes" ("member_id");
-- (Go: create the table's triggers again)
-- (Go: check the foreign keys of the tables the migration may have broken)

