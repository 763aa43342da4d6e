-- operation 1: drop index people_org_id_idx on people
-- outside a transaction
-- locks SHARE UPDATE EXCLUSIVE on "people" (blocks no reads or writes); it waits for older transactions, so no timeout bounds it
-- squawk-ignore require-lock-timeout, require-statement-timeout
DROP INDEX CONCURRENTLY IF EXISTS "people_org_id_idx";

