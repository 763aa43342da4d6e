-- operation 1: drop enum status
-- (nothing to run on SQLite)

-- operation 2: create enum status
-- (nothing to run on SQLite)

