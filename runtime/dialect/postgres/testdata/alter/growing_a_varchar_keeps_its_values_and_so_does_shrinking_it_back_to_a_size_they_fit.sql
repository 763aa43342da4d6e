-- up

-- operation 1: alter column items.code
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(50);

-- down

-- operation 1: alter column items.code
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(20);

