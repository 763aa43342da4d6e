-- up

-- operation 1: add check items_price_check on items
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" ADD CONSTRAINT "items_price_check" CHECK (price > 0) NOT VALID;

-- operation 1: add check items_price_check on items
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "items" (blocks no reads or writes)
ALTER TABLE "items" VALIDATE CONSTRAINT "items_price_check";

-- down

-- operation 1: drop check items_price_check on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" DROP CONSTRAINT "items_price_check";

