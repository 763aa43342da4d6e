-- operation 1: drop index people_org_id_idx on people
-- outside a transaction
ALTER TABLE `people` DROP INDEX `people_org_id_idx`, ADD INDEX IF NOT EXISTS `people_org_id_fkey` (`org_id`);

