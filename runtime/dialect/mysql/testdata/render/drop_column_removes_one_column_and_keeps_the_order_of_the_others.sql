-- operation 1: drop column people.nickname
-- outside a transaction
ALTER TABLE `people` DROP COLUMN `nickname`;

