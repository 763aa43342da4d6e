-- operation 1: create table codes
CREATE TABLE "codes" (
  "id" BIGINT NOT NULL,
  "label" TEXT NOT NULL,
  CONSTRAINT "codes_pkey" PRIMARY KEY ("id")
);

