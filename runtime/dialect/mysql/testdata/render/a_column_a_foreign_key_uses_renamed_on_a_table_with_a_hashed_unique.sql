-- operation 1: rename column players.team_id to squad_id
-- outside a transaction
ALTER TABLE `players` DROP FOREIGN KEY `players_team_id_fkey`, RENAME COLUMN `team_id` TO `squad_id`;

-- operation 1: rename column players.team_id to squad_id
-- outside a transaction
ALTER TABLE `players` ADD CONSTRAINT `players_team_id_fkey` FOREIGN KEY (`squad_id`) REFERENCES `teams` (`id`) ON DELETE CASCADE;

-- operation 2: rename column players.id to player_no
-- outside a transaction
ALTER TABLE `players` DROP FOREIGN KEY `players_mentor_id_fkey`, RENAME COLUMN `id` TO `player_no`;

-- operation 2: rename column players.id to player_no
-- outside a transaction
ALTER TABLE `players` ADD CONSTRAINT `players_mentor_id_fkey` FOREIGN KEY (`mentor_id`) REFERENCES `players` (`player_no`);

-- operation 3: rename column teams.id to team_no
-- outside a transaction
ALTER TABLE `players` DROP FOREIGN KEY `players_team_id_fkey`;

-- operation 3: rename column teams.id to team_no
-- outside a transaction
ALTER TABLE `teams` RENAME COLUMN `id` TO `team_no`;

-- operation 3: rename column teams.id to team_no
-- outside a transaction
ALTER TABLE `players` ADD CONSTRAINT `players_team_id_fkey` FOREIGN KEY (`squad_id`) REFERENCES `teams` (`team_no`) ON DELETE CASCADE;

