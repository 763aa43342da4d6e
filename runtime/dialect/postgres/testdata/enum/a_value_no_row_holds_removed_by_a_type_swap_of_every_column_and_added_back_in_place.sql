-- up

-- operation 1: alter enum mood
ALTER TYPE "mood" RENAME TO "mood__strata_old";

-- operation 1: alter enum mood
CREATE TYPE "mood" AS ENUM ('happy', 'sad');

-- operation 1: alter enum mood
-- locks ACCESS EXCLUSIVE on "diary"
ALTER TABLE "diary" ALTER COLUMN "mood" DROP DEFAULT;

-- operation 1: alter enum mood
-- locks ACCESS EXCLUSIVE on "diary" while it rewrites the table
ALTER TABLE "diary" ALTER COLUMN "mood" TYPE "mood" USING "mood"::text::"mood";

-- operation 1: alter enum mood
-- locks ACCESS EXCLUSIVE on "diary"
ALTER TABLE "diary" ALTER COLUMN "mood" SET DEFAULT 'happy';

-- operation 1: alter enum mood
-- locks ACCESS EXCLUSIVE on "visits" while it rewrites the table
ALTER TABLE "visits" ALTER COLUMN "mood" TYPE "mood" USING "mood"::text::"mood";

-- operation 1: alter enum mood
DROP TYPE "mood__strata_old";

-- down

-- operation 1: alter enum mood
ALTER TYPE "mood" ADD VALUE 'meh' AFTER 'sad';

