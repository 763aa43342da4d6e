-- operation 1: create index people_nickname_org_id_idx on people
-- outside a transaction
-- locks SHARE UPDATE EXCLUSIVE on "people" (blocks no reads or writes); it waits for older transactions, so no timeout bounds it
-- squawk-ignore require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS "people_nickname_org_id_idx" ON "people" ("nickname", "org_id");

-- operation 2: create index people_org_nickname_key on people
-- outside a transaction
-- locks SHARE UPDATE EXCLUSIVE on "people" (blocks no reads or writes); it waits for older transactions, so no timeout bounds it
-- squawk-ignore require-lock-timeout, require-statement-timeout
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "people_org_nickname_key" ON "people" ("org_id", "nickname") WHERE nickname IS NOT NULL;

