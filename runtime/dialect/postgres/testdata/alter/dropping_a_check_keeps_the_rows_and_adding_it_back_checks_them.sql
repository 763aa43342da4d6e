-- up

-- operation 1: drop check items_qty_check on items
ALTER TABLE "items" DROP CONSTRAINT "items_qty_check";

-- down

-- operation 1: add check items_qty_check on items
ALTER TABLE "items" ADD CONSTRAINT "items_qty_check" CHECK (qty >= 0);

