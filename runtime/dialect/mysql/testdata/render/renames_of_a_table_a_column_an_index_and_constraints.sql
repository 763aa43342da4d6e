-- operation 1: rename table orgs to companies
-- outside a transaction
RENAME TABLE `orgs` TO `companies`;

-- operation 2: rename column people.org_id to company_id
-- outside a transaction
ALTER TABLE `people` RENAME COLUMN `org_id` TO `company_id`;

-- operation 3: rename index people_org_id_idx to people_company_id_idx on people
-- outside a transaction
ALTER TABLE `people` RENAME INDEX `people_org_id_idx` TO `people_company_id_idx`;

-- operation 4: rename constraint people_org_id_fkey to people_company_id_fkey on people
-- outside a transaction
ALTER TABLE `people` DROP FOREIGN KEY `people_org_id_fkey`, DROP INDEX IF EXISTS `people_org_id_fkey`, ADD CONSTRAINT `people_company_id_fkey` FOREIGN KEY (`company_id`) REFERENCES `companies` (`id`);

-- operation 5: rename constraint people_email_key to people_mail_key on people
-- outside a transaction
ALTER TABLE `people` RENAME INDEX `people_email_key` TO `people_mail_key`;

-- operation 6: rename constraint people_email_check to people_mail_check on people
-- outside a transaction
ALTER TABLE `people` DROP CONSTRAINT `people_email_check`, ADD CONSTRAINT `people_mail_check` CHECK (email <> '');

