-- operation 1: drop column people.nickname
-- locks ACCESS EXCLUSIVE on "people"
ALTER TABLE "people" DROP COLUMN "nickname";

