-- operation 1: drop table people
-- outside a transaction
DROP TABLE `people`;

