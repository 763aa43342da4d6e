-- up

-- operation 1: alter column items.code
-- locks ACCESS EXCLUSIVE on "items", a moment: VARCHAR(20) to VARCHAR(50) reads and rewrites no row
-- squawk-ignore changing-column-type
ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(50);

-- down

-- operation 1: alter column items.code
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(20);

