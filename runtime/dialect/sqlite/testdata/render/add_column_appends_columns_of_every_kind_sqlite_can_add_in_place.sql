-- operation 1: add column orgs.bio
ALTER TABLE "orgs" ADD COLUMN "bio" TEXT;

-- operation 2: add column orgs.plan
ALTER TABLE "orgs" ADD COLUMN "plan" VARCHAR(20) NOT NULL DEFAULT 'free';

-- operation 3: add column orgs.status
ALTER TABLE "orgs" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'active' CHECK ("status" IN ('active', 'banned'));

-- operation 4: add column orgs.verified
ALTER TABLE "orgs" ADD COLUMN "verified" BOOLEAN NOT NULL DEFAULT false;

-- operation 5: add column orgs.logo
ALTER TABLE "orgs" ADD COLUMN "logo" BLOB;

-- operation 6: add column orgs.settings
ALTER TABLE "orgs" ADD COLUMN "settings" TEXT NOT NULL DEFAULT '{}';

-- operation 7: add column orgs.score
ALTER TABLE "orgs" ADD COLUMN "score" REAL NOT NULL DEFAULT -1.5;

-- operation 8: add column orgs.seats
ALTER TABLE "orgs" ADD COLUMN "seats" INT NOT NULL DEFAULT -1;

-- operation 9: add column orgs.updated_at
ALTER TABLE "orgs" ADD COLUMN "updated_at" TIMESTAMP;
CREATE TRIGGER "strata_auto_now_orgs" AFTER UPDATE ON "orgs" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "orgs" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE "id" = NEW."id";
END;

