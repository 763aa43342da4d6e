-- operation 1: run SQL
COMMENT ON TABLE "orgs" IS 'organisations';

-- operation 3: run SQL
INSERT INTO "orgs" ("name") VALUES ('acme');

