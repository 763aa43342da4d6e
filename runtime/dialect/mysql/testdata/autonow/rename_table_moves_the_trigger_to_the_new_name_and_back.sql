-- operation 1: rename table posts to articles
-- outside a transaction
RENAME TABLE `posts` TO `articles`;

-- down

-- operation 1: rename table articles to posts
-- outside a transaction
RENAME TABLE `articles` TO `posts`;

