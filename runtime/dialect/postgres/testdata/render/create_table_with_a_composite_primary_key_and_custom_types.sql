-- operation 1: create table prices
-- locks ACCESS EXCLUSIVE on "prices" (new)
CREATE TABLE "prices" (
  "sku" VARCHAR(40) NOT NULL,
  "currency" char(3) NOT NULL,
  "amount" numeric(10, 2) NOT NULL,
  "tags" text[] NOT NULL DEFAULT '{}',
  CONSTRAINT "prices_pkey" PRIMARY KEY ("sku", "currency")
);

