-- operation 1: create table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
-- outside a transaction
CREATE TABLE `a_table_whose_name_is_long_enough_to_push_the_trigger_name_over` (
  `n` INT NOT NULL DEFAULT 0,
  `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- down

-- operation 1: drop table a_table_whose_name_is_long_enough_to_push_the_trigger_name_over
-- outside a transaction
DROP TABLE `a_table_whose_name_is_long_enough_to_push_the_trigger_name_over`;

