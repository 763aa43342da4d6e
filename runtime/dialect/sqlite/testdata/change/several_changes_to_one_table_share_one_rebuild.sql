-- Up

-- operation 1: drop check members_score_check on members
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operations 1 to 5, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_members" (
  "id" INTEGER PRIMARY KEY,
  "team_id" BIGINT NOT NULL,
  "email" VARCHAR(320) NOT NULL,
  "nickname" TEXT,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned')),
  "score" BIGINT NOT NULL DEFAULT 0,
  "mentor_id" BIGINT,
  "rank" INT NOT NULL DEFAULT 1,
  CONSTRAINT "members_score_range" CHECK (score BETWEEN 0 AND 1000),
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
CREATE INDEX "members_score_idx" ON "members" ("score");
CREATE INDEX "members_team_id_idx" ON "members" ("team_id");
-- (Go: create the table's triggers again)

-- operation 2: alter column members.score
-- (no step of its own)

-- operation 3: add column members.rank
-- (no step of its own)

-- operation 4: create index members_score_idx on members
-- (no step of its own)

-- operation 5: add check members_score_range on members
-- (Go: check the foreign keys of the tables the migration may have broken)

-- Down

-- operation 1: drop check members_score_range on members
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "members" for operations 1 to 5, which SQLite cannot carry out in place
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

-- operation 2: drop index members_score_idx on members
-- (no step of its own)

-- operation 3: drop column members.rank
-- (no step of its own)

-- operation 4: alter column members.score
-- (no step of its own)

-- operation 5: add check members_score_check on members
-- (Go: check the foreign keys of the tables the migration may have broken)

