-- up

-- operation 1: alter column items.note
-- repeated, a transaction each time, until it changes no row
-- locks ROW EXCLUSIVE on "items" and at most 5000 rows at a time
SET LOCAL strata.backfilling = on; UPDATE "items" SET "note" = '(none)' WHERE ctid IN (SELECT ctid FROM "items" WHERE "note" IS NULL LIMIT 5000);

-- operation 1: alter column items.note
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" ADD CONSTRAINT "items_note_not_null" CHECK ("note" IS NOT NULL) NOT VALID;

-- operation 1: alter column items.note
-- repeated, a transaction each time, until it changes no row
-- locks ROW EXCLUSIVE on "items" and at most 5000 rows at a time
SET LOCAL strata.backfilling = on; UPDATE "items" SET "note" = '(none)' WHERE ctid IN (SELECT ctid FROM "items" WHERE "note" IS NULL LIMIT 5000);

-- operation 1: alter column items.note
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "items" (blocks no reads or writes)
ALTER TABLE "items" VALIDATE CONSTRAINT "items_note_not_null";

-- operation 1: alter column items.note
-- locks ACCESS EXCLUSIVE on "items", a moment: the validated check spares reading the table
ALTER TABLE "items" ALTER COLUMN "note" SET NOT NULL;

-- operation 1: alter column items.note
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" DROP CONSTRAINT "items_note_not_null";

-- operation 2: alter column items.price
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "price" SET DEFAULT 0;

-- operation 2: alter column items.price
-- repeated, a transaction each time, until it changes no row
-- locks ROW EXCLUSIVE on "items" and at most 5000 rows at a time
SET LOCAL strata.backfilling = on; UPDATE "items" SET "price" = -1 WHERE ctid IN (SELECT ctid FROM "items" WHERE "price" IS NULL LIMIT 5000);

-- operation 2: alter column items.price
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" ADD CONSTRAINT "items_price_not_null" CHECK ("price" IS NOT NULL) NOT VALID;

-- operation 2: alter column items.price
-- repeated, a transaction each time, until it changes no row
-- locks ROW EXCLUSIVE on "items" and at most 5000 rows at a time
SET LOCAL strata.backfilling = on; UPDATE "items" SET "price" = -1 WHERE ctid IN (SELECT ctid FROM "items" WHERE "price" IS NULL LIMIT 5000);

-- operation 2: alter column items.price
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "items" (blocks no reads or writes)
ALTER TABLE "items" VALIDATE CONSTRAINT "items_price_not_null";

-- operation 2: alter column items.price
-- locks ACCESS EXCLUSIVE on "items", a moment: the validated check spares reading the table
ALTER TABLE "items" ALTER COLUMN "price" SET NOT NULL;

-- operation 2: alter column items.price
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" DROP CONSTRAINT "items_price_not_null";

-- down

-- operation 1: alter column items.price
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "price" DROP DEFAULT;

-- operation 1: alter column items.price
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "price" DROP NOT NULL;

-- operation 2: alter column items.note
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "note" DROP NOT NULL;

