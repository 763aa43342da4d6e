-- operation 1: alter column posts.updated_at
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

-- down

-- operation 1: alter column posts.updated_at
DROP TRIGGER IF EXISTS "strata_auto_now_posts";

