-- operation 1: add column orgs.bio
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "bio" TEXT;

-- operation 2: add column orgs.plan
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "plan" VARCHAR(20) NOT NULL DEFAULT 'free';

-- operation 3: add column orgs.status
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "status" "status" NOT NULL DEFAULT 'active';

-- operation 4: add column orgs.verified
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "verified" BOOLEAN NOT NULL DEFAULT false;

-- operation 5: add column orgs.logo
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "logo" BYTEA;

-- operation 6: add column orgs.settings
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "settings" JSONB NOT NULL DEFAULT '{}';

-- operation 7: add column orgs.key
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "key" UUID NOT NULL DEFAULT gen_random_uuid();

-- operation 8: add column orgs.score
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "score" REAL NOT NULL DEFAULT -1.5;

-- operation 9: add column orgs.rank
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "rank" DOUBLE PRECISION;

-- operation 10: add column orgs.seats
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "seats" INTEGER NOT NULL DEFAULT -1;

-- operation 11: add column orgs.updated_at
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now();

-- operation 11: add column orgs.updated_at
CREATE FUNCTION "strata_auto_now_orgs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('strata.backfilling', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF NEW."updated_at" IS NOT DISTINCT FROM OLD."updated_at" THEN
    NEW."updated_at" = now();
  END IF;
  RETURN NEW;
END
$$;

-- operation 11: add column orgs.updated_at
-- locks SHARE ROW EXCLUSIVE on "orgs"
CREATE TRIGGER "strata_auto_now" BEFORE UPDATE ON "orgs" FOR EACH ROW EXECUTE FUNCTION "strata_auto_now_orgs"();

