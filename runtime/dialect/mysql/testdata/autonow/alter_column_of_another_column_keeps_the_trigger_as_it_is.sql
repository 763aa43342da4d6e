-- operation 1: alter column posts.n
-- outside a transaction
ALTER TABLE `posts` MODIFY COLUMN `n` BIGINT NOT NULL DEFAULT 1;

-- down

-- operation 1: alter column posts.n
-- outside a transaction
ALTER TABLE `posts` MODIFY COLUMN `n` INT NOT NULL DEFAULT 0;

