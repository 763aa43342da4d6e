-- operation 1: create table notes
-- outside a transaction
CREATE TABLE `notes` (
  `body` LONGTEXT NOT NULL,
  `draft` BOOLEAN NOT NULL DEFAULT true,
  `Title` LONGTEXT NULL,
  CONSTRAINT `notes_body_check` CHECK ((body <> 'draft') AND (body <> '"draft"')),
  CONSTRAINT `notes_title_check` CHECK ("Title" <> 'draft' OR "Title" IS NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

