-- operation 1: add column posts.updated_at
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" ADD COLUMN "updated_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- operation 1: add column posts.updated_at
CREATE FUNCTION "strata_auto_now_posts"() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- operation 1: add column posts.updated_at
-- locks SHARE ROW EXCLUSIVE on "posts"
CREATE TRIGGER "strata_auto_now" BEFORE UPDATE ON "posts" FOR EACH ROW EXECUTE FUNCTION "strata_auto_now_posts"();

-- operation 2: add column pairs.seen_at
-- locks ACCESS EXCLUSIVE on "pairs"
ALTER TABLE "pairs" ADD COLUMN "seen_at" TIMESTAMPTZ;

-- operation 2: add column pairs.seen_at
CREATE OR REPLACE FUNCTION "strata_auto_now_pairs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('strata.backfilling', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF NEW."touched_at" IS NOT DISTINCT FROM OLD."touched_at" THEN
    NEW."touched_at" = now();
  END IF;
  IF NEW."seen_at" IS NOT DISTINCT FROM OLD."seen_at" THEN
    NEW."seen_at" = now();
  END IF;
  RETURN NEW;
END
$$;

-- down

-- operation 1: drop column pairs.seen_at
-- locks ACCESS EXCLUSIVE on "pairs"
ALTER TABLE "pairs" DROP COLUMN "seen_at";

-- operation 1: drop column pairs.seen_at
CREATE OR REPLACE FUNCTION "strata_auto_now_pairs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('strata.backfilling', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF NEW."touched_at" IS NOT DISTINCT FROM OLD."touched_at" THEN
    NEW."touched_at" = now();
  END IF;
  RETURN NEW;
END
$$;

-- operation 2: drop column posts.updated_at
-- locks SHARE ROW EXCLUSIVE on "posts"
DROP TRIGGER IF EXISTS "strata_auto_now" ON "posts";

-- operation 2: drop column posts.updated_at
DROP FUNCTION IF EXISTS "strata_auto_now_posts"();

-- operation 2: drop column posts.updated_at
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" DROP COLUMN "updated_at";

