-- operation 1: drop foreign key people_org_id_fkey on people
-- outside a transaction
ALTER TABLE `people` DROP FOREIGN KEY `people_org_id_fkey`, DROP INDEX IF EXISTS `people_org_id_fkey`;

