-- operation 1: alter column codes.n
-- outside a transaction
ALTER TABLE `codes` DROP INDEX `codes_n_idx`, MODIFY COLUMN `n` LONGTEXT NOT NULL, ADD INDEX `codes_n_idx` (`n`(255), `id`);

-- operation 2: alter column codes.m
-- outside a transaction
ALTER TABLE `codes` DROP INDEX `codes_m_key`, MODIFY COLUMN `m` LONGTEXT NOT NULL, ADD CONSTRAINT `codes_m_key` UNIQUE (`m`);

-- operation 3: alter column codes.n
-- outside a transaction
ALTER TABLE `codes` DROP INDEX `codes_n_idx`, MODIFY COLUMN `n` VARCHAR(40) NOT NULL, ADD INDEX `codes_n_idx` (`n`, `id`);

