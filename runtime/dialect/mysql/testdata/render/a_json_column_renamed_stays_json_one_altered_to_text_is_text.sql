-- operation 1: rename column orgs.Settings to Prefs
-- outside a transaction
ALTER TABLE `orgs` RENAME COLUMN `Settings` TO `Prefs`;

-- operation 2: alter column orgs.extra
-- outside a transaction
ALTER TABLE `orgs` MODIFY COLUMN `extra` LONGTEXT NULL;

