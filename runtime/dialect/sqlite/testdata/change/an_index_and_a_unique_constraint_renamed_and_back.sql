-- Up

-- operation 1: rename index members_team_id_idx to members_team_idx on members
DROP INDEX "members_team_id_idx";
CREATE INDEX "members_team_idx" ON "members" ("team_id");

-- operation 2: rename constraint members_email_key to members_mail_key on members
DROP INDEX "members_email_key";
CREATE UNIQUE INDEX "members_mail_key" /* unique constraint */ ON "members" ("email");

-- Down

-- operation 1: rename constraint members_mail_key to members_email_key on members
DROP INDEX "members_mail_key";
CREATE UNIQUE INDEX "members_email_key" /* unique constraint */ ON "members" ("email");

-- operation 2: rename index members_team_idx to members_team_id_idx on members
DROP INDEX "members_team_idx";
CREATE INDEX "members_team_id_idx" ON "members" ("team_id");

