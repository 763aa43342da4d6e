-- operation 1: create index people_nickname_org_id_idx on people
CREATE INDEX "people_nickname_org_id_idx" ON "people" ("nickname", "org_id");

-- operation 2: create index people_org_nickname_key on people
CREATE UNIQUE INDEX "people_org_nickname_key" ON "people" ("org_id", "nickname") WHERE nickname IS NOT NULL;

