-- Up

-- operation 1: add unique members_id_key on members
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operations 1 to 3, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_members" (
  "id" BIGINT NOT NULL,
  "team_id" BIGINT NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "nickname" TEXT,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned')),
  "score" INT NOT NULL DEFAULT 0,
  "mentor_id" BIGINT,
  CONSTRAINT "members_pkey" PRIMARY KEY ("team_id", "id"),
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
CREATE UNIQUE INDEX "members_id_key" /* unique constraint */ ON "members" ("id");
CREATE INDEX "members_nickname_idx" ON "members" ("nickname") WHERE nickname IS NOT NULL;
CREATE INDEX "members_team_id_idx" ON "members" ("team_id");
-- (Go: create the table's triggers again)

-- operation 2: alter column members.id
-- (no step of its own)

-- operation 3: alter primary key of members
-- (Go: check the foreign keys of the tables the migration may have broken)

-- Down

-- operation 1: alter primary key of members
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operations 1 to 3, which SQLite cannot carry out in place
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

-- operation 3: drop unique members_id_key on members
-- (Go: check the foreign keys of the tables the migration may have broken)

