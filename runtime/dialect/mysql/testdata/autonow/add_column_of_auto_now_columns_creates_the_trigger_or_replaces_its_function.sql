-- operation 1: add column posts.updated_at
-- outside a transaction
ALTER TABLE `posts` ADD COLUMN `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6);

-- operation 2: add column pairs.seen_at
-- outside a transaction
ALTER TABLE `pairs` ADD COLUMN `seen_at` DATETIME(6) NULL ON UPDATE CURRENT_TIMESTAMP(6);

-- down

-- operation 1: drop column pairs.seen_at
-- outside a transaction
ALTER TABLE `pairs` DROP COLUMN `seen_at`;

-- operation 2: drop column posts.updated_at
-- outside a transaction
ALTER TABLE `posts` DROP COLUMN `updated_at`;

