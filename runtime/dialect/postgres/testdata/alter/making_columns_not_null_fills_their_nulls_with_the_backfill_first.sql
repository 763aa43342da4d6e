-- up

-- operation 1: alter column items.note
SET LOCAL strata.backfilling = on;

-- operation 1: alter column items.note
-- locks ROW EXCLUSIVE on "items" and the rows it changes
UPDATE "items" SET "note" = '(none)' WHERE "note" IS NULL;

-- operation 1: alter column items.note
SET LOCAL strata.backfilling = off;

-- operation 1: alter column items.note
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "note" SET NOT NULL;

-- operation 2: alter column items.price
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "price" SET DEFAULT 0;

-- operation 2: alter column items.price
SET LOCAL strata.backfilling = on;

-- operation 2: alter column items.price
-- locks ROW EXCLUSIVE on "items" and the rows it changes
UPDATE "items" SET "price" = -1 WHERE "price" IS NULL;

-- operation 2: alter column items.price
SET LOCAL strata.backfilling = off;

-- operation 2: alter column items.price
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "price" SET NOT NULL;

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

