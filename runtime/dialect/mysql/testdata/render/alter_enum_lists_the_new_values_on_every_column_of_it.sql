-- operation 1: alter enum status
-- outside a transaction
ALTER TABLE `orgs` MODIFY COLUMN `status` ENUM('invited', 'active', 'banned', 'it''s gone') NOT NULL DEFAULT 'active';

-- operation 1: alter enum status
-- outside a transaction
ALTER TABLE `people` MODIFY COLUMN `status` ENUM('invited', 'active', 'banned', 'it''s gone') NULL;

