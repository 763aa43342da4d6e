-- operation 1: create table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
CREATE TABLE "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over" (
  "n" INT NOT NULL DEFAULT 0,
  "updated_at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
CREATE TRIGGER "strata_auto_now_a_table_whose_name_is_long_enough_to_p_699d71cc" AFTER UPDATE ON "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over" FOR EACH ROW
WHEN (NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over" SET "updated_at" = CASE WHEN NEW."updated_at" IS OLD."updated_at" AND NEW."updated_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "updated_at" END WHERE rowid = NEW.rowid;
END;

-- down

-- operation 1: drop table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
DROP TRIGGER IF EXISTS "strata_auto_now_a_table_whose_name_is_long_enough_to_p_699d71cc";
DROP TABLE "a_table_whose_name_is_long_enough_to_push_the_trigger_name_over";

