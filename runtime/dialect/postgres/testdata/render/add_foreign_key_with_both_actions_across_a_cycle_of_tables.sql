-- operation 1: add column orgs.owner_id
ALTER TABLE "orgs" ADD COLUMN "owner_id" BIGINT;

-- operation 2: add foreign key orgs_owner_id_fkey on orgs
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "people" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

