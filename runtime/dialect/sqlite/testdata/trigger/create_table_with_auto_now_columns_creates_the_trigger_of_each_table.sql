-- operation 1: create table posts
CREATE TABLE "posts" (
  "id" INTEGER PRIMARY KEY,
  "n" INT NOT NULL DEFAULT 0,
  "created_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "updated_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

-- operation 2: create table pairs
CREATE TABLE "pairs" (
  "a" BIGINT NOT NULL DEFAULT 1,
  "b" BIGINT NOT NULL DEFAULT 2,
  "n" INT NOT NULL DEFAULT 0,
  "touched_at" TIMESTAMP,
  "seen_at" TIMESTAMP,
  CONSTRAINT "pairs_pkey" PRIMARY KEY ("a", "b")
);
CREATE TRIGGER "strata_auto_now_pairs" AFTER UPDATE ON "pairs" FOR EACH ROW
WHEN (NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')) OR (NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "pairs" SET "touched_at" = CASE WHEN NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "touched_at" END, "seen_at" = CASE WHEN NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "seen_at" END WHERE "a" = NEW."a" AND "b" = NEW."b";
END;

-- down

-- operation 1: drop table pairs
DROP TRIGGER IF EXISTS "strata_auto_now_pairs";
DROP TABLE "pairs";

-- operation 2: drop table posts
DROP TRIGGER IF EXISTS "strata_auto_now_posts";
DROP TABLE "posts";

