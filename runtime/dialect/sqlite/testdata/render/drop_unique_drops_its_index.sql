-- operation 1: drop unique people_email_key on people
DROP INDEX "people_email_key";

