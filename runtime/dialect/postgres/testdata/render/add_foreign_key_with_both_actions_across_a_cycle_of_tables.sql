-- operation 1: add column orgs.owner_id
-- locks ACCESS EXCLUSIVE on "orgs"
ALTER TABLE "orgs" ADD COLUMN "owner_id" BIGINT;

-- operation 2: add foreign key orgs_owner_id_fkey on orgs
-- locks SHARE ROW EXCLUSIVE on "orgs" and "people", a moment
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "people" ("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;

-- operation 2: add foreign key orgs_owner_id_fkey on orgs
-- in a transaction of its own
-- locks SHARE UPDATE EXCLUSIVE on "orgs" (blocks no reads or writes)
ALTER TABLE "orgs" VALIDATE CONSTRAINT "orgs_owner_id_fkey";

