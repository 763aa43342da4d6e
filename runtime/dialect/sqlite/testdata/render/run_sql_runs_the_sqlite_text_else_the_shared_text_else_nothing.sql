-- operation 1: run SQL
INSERT INTO "orgs" ("name") VALUES ('sqlite');

-- operation 2: run SQL
-- (no step of its own)

-- operation 3: run SQL
INSERT INTO "orgs" ("name") VALUES ('shared');

