-- operation 1: drop table people
-- locks ACCESS EXCLUSIVE on "people"
DROP TABLE "people";

