-- operation 1: create table nothing
CREATE TABLE "nothing" ();

