-- operation 1: rename column posts.updated_at to modified_at
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" RENAME COLUMN "updated_at" TO "modified_at";

-- operation 1: rename column posts.updated_at to modified_at
CREATE OR REPLACE FUNCTION "strata_auto_now_posts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('strata.backfilling', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF NEW."modified_at" IS NOT DISTINCT FROM OLD."modified_at" THEN
    NEW."modified_at" = now();
  END IF;
  RETURN NEW;
END
$$;

-- operation 2: rename column pairs.a to first
-- locks ACCESS EXCLUSIVE on "pairs"
ALTER TABLE "pairs" RENAME COLUMN "a" TO "first";

-- down

-- operation 1: rename column pairs.first to a
-- locks ACCESS EXCLUSIVE on "pairs"
ALTER TABLE "pairs" RENAME COLUMN "first" TO "a";

-- operation 2: rename column posts.modified_at to updated_at
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" RENAME COLUMN "modified_at" TO "updated_at";

-- operation 2: rename column posts.modified_at to updated_at
CREATE OR REPLACE FUNCTION "strata_auto_now_posts"() RETURNS trigger LANGUAGE plpgsql AS $$
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

