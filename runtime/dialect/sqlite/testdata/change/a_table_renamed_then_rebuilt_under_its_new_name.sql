-- Up

-- operation 1: rename table members to people
ALTER TABLE "members" RENAME TO "people";

-- operation 2: alter column people.score
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "people" for operation 2, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_people" (
  "id" INTEGER PRIMARY KEY,
  "team_id" BIGINT NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "nickname" TEXT,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned')),
  "score" BIGINT NOT NULL DEFAULT 0,
  "mentor_id" BIGINT,
  CONSTRAINT "members_score_check" CHECK (score >= 0),
  CONSTRAINT "members_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE
);
INSERT INTO "strata_rebuild_people" ("id", "team_id", "email", "nickname", "status", "score", "mentor_id")
SELECT "id", "team_id", "email", "nickname", "status", "score", "mentor_id" FROM "people";
DROP TABLE "people";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_people" RENAME TO "people";
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX "members_email_key" /* unique constraint */ ON "people" ("email");
CREATE INDEX "members_nickname_idx" ON "people" ("nickname") WHERE nickname IS NOT NULL;
CREATE INDEX "members_team_id_idx" ON "people" ("team_id");
-- (Go: create the table's triggers again)
-- (Go: check the foreign keys of the tables the migration may have broken)

-- Down

-- operation 1: alter column people.score
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "people" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_people" (
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
INSERT INTO "strata_rebuild_people" ("id", "team_id", "email", "nickname", "status", "score", "mentor_id")
SELECT "id", "team_id", "email", "nickname", "status", "score", "mentor_id" FROM "people";
DROP TABLE "people";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_people" RENAME TO "people";
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX "members_email_key" /* unique constraint */ ON "people" ("email");
CREATE INDEX "members_nickname_idx" ON "people" ("nickname") WHERE nickname IS NOT NULL;
CREATE INDEX "members_team_id_idx" ON "people" ("team_id");
-- (Go: create the table's triggers again)

-- operation 2: rename table people to members
ALTER TABLE "people" RENAME TO "members";
-- (Go: check the foreign keys of the tables the migration may have broken)

