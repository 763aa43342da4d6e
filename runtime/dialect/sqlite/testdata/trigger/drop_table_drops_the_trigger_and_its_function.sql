-- operation 1: drop table posts
DROP TRIGGER IF EXISTS "strata_auto_now_posts";
DROP TABLE "posts";

-- down

-- operation 1: create table posts
CREATE TABLE "posts" (
  "id" INTEGER PRIMARY KEY,
  "n" INT NOT NULL DEFAULT 0,
  "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TRIGGER "strata_auto_now_posts" AFTER UPDATE ON "posts" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT CURRENT_TIMESTAMP)
BEGIN
  UPDATE "posts" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT CURRENT_TIMESTAMP THEN CURRENT_TIMESTAMP ELSE "updated_at" END WHERE "id" = NEW."id";
END;

