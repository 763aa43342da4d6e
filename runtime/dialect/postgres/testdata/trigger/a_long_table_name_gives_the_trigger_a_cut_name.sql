-- operation 1: create table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
-- locks ACCESS EXCLUSIVE on "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over" (new)
CREATE TABLE "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over" (
  "n" INTEGER NOT NULL DEFAULT 0,
  "updated_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- operation 1: create table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
CREATE FUNCTION "strata_auto_now_a_table_whose_name_is_long_enough_to_p_699d71cc"() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- operation 1: create table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
-- locks SHARE ROW EXCLUSIVE on "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over" (new)
CREATE TRIGGER "strata_auto_now" BEFORE UPDATE ON "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over" FOR EACH ROW EXECUTE FUNCTION "strata_auto_now_a_table_whose_name_is_long_enough_to_p_699d71cc"();

-- down

-- operation 1: drop table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
-- locks SHARE ROW EXCLUSIVE on "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over"
DROP TRIGGER IF EXISTS "strata_auto_now" ON "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over";

-- operation 1: drop table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
DROP FUNCTION IF EXISTS "strata_auto_now_a_table_whose_name_is_long_enough_to_p_699d71cc"();

-- operation 1: drop table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
-- locks ACCESS EXCLUSIVE on "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over"
DROP TABLE "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over";

