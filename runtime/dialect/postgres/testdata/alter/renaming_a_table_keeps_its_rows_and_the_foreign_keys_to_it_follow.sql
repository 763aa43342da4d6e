-- up

-- operation 1: rename table items to products
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME TO "products";

-- operation 1: rename table items to products
-- locks ACCESS EXCLUSIVE on "products"
ALTER TABLE "products" RENAME CONSTRAINT "items_pkey" TO "products_pkey";

-- down

-- operation 1: rename table products to items
-- locks ACCESS EXCLUSIVE on "products"
ALTER TABLE "products" RENAME TO "items";

-- operation 1: rename table products to items
-- locks ACCESS EXCLUSIVE on "items"
ALTER TABLE "items" RENAME CONSTRAINT "products_pkey" TO "items_pkey";

