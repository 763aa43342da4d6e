-- operation 1: add unique people_org_nickname_key on people
-- outside a transaction
ALTER TABLE `people` ADD CONSTRAINT `people_org_nickname_key` UNIQUE (`org_id`, `nickname`);

