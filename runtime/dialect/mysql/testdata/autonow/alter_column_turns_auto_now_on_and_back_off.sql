-- operation 1: alter column posts.updated_at
-- outside a transaction
ALTER TABLE `posts` MODIFY COLUMN `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6);

-- down

-- operation 1: alter column posts.updated_at
-- outside a transaction
ALTER TABLE `posts` MODIFY COLUMN `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);

