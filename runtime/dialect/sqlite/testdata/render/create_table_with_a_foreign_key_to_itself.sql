-- operation 1: create table categories
CREATE TABLE "categories" (
  "id" INTEGER PRIMARY KEY,
  "parent_id" INT,
  CONSTRAINT "categories_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

