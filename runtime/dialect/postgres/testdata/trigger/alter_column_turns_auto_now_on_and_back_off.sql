-- operation 1: alter column posts.updated_at
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

-- operation 1: alter column posts.updated_at
-- locks SHARE ROW EXCLUSIVE on "posts"
CREATE TRIGGER "strata_auto_now" BEFORE UPDATE ON "posts" FOR EACH ROW EXECUTE FUNCTION "strata_auto_now_posts"();

-- down

-- operation 1: alter column posts.updated_at
-- locks SHARE ROW EXCLUSIVE on "posts"
DROP TRIGGER IF EXISTS "strata_auto_now" ON "posts";

-- operation 1: alter column posts.updated_at
DROP FUNCTION IF EXISTS "strata_auto_now_posts"();

