-- up

-- operation 1: alter column items.id
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "id" TYPE BIGINT;

-- operation 2: alter column orders.item_id
-- locks ACCESS EXCLUSIVE on "orders" while it rewrites the table
ALTER TABLE "orders" ALTER COLUMN "item_id" TYPE BIGINT;

-- operation 3: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "qty" DROP DEFAULT;

-- operation 3: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "qty" TYPE BIGINT;

-- operation 3: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "qty" SET DEFAULT 0;

-- down

-- operation 1: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "qty" DROP DEFAULT;

-- operation 1: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "qty" TYPE INTEGER;

-- operation 1: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "qty" SET DEFAULT 0;

-- operation 2: alter column orders.item_id
-- locks ACCESS EXCLUSIVE on "orders" while it rewrites the table
ALTER TABLE "orders" ALTER COLUMN "item_id" TYPE INTEGER;

-- operation 3: alter column items.id
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "id" TYPE INTEGER;

