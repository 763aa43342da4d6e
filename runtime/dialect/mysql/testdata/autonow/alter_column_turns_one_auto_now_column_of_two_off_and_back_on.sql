-- operation 1: alter column pairs.touched_at
-- outside a transaction
ALTER TABLE `pairs` MODIFY COLUMN `touched_at` DATETIME(6) NULL;

-- down

-- operation 1: alter column pairs.touched_at
-- outside a transaction
ALTER TABLE `pairs` MODIFY COLUMN `touched_at` DATETIME(6) NULL ON UPDATE CURRENT_TIMESTAMP(6);

