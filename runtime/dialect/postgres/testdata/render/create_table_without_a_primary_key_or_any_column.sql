-- operation 1: create table nothing
-- locks ACCESS EXCLUSIVE on "nothing" (new)
CREATE TABLE "nothing" ();

