-- up

-- operation 1: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" SET DEFAULT 'new';

-- operation 2: alter column items.note
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "note" SET DEFAULT 'n/a';

-- operation 3: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "qty" DROP DEFAULT;

-- down

-- operation 1: alter column items.qty
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "qty" SET DEFAULT 0;

-- operation 2: alter column items.note
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "note" DROP DEFAULT;

-- operation 3: alter column items.state
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" ALTER COLUMN "state" SET DEFAULT 'active';

