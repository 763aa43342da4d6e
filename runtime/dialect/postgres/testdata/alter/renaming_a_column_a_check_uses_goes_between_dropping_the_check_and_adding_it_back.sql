-- up

-- operation 1: drop check items_qty_check on items
ALTER TABLE "items" DROP CONSTRAINT "items_qty_check";

-- operation 2: rename column items.qty to quantity
ALTER TABLE "items" RENAME COLUMN "qty" TO "quantity";

-- operation 3: add check items_qty_check on items
ALTER TABLE "items" ADD CONSTRAINT "items_qty_check" CHECK (quantity >= 0);

-- down

-- operation 1: drop check items_qty_check on items
ALTER TABLE "items" DROP CONSTRAINT "items_qty_check";

-- operation 2: rename column items.quantity to qty
ALTER TABLE "items" RENAME COLUMN "quantity" TO "qty";

-- operation 3: add check items_qty_check on items
ALTER TABLE "items" ADD CONSTRAINT "items_qty_check" CHECK (qty >= 0);

