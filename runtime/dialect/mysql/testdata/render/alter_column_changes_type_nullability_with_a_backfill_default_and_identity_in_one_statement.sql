-- operation 1: alter column people.nickname
UPDATE `people` SET `nickname` = 'anonymous', `seen_at` = `seen_at` WHERE `nickname` IS NULL;

-- operation 1: alter column people.nickname
-- outside a transaction
ALTER TABLE `people` MODIFY COLUMN `nickname` VARCHAR(100) NOT NULL;

-- operation 2: alter column people.email
-- outside a transaction
ALTER TABLE `people` DROP INDEX `people_email_key`, MODIFY COLUMN `email` LONGTEXT NOT NULL, ADD CONSTRAINT `people_email_key` UNIQUE (`email`);

-- operation 3: alter column orgs.name
-- outside a transaction
ALTER TABLE `orgs` MODIFY COLUMN `name` VARCHAR(200) NOT NULL DEFAULT 'unnamed';

-- operation 4: alter column people.seen_at
UPDATE `people` SET `seen_at` = CURRENT_TIMESTAMP WHERE `seen_at` IS NULL;

-- operation 4: alter column people.seen_at
-- outside a transaction
ALTER TABLE `people` MODIFY COLUMN `seen_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);

