-- up

-- operation 1: rename value happy of enum mood to it's fine
ALTER TYPE "mood" RENAME VALUE 'happy' TO 'it''s fine';

-- down

-- operation 1: rename value it's fine of enum mood to happy
ALTER TYPE "mood" RENAME VALUE 'it''s fine' TO 'happy';

