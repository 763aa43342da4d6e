-- Up

-- operation 1: rename column members.email to mail
ALTER TABLE "members" RENAME COLUMN "email" TO "mail";

-- operation 2: rename column teams.id to team_no
ALTER TABLE "teams" RENAME COLUMN "id" TO "team_no";

-- Down

-- operation 1: rename column teams.team_no to id
ALTER TABLE "teams" RENAME COLUMN "team_no" TO "id";

-- operation 2: rename column members.mail to email
ALTER TABLE "members" RENAME COLUMN "mail" TO "email";

