-- operation 1: alter column posts.n
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" ALTER COLUMN "n" DROP DEFAULT;

-- operation 1: alter column posts.n
-- locks ACCESS EXCLUSIVE on "posts" while it rewrites the table
ALTER TABLE "posts" ALTER COLUMN "n" TYPE BIGINT;

-- operation 1: alter column posts.n
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" ALTER COLUMN "n" SET DEFAULT 1;

-- down

-- operation 1: alter column posts.n
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" ALTER COLUMN "n" DROP DEFAULT;

-- operation 1: alter column posts.n
-- locks ACCESS EXCLUSIVE on "posts" while it rewrites the table
ALTER TABLE "posts" ALTER COLUMN "n" TYPE INTEGER;

-- operation 1: alter column posts.n
-- locks ACCESS EXCLUSIVE on "posts"
ALTER TABLE "posts" ALTER COLUMN "n" SET DEFAULT 0;

