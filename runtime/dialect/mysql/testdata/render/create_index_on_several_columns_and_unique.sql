-- operation 1: create index people_nickname_org_id_idx on people
-- outside a transaction
ALTER TABLE `people` ADD INDEX `people_nickname_org_id_idx` (`nickname`(255), `org_id`);

-- operation 2: create index people_org_nickname_key on people
-- outside a transaction
ALTER TABLE `people` ADD UNIQUE INDEX `people_org_nickname_key` (`org_id`, `nickname`);

