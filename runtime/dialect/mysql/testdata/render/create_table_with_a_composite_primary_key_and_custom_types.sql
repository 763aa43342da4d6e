-- operation 1: create table prices
-- outside a transaction
CREATE TABLE `prices` (
  `sku` VARCHAR(40) NOT NULL,
  `currency` char(3) NOT NULL,
  `amount` numeric(10, 2) NOT NULL,
  `tags` JSON NOT NULL DEFAULT '[]',
  `weight` DECIMAL(8,3) UNSIGNED NULL,
  PRIMARY KEY (`sku`, `currency`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

