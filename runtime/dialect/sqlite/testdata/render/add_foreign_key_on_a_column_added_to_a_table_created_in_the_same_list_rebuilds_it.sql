-- operation 1: create table orgs
CREATE TABLE "orgs" (
  "id" INTEGER PRIMARY KEY,
  "name" VARCHAR(200) NOT NULL
);

-- operation 2: add column orgs.parent_id
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "orgs" for operations 2 to 3, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_orgs" (
  "id" INTEGER PRIMARY KEY,
  "name" VARCHAR(200) NOT NULL,
  "parent_id" BIGINT,
  CONSTRAINT "orgs_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "orgs" ("id")
);
INSERT INTO "strata_rebuild_orgs" ("id", "name")
SELECT "id", "name" FROM "orgs";
DROP TABLE "orgs";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_orgs" RENAME TO "orgs";
PRAGMA legacy_alter_table = OFF;
-- (Go: create the table's triggers again)

-- operation 3: add foreign key orgs_parent_id_fkey on orgs
-- (Go: check the foreign keys of the tables the migration may have broken)

