-- operation 1: run SQL
INSERT INTO "orgs" ("name") VALUES ('sqlite');

-- operation 2: run SQL
-- (nothing to run on SQLite)

-- operation 3: run SQL
INSERT INTO "orgs" ("name") VALUES ('shared');

