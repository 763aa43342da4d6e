-- operation 1: create table users
CREATE TABLE "users" (
  "id" INTEGER PRIMARY KEY,
  "email" VARCHAR(320) NOT NULL,
  "bio" TEXT,
  "org_id" BIGINT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned')),
  "age" SMALLINT NOT NULL DEFAULT 0,
  "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "deleted_at" TIMESTAMP,
  CONSTRAINT "users_age_check" CHECK (age >= 0),
  CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON DELETE CASCADE ON UPDATE RESTRICT
);
CREATE UNIQUE INDEX "users_email_key" /* unique constraint */ ON "users" ("email");
CREATE UNIQUE INDEX "users_email_lower" ON "users" ("email");
CREATE INDEX "users_org_status" ON "users" ("org_id", "status") WHERE deleted_at IS NULL;

