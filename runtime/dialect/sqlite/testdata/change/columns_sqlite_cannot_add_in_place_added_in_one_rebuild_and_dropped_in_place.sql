-- Up

-- operation 1: add column members.joined_at
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
  "joined_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "code" TEXT NOT NULL DEFAULT (lower('NEW')),
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

-- operation 2: add column members.code
-- (Go: check the foreign keys of the tables the migration may have broken)

-- Down

-- operation 1: drop column members.code
ALTER TABLE "members" DROP COLUMN "code";

-- operation 2: drop column members.joined_at
ALTER TABLE "members" DROP COLUMN "joined_at";

