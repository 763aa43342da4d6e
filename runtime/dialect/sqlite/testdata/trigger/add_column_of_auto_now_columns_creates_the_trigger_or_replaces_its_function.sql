-- operation 1: add column posts.updated_at
-- (Go: refuse to go on with foreign keys enforced; keep the table's triggers)
-- rebuild "posts" for operation 1, which SQLite cannot carry out in place
CREATE TABLE "strata_rebuild_posts" (
  "id" INTEGER PRIMARY KEY,
  "n" INT NOT NULL DEFAULT 0,
  "created_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "updated_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
INSERT INTO "strata_rebuild_posts" ("id", "n", "created_at")
SELECT "id", "n", "created_at" FROM "posts";
DROP TABLE "posts";
PRAGMA legacy_alter_table = ON;
ALTER TABLE "strata_rebuild_posts" RENAME TO "posts";
PRAGMA legacy_alter_table = OFF;
-- (Go: create the table's triggers again)
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

-- operation 2: add column pairs.seen_at
DROP TRIGGER IF EXISTS "strata_auto_now_pairs";
ALTER TABLE "pairs" ADD COLUMN "seen_at" TIMESTAMP;
CREATE TRIGGER "strata_auto_now_pairs" AFTER UPDATE ON "pairs" FOR EACH ROW
WHEN (NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')) OR (NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "pairs" SET "touched_at" = CASE WHEN NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "touched_at" END, "seen_at" = CASE WHEN NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "seen_at" END WHERE "a" = NEW."a" AND "b" = NEW."b";
END;

-- down

-- operation 1: drop column pairs.seen_at
DROP TRIGGER IF EXISTS "strata_auto_now_pairs";
ALTER TABLE "pairs" DROP COLUMN "seen_at";
CREATE TRIGGER "strata_auto_now_pairs" AFTER UPDATE ON "pairs" FOR EACH ROW
WHEN (NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "pairs" SET "touched_at" = CASE WHEN NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "touched_at" END WHERE "a" = NEW."a" AND "b" = NEW."b";
END;

-- operation 2: drop column posts.updated_at
DROP TRIGGER IF EXISTS "strata_auto_now_posts";
ALTER TABLE "posts" DROP COLUMN "updated_at";

