-- operation 1: drop unique people_email_key on people
-- locks ACCESS EXCLUSIVE on "people"
ALTER TABLE "people" DROP CONSTRAINT "people_email_key";

