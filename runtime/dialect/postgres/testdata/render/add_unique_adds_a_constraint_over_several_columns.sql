-- operation 1: add unique people_org_nickname_key on people
-- outside a transaction
-- locks SHARE UPDATE EXCLUSIVE on "people" (blocks no reads or writes); it waits for older transactions, so no timeout bounds it
-- squawk-ignore require-lock-timeout, require-statement-timeout
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "people_org_nickname_key" ON "people" ("org_id", "nickname");

-- operation 1: add unique people_org_nickname_key on people
-- locks ACCESS EXCLUSIVE on "people", a moment
ALTER TABLE "people" ADD CONSTRAINT "people_org_nickname_key" UNIQUE USING INDEX "people_org_nickname_key";

