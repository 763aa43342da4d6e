-- operation 1: create table posts
-- outside a transaction
CREATE TABLE `posts` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `n` INT NOT NULL DEFAULT 0,
  `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- operation 2: create table pairs
-- outside a transaction
CREATE TABLE `pairs` (
  `a` BIGINT NOT NULL DEFAULT 1,
  `b` BIGINT NOT NULL DEFAULT 2,
  `n` INT NOT NULL DEFAULT 0,
  `touched_at` DATETIME(6) NULL ON UPDATE CURRENT_TIMESTAMP(6),
  `seen_at` DATETIME(6) NULL ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`a`, `b`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- down

-- operation 1: drop table pairs
-- outside a transaction
DROP TABLE `pairs`;

-- operation 2: drop table posts
-- outside a transaction
DROP TABLE `posts`;

