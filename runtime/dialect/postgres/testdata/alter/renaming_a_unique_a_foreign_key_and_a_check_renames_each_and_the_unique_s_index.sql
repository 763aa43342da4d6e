-- up

-- operation 1: rename constraint items_code_key to items_sku_key on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME CONSTRAINT "items_code_key" TO "items_sku_key";

-- operation 2: rename constraint items_qty_check to items_qty_positive on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME CONSTRAINT "items_qty_check" TO "items_qty_positive";

-- operation 3: rename constraint orders_item_id_fkey to orders_item_fkey on orders
-- locks ACCESS EXCLUSIVE on "orders"
ALTER TABLE "orders" RENAME CONSTRAINT "orders_item_id_fkey" TO "orders_item_fkey";

-- down

-- operation 1: rename constraint orders_item_fkey to orders_item_id_fkey on orders
-- locks ACCESS EXCLUSIVE on "orders"
ALTER TABLE "orders" RENAME CONSTRAINT "orders_item_fkey" TO "orders_item_id_fkey";

-- operation 2: rename constraint items_qty_positive to items_qty_check on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME CONSTRAINT "items_qty_positive" TO "items_qty_check";

-- operation 3: rename constraint items_sku_key to items_code_key on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME CONSTRAINT "items_sku_key" TO "items_code_key";

