-- up

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" DROP DEFAULT;

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "state" TYPE BOOLEAN USING "state" = 'active';

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" SET DEFAULT true;

-- down

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" DROP DEFAULT;

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items" while it rewrites the table
ALTER TABLE "items" ALTER COLUMN "state" TYPE TEXT USING CASE WHEN "state" THEN 'active' ELSE 'banned' END;

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" SET DEFAULT 'active';

