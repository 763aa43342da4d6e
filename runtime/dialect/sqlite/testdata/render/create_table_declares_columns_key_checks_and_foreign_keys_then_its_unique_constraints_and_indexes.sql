-- operation 1: create table users
CREATE TABLE "users" (
  "id" INTEGER PRIMARY KEY,
  "email" VARCHAR(320) NOT NULL,
  "bio" TEXT,
  "org_id" BIGINT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned')),
  "age" SMALLINT NOT NULL DEFAULT 0,
  "created_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "updated_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "deleted_at" TIMESTAMP,
  CONSTRAINT "users_age_check" CHECK (age >= 0),
  CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON DELETE CASCADE ON UPDATE RESTRICT
);
CREATE UNIQUE INDEX "users_email_key" /* unique constraint */ ON "users" ("email");
CREATE UNIQUE INDEX "users_email_lower" ON "users" ("email");
CREATE INDEX "users_org_status" ON "users" ("org_id", "status") WHERE deleted_at IS NULL;
CREATE TRIGGER "strata_auto_now_users" AFTER UPDATE ON "users" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "users" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

