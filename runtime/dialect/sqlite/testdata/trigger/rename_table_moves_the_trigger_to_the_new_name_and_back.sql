-- operation 1: rename table posts to articles
DROP TRIGGER IF EXISTS "strata_auto_now_posts";
ALTER TABLE "posts" RENAME TO "articles";
CREATE TRIGGER "strata_auto_now_articles" AFTER UPDATE ON "articles" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "articles" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

-- down

-- operation 1: rename table articles to posts
DROP TRIGGER IF EXISTS "strata_auto_now_articles";
ALTER TABLE "articles" RENAME TO "posts";
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

