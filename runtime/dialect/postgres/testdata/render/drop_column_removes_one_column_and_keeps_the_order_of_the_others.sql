-- operation 1: drop column people.nickname
ALTER TABLE "people" DROP COLUMN "nickname";

