-- operation 1: drop column notes.draft
-- outside a transaction
ALTER TABLE `notes` DROP COLUMN `draft`;

