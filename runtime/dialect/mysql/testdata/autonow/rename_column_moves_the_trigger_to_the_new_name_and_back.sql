-- operation 1: rename column posts.updated_at to modified_at
-- outside a transaction
ALTER TABLE `posts` RENAME COLUMN `updated_at` TO `modified_at`;

-- operation 2: rename column pairs.a to first
-- outside a transaction
ALTER TABLE `pairs` RENAME COLUMN `a` TO `first`;

-- down

-- operation 1: rename column pairs.first to a
-- outside a transaction
ALTER TABLE `pairs` RENAME COLUMN `first` TO `a`;

-- operation 2: rename column posts.modified_at to updated_at
-- outside a transaction
ALTER TABLE `posts` RENAME COLUMN `modified_at` TO `updated_at`;

