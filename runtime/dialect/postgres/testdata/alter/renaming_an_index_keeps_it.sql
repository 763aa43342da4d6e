-- up

-- operation 1: rename index items_qty_idx to items_quantity_idx on items
ALTER INDEX "items_qty_idx" RENAME TO "items_quantity_idx";

-- down

-- operation 1: rename index items_quantity_idx to items_qty_idx on items
ALTER INDEX "items_quantity_idx" RENAME TO "items_qty_idx";

