-- operation 1: create enum Mood
CREATE TYPE "Mood" AS ENUM ('happy', 'it''s complicated');

