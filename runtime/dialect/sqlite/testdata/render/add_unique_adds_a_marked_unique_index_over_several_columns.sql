-- operation 1: add unique people_org_nickname_key on people
CREATE UNIQUE INDEX "people_org_nickname_key" /* unique constraint */ ON "people" ("org_id", "nickname");

