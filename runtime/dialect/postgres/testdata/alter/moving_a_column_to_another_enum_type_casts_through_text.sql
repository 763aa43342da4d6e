-- up

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" DROP DEFAULT;

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "state" TYPE "Standing" USING "state"::text::"Standing";

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" SET DEFAULT 'active';

-- down

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" DROP DEFAULT;

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "state" TYPE "status" USING "state"::text::"status";

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" SET DEFAULT 'active';

