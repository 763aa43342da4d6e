-- operation 1: drop column people.nickname
ALTER TABLE "people" DROP COLUMN "nickname";

-- operation 2: drop column people.status
ALTER TABLE "people" DROP COLUMN "status";

