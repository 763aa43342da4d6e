-- operation 1: drop enum status
-- (no step of its own)

-- operation 2: create enum status
-- (no step of its own)

