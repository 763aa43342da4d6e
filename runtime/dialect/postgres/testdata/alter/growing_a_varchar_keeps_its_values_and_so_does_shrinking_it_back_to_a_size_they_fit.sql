-- up

-- operation 1: alter column items.code
ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(50);

-- down

-- operation 1: alter column items.code
ALTER TABLE "items" ALTER COLUMN "code" TYPE VARCHAR(20);

