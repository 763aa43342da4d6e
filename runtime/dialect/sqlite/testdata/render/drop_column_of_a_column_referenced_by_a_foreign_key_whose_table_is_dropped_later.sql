-- operation 1: drop foreign key notes_org_name_fkey on notes
-- (no step of its own)

-- operation 2: drop unique orgs_name_key on orgs
DROP INDEX "orgs_name_key";

-- operation 3: drop column orgs.name
ALTER TABLE "orgs" DROP COLUMN "name";

-- operation 4: drop table notes
DROP TABLE "notes";

