-- up

-- operation 1: alter column items.price
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "price" TYPE numeric(12, 2);

-- operation 2: alter column items.code
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "code" TYPE char(8);

-- operation 3: alter column items.note
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "note" TYPE text[] USING string_to_array("note", ',');

-- down

-- operation 1: alter column items.note
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "note" TYPE TEXT USING array_to_string("note", ',');

-- operation 2: alter column items.code
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(20);

-- operation 3: alter column items.price
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "price" TYPE INTEGER;

