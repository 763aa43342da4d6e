-- operation 1: alter primary key of prices
-- outside a transaction
ALTER TABLE `prices` DROP PRIMARY KEY, ADD PRIMARY KEY (`sku`, `currency`);

-- operation 2: alter primary key of prices
-- outside a transaction
ALTER TABLE `prices` DROP PRIMARY KEY, ADD PRIMARY KEY (`code`);

-- operation 3: alter primary key of prices
-- outside a transaction
ALTER TABLE `prices` DROP PRIMARY KEY;

-- operation 4: alter primary key of prices
-- outside a transaction
ALTER TABLE `prices` ADD PRIMARY KEY (`sku`);

