-- operation 1: drop unique people_email_key on people
-- outside a transaction
ALTER TABLE `people` DROP INDEX `people_email_key`;

