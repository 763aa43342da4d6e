-- operation 1: run SQL
-- outside a transaction
ALTER TABLE orgs COMMENT = 'organisations';

-- operation 3: run SQL
INSERT INTO `orgs` (`name`) VALUES ('from the MySQL field');

-- operation 4: run SQL
INSERT INTO "orgs" ("name") VALUES ('acme');

