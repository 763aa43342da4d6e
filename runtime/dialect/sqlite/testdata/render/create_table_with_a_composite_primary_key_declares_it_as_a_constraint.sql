-- operation 1: create table prices
CREATE TABLE "prices" (
  "sku" VARCHAR(40) NOT NULL,
  "region" INT NOT NULL,
  "cents" BIGINT NOT NULL,
  CONSTRAINT "prices_pkey" PRIMARY KEY ("sku", "region")
);

