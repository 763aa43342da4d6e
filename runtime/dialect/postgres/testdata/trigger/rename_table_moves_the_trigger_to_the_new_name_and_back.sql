-- operation 1: rename table posts to articles
-- locks SHARE ROW EXCLUSIVE on "posts"
DROP TRIGGER IF EXISTS "strata_auto_now" ON "posts";

-- operation 1: rename table posts to articles
DROP FUNCTION IF EXISTS "strata_auto_now_posts"();

-- operation 1: rename table posts to articles
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" RENAME TO "articles";

-- operation 1: rename table posts to articles
-- locks ACCESS EXCLUSIVE on "articles"
ALTER TABLE "articles" RENAME CONSTRAINT "posts_pkey" TO "articles_pkey";

-- operation 1: rename table posts to articles
CREATE FUNCTION "strata_auto_now_articles"() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- operation 1: rename table posts to articles
-- locks SHARE ROW EXCLUSIVE on "articles"
CREATE TRIGGER "strata_auto_now" BEFORE UPDATE ON "articles" FOR EACH ROW EXECUTE FUNCTION "strata_auto_now_articles"();

-- down

-- operation 1: rename table articles to posts
-- locks SHARE ROW EXCLUSIVE on "articles"
DROP TRIGGER IF EXISTS "strata_auto_now" ON "articles";

-- operation 1: rename table articles to posts
DROP FUNCTION IF EXISTS "strata_auto_now_articles"();

-- operation 1: rename table articles to posts
-- locks ACCESS EXCLUSIVE on "articles"
ALTER TABLE "articles" RENAME TO "posts";

-- operation 1: rename table articles to posts
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" RENAME CONSTRAINT "articles_pkey" TO "posts_pkey";

-- operation 1: rename table articles to posts
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

-- operation 1: rename table articles to posts
-- locks SHARE ROW EXCLUSIVE on "posts"
CREATE TRIGGER "strata_auto_now" BEFORE UPDATE ON "posts" FOR EACH ROW EXECUTE FUNCTION "strata_auto_now_posts"();

