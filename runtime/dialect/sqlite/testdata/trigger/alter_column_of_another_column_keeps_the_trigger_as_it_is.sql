-- operation 1: alter column posts.n
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "posts" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_posts" (
  "id" INTEGER PRIMARY KEY,
  "n" BIGINT NOT NULL DEFAULT 1,
  "created_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "updated_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
INSERT INTO "strata_rebuild_posts" ("id", "n", "created_at", "updated_at")
SELECT "id", "n", "created_at", "updated_at" FROM "posts";
DROP TABLE "posts";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_posts" RENAME TO "posts";
PRAGMA legacy_alter_table = OFF;
-- (Go: create the table's triggers again)

-- down

-- operation 1: alter column posts.n
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "posts" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_posts" (
  "id" INTEGER PRIMARY KEY,
  "n" INT NOT NULL DEFAULT 0,
  "created_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "updated_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
INSERT INTO "strata_rebuild_posts" ("id", "n", "created_at", "updated_at")
SELECT "id", "n", "created_at", "updated_at" FROM "posts";
DROP TABLE "posts";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_posts" RENAME TO "posts";
PRAGMA legacy_alter_table = OFF;
-- (Go: create the table's triggers again)

