-- up

-- operation 1: drop check items_qty_check on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" DROP CONSTRAINT "items_qty_check";

-- operation 2: rename column items.qty to quantity
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME COLUMN "qty" TO "quantity";

-- operation 3: add check items_qty_check on items
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" ADD CONSTRAINT "items_qty_check" CHECK (quantity >= 0) NOT VALID;

-- operation 3: add check items_qty_check on items
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "items" (blocks no reads or writes)
ALTER TABLE "items" VALIDATE CONSTRAINT "items_qty_check";

-- down

-- operation 1: drop check items_qty_check on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" DROP CONSTRAINT "items_qty_check";

-- operation 2: rename column items.quantity to qty
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME COLUMN "quantity" TO "qty";

-- operation 3: add check items_qty_check on items
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" ADD CONSTRAINT "items_qty_check" CHECK (qty >= 0) NOT VALID;

-- operation 3: add check items_qty_check on items
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "items" (blocks no reads or writes)
ALTER TABLE "items" VALIDATE CONSTRAINT "items_qty_check";

