-- operation 1: rename column posts.updated_at to modified_at
DROP TRIGGER IF EXISTS "strata_auto_now_posts";
ALTER TABLE "posts" RENAME COLUMN "updated_at" TO "modified_at";
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."modified_at" IS OLD."modified_at" AND NEW."modified_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "posts" SET "modified_at" = CASE WHEN NEW."modified_at" IS OLD."modified_at" AND NEW."modified_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "modified_at" END WHERE "id" = NEW."id";
END;

-- operation 2: rename column pairs.a to first
DROP TRIGGER IF EXISTS "strata_auto_now_pairs";
ALTER TABLE "pairs" RENAME COLUMN "a" TO "first";
CREATE TRIGGER "strata_auto_now_pairs" AFTER UPDATE ON "pairs" FOR EACH ROW
WHEN (NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')) OR (NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "pairs" SET "touched_at" = CASE WHEN NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "touched_at" END, "seen_at" = CASE WHEN NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "seen_at" END WHERE "first" = NEW."first" AND "b" = NEW."b";
END;

-- down

-- operation 1: rename column pairs.first to a
DROP TRIGGER IF EXISTS "strata_auto_now_pairs";
ALTER TABLE "pairs" RENAME COLUMN "first" TO "a";
CREATE TRIGGER "strata_auto_now_pairs" AFTER UPDATE ON "pairs" FOR EACH ROW
WHEN (NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')) OR (NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "pairs" SET "touched_at" = CASE WHEN NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "touched_at" END, "seen_at" = CASE WHEN NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "seen_at" END WHERE "a" = NEW."a" AND "b" = NEW."b";
END;

-- operation 2: rename column posts.modified_at to updated_at
DROP TRIGGER IF EXISTS "strata_auto_now_posts";
ALTER TABLE "posts" RENAME COLUMN "modified_at" TO "updated_at";
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

