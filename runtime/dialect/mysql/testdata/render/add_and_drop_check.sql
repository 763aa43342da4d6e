-- operation 1: add check people_email_check on people
-- outside a transaction
ALTER TABLE `people` ADD CONSTRAINT `people_email_check` CHECK (email LIKE '%@%' AND org_id > 0);

-- operation 2: add check orgs_name_check on orgs
-- outside a transaction
ALTER TABLE `orgs` ADD CONSTRAINT `orgs_name_check` CHECK (name <> '');

-- operation 3: drop check orgs_name_check on orgs
-- outside a transaction
ALTER TABLE `orgs` DROP CONSTRAINT `orgs_name_check`;

