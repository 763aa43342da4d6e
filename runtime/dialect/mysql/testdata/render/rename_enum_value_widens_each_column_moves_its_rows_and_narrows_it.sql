-- operation 1: rename value banned of enum status to blocked
-- outside a transaction
ALTER TABLE `orgs` MODIFY COLUMN `status` ENUM('active', 'banned', 'blocked') NOT NULL DEFAULT 'blocked';

-- operation 1: rename value banned of enum status to blocked
UPDATE `orgs` SET `status` = 'blocked', `updated_at` = `updated_at` WHERE `status` = 'banned';

-- operation 1: rename value banned of enum status to blocked
-- outside a transaction
ALTER TABLE `orgs` MODIFY COLUMN `status` ENUM('active', 'blocked') NOT NULL DEFAULT 'blocked';

