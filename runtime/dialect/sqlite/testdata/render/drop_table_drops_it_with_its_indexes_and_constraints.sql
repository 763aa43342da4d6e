-- operation 1: drop table people
DROP TABLE "people";

