-- operation 1: drop foreign key people_org_id_fkey on people
-- locks ACCESS EXCLUSIVE on "people"
ALTER TABLE "people" DROP CONSTRAINT "people_org_id_fkey";

