-- operation 1: add column orgs.owner_id
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `owner_id` BIGINT NULL;

-- operation 2: add foreign key orgs_owner_id_fkey on orgs
-- outside a transaction
ALTER TABLE `orgs` ADD CONSTRAINT `orgs_owner_id_fkey` FOREIGN KEY (`owner_id`) REFERENCES `people` (`id`) ON DELETE SET NULL ON UPDATE CASCADE;

