-- operation 1: add column orgs.created_at
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "orgs" for operations 1 to 3, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_orgs" (
  "id" INTEGER PRIMARY KEY,
  "name" VARCHAR(200) NOT NULL,
  "created_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "code" TEXT NOT NULL DEFAULT (lower('NEW')),
  "seats" INT NOT NULL
);
INSERT INTO "strata_rebuild_orgs" ("id", "name")
SELECT "id", "name" FROM "orgs";
DROP TABLE "orgs";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_orgs" RENAME TO "orgs";
PRAGMA legacy_alter_table = OFF;
-- (Go: create the table's triggers again)

-- operation 2: add column orgs.code
-- (no step of its own)

-- operation 3: add column orgs.seats
-- (no step of its own)

