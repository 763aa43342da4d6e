-- operation 1: alter column pairs.touched_at
CREATE OR REPLACE FUNCTION "strata_auto_now_pairs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('strata.backfilling', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF NEW."seen_at" IS NOT DISTINCT FROM OLD."seen_at" THEN
    NEW."seen_at" = now();
  END IF;
  RETURN NEW;
END
$$;

-- down

-- operation 1: alter column pairs.touched_at
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

