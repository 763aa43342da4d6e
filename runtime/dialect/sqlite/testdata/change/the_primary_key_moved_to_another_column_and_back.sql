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

-- operation 2: alter column members.id
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operations 2 to 3, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_members" (
  "id" BIGINT NOT NULL,
  "team_id" BIGINT NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "nickname" TEXT,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned')),
  "score" INT NOT NULL DEFAULT 0,
  "mentor_id" BIGINT,
  CONSTRAINT "members_pkey" PRIMARY KEY ("email"),
  CONSTRAINT "members_score_check" CHECK (score >= 0),
  CONSTRAINT "members_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE
);
INSERT INTO "strata_rebuild_members" (rowid, "id", "team_id", "email", "nickname", "status", "score", "mentor_id")
SELECT rowid, "id", "team_id", "email", "nickname", "status", "score", "mentor_id" FROM "members";
DROP TABLE "members";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_members" RENAME TO "members";
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX "members_email_key" /* unique constraint */ ON "members" ("email");
CREATE INDEX "members_nickname_idx" ON "members" ("nickname") WHERE nickname IS NOT NULL;
CREATE INDEX "members_team_id_idx" ON "members" ("team_id");
-- (Go: create the table's triggers again)

-- operation 3: alter primary key of members
-- (Go: check the foreign keys of the tables the migration may have broken)

-- Down

-- operation 1: alter primary key of members
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operations 1 to 2, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_members" (
  "id" INTEGER PRIMARY KEY,
  "team_id" BIGINT NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "nickname" TEXT,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned')),
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

-- operation 2: alter column members.id
-- (no step of its own)

-- operation 3: add foreign key notes_member_id_fkey on notes
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "notes" for operation 3, which SQLite cannot carry out in place
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

