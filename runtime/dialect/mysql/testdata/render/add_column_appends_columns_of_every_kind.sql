-- operation 1: add column orgs.bio
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `bio` LONGTEXT NULL;

-- operation 2: add column orgs.plan
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `plan` VARCHAR(20) NOT NULL DEFAULT 'free';

-- operation 3: add column orgs.status
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `status` ENUM('active', 'banned') NOT NULL DEFAULT 'active';

-- operation 4: add column orgs.verified
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `verified` BOOLEAN NOT NULL DEFAULT false;

-- operation 5: add column orgs.logo
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `logo` LONGBLOB NULL;

-- operation 6: add column orgs.settings
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `settings` JSON NOT NULL DEFAULT '{}';

-- operation 7: add column orgs.key
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `key` CHAR(36) NOT NULL DEFAULT (uuid());

-- operation 8: add column orgs.score
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `score` FLOAT NOT NULL DEFAULT -1.5;

-- operation 9: add column orgs.rank
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `rank` DOUBLE NULL;

-- operation 10: add column orgs.seats
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `seats` INT NOT NULL DEFAULT -1;

-- operation 11: add column orgs.small
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `small` SMALLINT NOT NULL DEFAULT 7;

-- operation 12: add column orgs.updated_at
-- outside a transaction
ALTER TABLE `orgs` ADD COLUMN `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6);

