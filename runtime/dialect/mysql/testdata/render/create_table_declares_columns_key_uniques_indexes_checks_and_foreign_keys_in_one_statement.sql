-- operation 1: create table users
-- outside a transaction
CREATE TABLE `users` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(320) NOT NULL,
  `bio` LONGTEXT NULL,
  `org_id` BIGINT NOT NULL,
  `status` ENUM('active', 'banned') NOT NULL DEFAULT 'active',
  `age` SMALLINT NOT NULL DEFAULT 0,
  `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `deleted_at` DATETIME(6) NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `users_email_key` UNIQUE (`email`),
  INDEX `users_bio_idx` (`bio`(255)),
  UNIQUE INDEX `users_email_lower` (`email`),
  INDEX `users_org_status` (`org_id`, `status`),
  CONSTRAINT `users_age_check` CHECK (age >= 0),
  CONSTRAINT `users_org_id_fkey` FOREIGN KEY (`org_id`) REFERENCES `orgs` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

