-- operation 1: alter column posts.updated_at
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT CURRENT_TIMESTAMP)
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT CURRENT_TIMESTAMP THEN CURRENT_TIMESTAMP ELSE "updated_at" END WHERE "id" = NEW."id";
END;

-- down

-- operation 1: alter column posts.updated_at
DROP TRIGGER IF EXISTS "strata_auto_now_posts";

