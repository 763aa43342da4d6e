-- 0001_create_users up
CREATE TABLE `users` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(320) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- 0001_create_users down
DROP TABLE `users`;
-- 0002_add_users_bio up
ALTER TABLE `users` ADD COLUMN `bio` LONGTEXT NULL;
-- 0002_add_users_bio down
ALTER TABLE `users` DROP COLUMN `bio`;
-- 0003_index_users_email up
ALTER TABLE `users` ADD INDEX `users_email_idx` (`email`);
-- 0003_index_users_email down
ALTER TABLE `users` DROP INDEX `users_email_idx`;
-- 0004_create_posts up
CREATE TABLE `posts` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `user_id` BIGINT NOT NULL,
  `title` LONGTEXT NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  CONSTRAINT `posts_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- 0004_create_posts down
DROP TABLE `posts`;
-- 0005_create_status up
-- 0005_create_status down
-- 0006_add_users_status up
ALTER TABLE `users` ADD COLUMN `status` ENUM('active', 'banned') NULL;
-- 0006_add_users_status down
ALTER TABLE `users` DROP COLUMN `status`;
