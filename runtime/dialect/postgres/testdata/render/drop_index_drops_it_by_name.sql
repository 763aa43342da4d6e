-- operation 1: drop index people_org_id_idx on people
DROP INDEX "people_org_id_idx";

