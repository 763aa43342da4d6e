-- up

-- operation 1: add check items_price_check on items
ALTER TABLE "items" ADD CONSTRAINT "items_price_check" CHECK (price > 0);

-- down

-- operation 1: drop check items_price_check on items
ALTER TABLE "items" DROP CONSTRAINT "items_price_check";

