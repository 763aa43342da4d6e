-- operation 1: drop index people_org_id_idx on people
-- outside a transaction
-- locks SHARE UPDATE EXCLUSIVE on "people" (blocks no reads or writes)
DROP INDEX CONCURRENTLY IF EXISTS "people_org_id_idx";

