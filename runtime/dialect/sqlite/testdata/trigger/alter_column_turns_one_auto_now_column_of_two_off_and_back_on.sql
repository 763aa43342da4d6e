-- operation 1: alter column pairs.touched_at
DROP TRIGGER IF EXISTS "strata_auto_now_pairs";
CREATE TRIGGER "strata_auto_now_pairs" AFTER UPDATE ON "pairs" FOR EACH ROW
WHEN (NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "pairs" SET "seen_at" = CASE WHEN NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "seen_at" END WHERE "a" = NEW."a" AND "b" = NEW."b";
END;

-- down

-- operation 1: alter column pairs.touched_at
DROP TRIGGER IF EXISTS "strata_auto_now_pairs";
CREATE TRIGGER "strata_auto_now_pairs" AFTER UPDATE ON "pairs" FOR EACH ROW
WHEN (NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')) OR (NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
BEGIN
  UPDATE "pairs" SET "touched_at" = CASE WHEN NEW."touched_at" IS OLD."touched_at" AND NEW."touched_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "touched_at" END, "seen_at" = CASE WHEN NEW."seen_at" IS OLD."seen_at" AND NEW."seen_at" IS NOT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') THEN strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') ELSE "seen_at" END WHERE "a" = NEW."a" AND "b" = NEW."b";
END;

