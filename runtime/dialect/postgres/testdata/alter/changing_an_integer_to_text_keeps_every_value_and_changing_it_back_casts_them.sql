-- up

-- operation 1: alter column items.price
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "price" TYPE TEXT;

-- operation 1: alter column items.price
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "price" SET DEFAULT '0';

-- down

-- operation 1: alter column items.price
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "price" DROP DEFAULT;

-- operation 1: alter column items.price
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "price" TYPE INTEGER USING "price"::INTEGER;

