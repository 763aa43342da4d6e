-- up

-- operation 1: drop foreign key orders_item_id_fkey on orders
-- locks ACCESS EXCLUSIVE on "orders"
ALTER TABLE "orders" DROP CONSTRAINT "orders_item_id_fkey";

-- operation 2: alter primary key of items
-- locks ACCESS EXCLUSIVE on "items" while it builds the key's index, reading every row
ALTER TABLE "items" DROP CONSTRAINT "items_pkey", ADD CONSTRAINT "items_pkey" PRIMARY KEY ("id", "code");

-- operation 3: alter primary key of items
-- locks ACCESS EXCLUSIVE on "items" while it builds the key's index, reading every row
ALTER TABLE "items" DROP CONSTRAINT "items_pkey", ADD CONSTRAINT "items_pkey" PRIMARY KEY ("code");

-- operation 4: add unique items_id_key on items
-- outside a transaction
-- locks SHARE UPDATE EXCLUSIVE on "items" (blocks no reads or writes); it waits for older transactions, so no timeout bounds it
-- squawk-ignore require-lock-timeout, require-statement-timeout
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "items_id_key" ON "items" ("id");

-- operation 4: add unique items_id_key on items
-- locks ACCESS EXCLUSIVE on "items", a moment
ALTER TABLE "items" ADD CONSTRAINT "items_id_key" UNIQUE USING INDEX "items_id_key";

-- operation 5: add foreign key orders_item_id_fkey on orders
-- locks SHARE ROW EXCLUSIVE on "orders" and "items", a moment
ALTER TABLE "orders" ADD CONSTRAINT "orders_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items" ("id") ON DELETE CASCADE NOT VALID;

-- operation 5: add foreign key orders_item_id_fkey on orders
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "orders" (blocks no reads or writes)
ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_item_id_fkey";

-- down

-- operation 1: drop foreign key orders_item_id_fkey on orders
-- locks ACCESS EXCLUSIVE on "orders"
ALTER TABLE "orders" DROP CONSTRAINT "orders_item_id_fkey";

-- operation 2: drop unique items_id_key on items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" DROP CONSTRAINT "items_id_key";

-- operation 3: alter primary key of items
-- locks ACCESS EXCLUSIVE on "items" while it builds the key's index, reading every row
ALTER TABLE "items" DROP CONSTRAINT "items_pkey", ADD CONSTRAINT "items_pkey" PRIMARY KEY ("id");

-- operation 4: add foreign key orders_item_id_fkey on orders
-- locks SHARE ROW EXCLUSIVE on "orders" and "items", a moment
ALTER TABLE "orders" ADD CONSTRAINT "orders_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items" ("id") ON DELETE CASCADE NOT VALID;

-- operation 4: add foreign key orders_item_id_fkey on orders
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "orders" (blocks no reads or writes)
ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_item_id_fkey";

