-- operation 1: drop table people
PRAGMA defer_foreign_keys = ON;
DROP TABLE "people";

