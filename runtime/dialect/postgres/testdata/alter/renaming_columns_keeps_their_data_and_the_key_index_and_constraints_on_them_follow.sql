-- up

-- operation 1: rename column items.id to item_no
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME COLUMN "id" TO "item_no";

-- operation 2: rename column items.code to sku
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME COLUMN "code" TO "sku";

-- operation 3: rename column orders.item_id to item_no
-- locks ACCESS EXCLUSIVE on "orders"
ALTER TABLE "orders" RENAME COLUMN "item_id" TO "item_no";

-- down

-- operation 1: rename column orders.item_no to item_id
-- locks ACCESS EXCLUSIVE on "orders"
ALTER TABLE "orders" RENAME COLUMN "item_no" TO "item_id";

-- operation 2: rename column items.sku to code
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME COLUMN "sku" TO "code";

-- operation 3: rename column items.item_no to id
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME COLUMN "item_no" TO "id";

