-- 0001_create_users up
CREATE TABLE "users" (
  "id" INTEGER PRIMARY KEY,
  "email" VARCHAR(320) NOT NULL
);
-- 0001_create_users down
DROP TABLE "users";
-- 0002_add_users_bio up
ALTER TABLE "users" ADD COLUMN "bio" TEXT;
-- 0002_add_users_bio down
ALTER TABLE "users" DROP COLUMN "bio";
-- 0003_index_users_email up
CREATE INDEX "users_email_idx" ON "users" ("email");
-- 0003_index_users_email down
DROP INDEX "users_email_idx";
-- 0004_create_posts up
CREATE TABLE "posts" (
  "id" INTEGER PRIMARY KEY,
  "user_id" BIGINT NOT NULL,
  "title" TEXT NOT NULL DEFAULT '',
  CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
-- 0004_create_posts down
DROP TABLE "posts";
-- 0005_create_status up
-- 0005_create_status down
-- 0006_add_users_status up
ALTER TABLE "users" ADD COLUMN "status" TEXT CHECK ("status" IN ('active', 'banned'));
-- 0006_add_users_status down
ALTER TABLE "users" DROP COLUMN "status";
